/**
 * The schema set reads indexes up front and a schema only when a validator must be compiled from it;
 * what it reads late is still verified against its pin.
 */
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createValidator } from '../../../lib/validate';
import { bindingsVersion, readCrdKindsFile } from '../../../lib/validate/sources';
import { mirrorFor, readSchemasLock } from '../../../lib/upstream/locks';
import { ROOT, withTempDirAsync } from '../../support/site';

const service = (port: number) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', namespace: 'demo' },
  spec: { ports: [{ port }], selector: { app: 'web' } },
});
const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: 'b' } };

describe('loadSchemaSet', () => {
  it('reads the Kubernetes definitions only to compile, and still checks their sha256 then', () =>
    withTempDirAsync(async (dir) => {
      const mirror = join(dir, 'k8s-schemas');
      // dereference: the mirror may be a symlink (the README run links ../shared), never to be written.
      cpSync(mirrorFor('k8s')!, mirror, { recursive: true, dereference: true });
      const env = { ...process.env, OUCHI_K8S_SCHEMAS: mirror };
      const cacheDir = join(dir, 'cache');
      const first = await createValidator({ env, cacheDir });
      expect(first.validator.validate([{ file: 's.yaml', object: service(80) }])).toEqual([]);

      // Every pinned definitions file now differs from its pin.
      for (const { file } of readSchemasLock(ROOT).kubernetes) writeFileSync(join(mirror, file), '{}');
      const second = await createValidator({ env, cacheDir });
      // A changed Service: its validators are on disk, so the definitions are not read.
      expect(second.validator.validate([{ file: 's.yaml', object: service(8080) }])).toEqual([]);
      expect(second.schemas.k8s.map((k) => k.gvk.get('/v1/Service'))).toEqual([
        'io.k8s.api.core.v1.Service',
        'io.k8s.api.core.v1.Service',
      ]);
      // A ConfigMap needs compiling: the definitions are read, and the mismatch is caught.
      expect(() => second.validator.validate([{ file: 'c.yaml', object: configMap }])).toThrow(
        /^sha256 mismatch for https:\/\/raw\.githubusercontent\.com\/.*\/_definitions\.json \(read from .*k8s-schemas\/v1\.\d+\.\d+\/_definitions\.json\)/,
      );
    }));

  it('fails on a missing mirror file up front, naming the variable and the file', () =>
    withTempDirAsync(async (dir) => {
      const env = { ...process.env, OUCHI_K8S_SCHEMAS: dir };
      const [first] = readSchemasLock(ROOT).kubernetes;
      await expect(createValidator({ env, cacheDir: join(dir, 'cache') })).rejects.toThrow(
        `OUCHI_K8S_SCHEMAS=${dir} has no ${first.file} (needed for ${first.url})`,
      );
    }));
});

describe('imports/crd-kinds.json', () => {
  it('records the Kubernetes version imports/k8s.ts was generated from: the oldest pinned one', () => {
    const file = readCrdKindsFile(ROOT);
    expect(file.bindings).toEqual({
      version: bindingsVersion(readSchemasLock(ROOT).kubernetes).version,
      sha256: bindingsVersion(readSchemasLock(ROOT).kubernetes).sha256,
    });
    expect(file.kinds.length).toBeGreaterThan(0);
    expect(file.kinds.every((k) => !('schema' in k))).toBe(true);
  });

  it('is stale once schemas.lock.json pins another oldest version: run npm run crds', () =>
    withTempDirAsync(async (root) => {
      for (const f of ['crds.lock.json', 'schemas.lock.json', 'imports/crd-kinds.json'])
        cpSync(join(ROOT, f), join(root, f));
      const lock = readSchemasLock(ROOT);
      const oldest = bindingsVersion(lock.kubernetes);
      const rest = lock.kubernetes.filter((k) => k !== oldest);
      writeFileSync(join(root, 'schemas.lock.json'), JSON.stringify({ ...lock, kubernetes: rest }));
      expect(() => readCrdKindsFile(root)).toThrow(
        `imports/k8s.ts was generated from Kubernetes ${oldest.version}, but the oldest version in schemas.lock.json is ${bindingsVersion(rest).version}: run \`npm run crds\``,
      );
    }));
});
