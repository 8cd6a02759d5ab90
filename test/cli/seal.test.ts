import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sealCommand, type SealIo } from '../../cli/seal';
import { readStored, sealedWith } from '../../lib/sealing/store';
import { certificateWithKey, controllerDecrypt } from '../support/sealing';
import { EXAMPLE_SITE_FILE } from '../support/site';

describe('npm run seal', () => {
  let root: string;
  let key: string;
  const logs: string[] = [];
  const io = (stdin = 'value-from-stdin', env: NodeJS.ProcessEnv = {}): SealIo => ({
    stdin: async () => Buffer.from(stdin),
    env,
    log: (line) => logs.push(line),
    root,
  });
  const site = () => join(root, 'site.yaml');
  const stored = (ns: string, name: string) =>
    readStored(join(root, 'secrets', 'ouchi-home', ns, `${name}.yaml`))!;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'ouchi-seal-'));
    cpSync(EXAMPLE_SITE_FILE, site());
    const made = certificateWithKey();
    key = made.privateKey;
    mkdirSync(join(root, 'certs', 'ouchi-home'), { recursive: true });
    writeFileSync(join(root, 'certs', 'ouchi-home', 'sealed-secrets.pem'), made.certPem);
    logs.length = 0;
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('seals a value from stdin into the store, decryptable only by the controller key', async () => {
    await sealCommand(
      ['--site', site(), '--namespace', 'apps', '--name', 'db', '--key', 'password'],
      io('hunter2'),
    );
    const object = stored('apps', 'db');
    expect(object.metadata).toMatchObject({ name: 'db', namespace: 'apps' });
    expect(object.spec.template).toEqual({ metadata: { name: 'db', namespace: 'apps' }, type: 'Opaque' });
    expect(controllerDecrypt(key, object.spec.encryptedData.password, 'apps/db').toString()).toBe('hunter2');
    expect(readFileSync(join(root, 'secrets', 'ouchi-home', 'apps', 'db.yaml'), 'utf8')).not.toContain(
      'hunter2',
    );
    expect(logs[0]).toMatch(
      /^sealed apps\/db key password with sha256:[0-9a-f]{16} → secrets\/ouchi-home\/apps\/db\.yaml$/,
    );
  });

  it('reads from a file or an environment variable, and sets the scope annotations', async () => {
    writeFileSync(join(root, 'token.txt'), 'from-file');
    await sealCommand(
      [
        '--site',
        site(),
        '--namespace',
        'apps',
        '--name',
        'a',
        '--key',
        'k',
        '--from-file',
        join(root, 'token.txt'),
        '--scope',
        'namespace-wide',
      ],
      io(),
    );
    const a = stored('apps', 'a');
    expect(a.metadata.annotations).toMatchObject({ 'sealedsecrets.bitnami.com/namespace-wide': 'true' });
    expect(a.spec.template.metadata.annotations).toEqual({
      'sealedsecrets.bitnami.com/namespace-wide': 'true',
    });
    expect(controllerDecrypt(key, a.spec.encryptedData.k, 'apps').toString()).toBe('from-file');

    await sealCommand(
      [
        '--site',
        site(),
        '--namespace',
        'apps',
        '--name',
        'b',
        '--key',
        'k',
        '--from-env',
        'TOKEN',
        '--scope',
        'cluster-wide',
      ],
      io('', { TOKEN: 'from-env' }),
    );
    expect(controllerDecrypt(key, stored('apps', 'b').spec.encryptedData.k, '').toString()).toBe('from-env');
  });

  it('--merge adds a key and leaves the other keys untouched', async () => {
    const args = ['--site', site(), '--namespace', 'apps', '--name', 'db'];
    await sealCommand([...args, '--key', 'user'], io('admin'));
    const before = stored('apps', 'db').spec.encryptedData.user;
    await sealCommand([...args, '--key', 'password', '--merge'], io('hunter2'));
    const after = stored('apps', 'db');
    expect(after.spec.encryptedData.user).toBe(before);
    expect(controllerDecrypt(key, after.spec.encryptedData.password, 'apps/db').toString()).toBe('hunter2');
    expect([...sealedWith(after).keys()]).toEqual(['password', 'user']);
  });

  it('sets the template labels and annotations of the Secret the controller writes, kept by --merge', async () => {
    const args = ['--site', site(), '--namespace', 'apps', '--name', 'db', '--scope', 'namespace-wide'];
    await sealCommand(
      [...args, '--key', 'user', '--type', 'kubernetes.io/basic-auth', '--labels', 'app=db,tier=data'],
      io('admin'),
    );
    await sealCommand(
      [...args, '--key', 'password', '--merge', '--annotations', 'reflector.v1/allowed=true'],
      io('hunter2'),
    );
    expect(stored('apps', 'db').spec.template).toEqual({
      metadata: {
        name: 'db',
        namespace: 'apps',
        labels: { app: 'db', tier: 'data' },
        annotations: {
          'reflector.v1/allowed': 'true',
          'sealedsecrets.bitnami.com/namespace-wide': 'true',
        },
      },
      type: 'kubernetes.io/basic-auth',
    });
    await expect(sealCommand([...args, '--key', 'x', '--merge', '--labels', 'app'], io('v'))).rejects.toThrow(
      '--labels "app": expected key=value[,key=value]',
    );
  });

  it('refuses to overwrite without --merge, a scope change, empty values and unknown flags', async () => {
    const args = ['--site', site(), '--namespace', 'apps', '--name', 'db', '--key', 'user'];
    await sealCommand(args, io('admin'));
    await expect(sealCommand(args, io('x'))).rejects.toThrow(
      'apps/db is already sealed; pass --merge to add or replace key user',
    );
    await expect(sealCommand([...args, '--merge', '--scope', 'cluster-wide'], io('x'))).rejects.toThrow(
      'apps/db is sealed with scope strict, not cluster-wide; every key of a secret shares one scope',
    );
    await expect(sealCommand([...args, '--merge'], io(''))).rejects.toThrow('the value is empty');
    await expect(sealCommand([...args, '--value', 'oops'], io())).rejects.toThrow('unknown flag --value');
  });

  it('--rotate lists the values sealed for an old certificate, and re-seals the ones given', async () => {
    const args = ['--site', site(), '--namespace', 'apps', '--name', 'db'];
    await sealCommand([...args, '--key', 'user'], io('admin'));
    await sealCommand([...args, '--key', 'password', '--merge'], io('hunter2'));
    // The cluster was rebuilt with a new key: a new certificate.
    const next = certificateWithKey();
    writeFileSync(join(root, 'certs', 'ouchi-home', 'sealed-secrets.pem'), next.certPem);
    logs.length = 0;
    await sealCommand(['--site', site(), '--rotate'], io());
    expect(logs.slice(1)).toEqual([
      '2 value(s) are sealed for an old certificate; re-seal each with:',
      `  npm run seal -- --site ${site()} --namespace apps --name db --key password --rotate`,
      `  npm run seal -- --site ${site()} --namespace apps --name db --key user --rotate`,
    ]);
    await sealCommand([...args, '--key', 'password', '--rotate'], io('hunter3'));
    logs.length = 0;
    await sealCommand(['--site', site(), '--rotate'], io());
    expect(logs.slice(1)).toEqual([
      '1 value(s) are sealed for an old certificate; re-seal each with:',
      `  npm run seal -- --site ${site()} --namespace apps --name db --key user --rotate`,
    ]);
    expect(
      controllerDecrypt(
        next.privateKey,
        stored('apps', 'db').spec.encryptedData.password,
        'apps/db',
      ).toString(),
    ).toBe('hunter3');
  });

  it('names the certificate file and the fix when it is missing', async () => {
    rmSync(join(root, 'certs'), { recursive: true });
    await expect(
      sealCommand(['--site', site(), '--namespace', 'a', '--name', 'b', '--key', 'c'], io()),
    ).rejects.toThrow(
      /cannot read the sealing certificate .*certs\/ouchi-home\/sealed-secrets\.pem \(ENOENT\); write it with `kubeseal --fetch-cert/,
    );
  });
});
