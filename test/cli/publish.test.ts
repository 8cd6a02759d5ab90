import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publishCommand } from '../../cli/publish';
import { git } from '../../lib/gitops/git';
import { writeImageLock } from '../../lib/images/lock';
import { EXAMPLE_SITE_FILE } from '../support/site';

const ID = ['-c', 'user.name=test', '-c', 'user.email=test@example.invalid'];
// Each publish is a whole synth (every chart rendered, every object validated): slow on a busy machine.
jest.setTimeout(300_000);

describe('npm run gitops:publish (real git repos)', () => {
  let work: string;
  let remote: string;
  let source: string;
  let dist: string;
  /** Holds a lock of real (not placeholder) digests, as after `pulumi up`. */
  let built: string;
  const publish = (extra: string[] = [], root = built) =>
    publishCommand(['--site', EXAMPLE_SITE_FILE, '--repo', remote, ...extra], {
      sourceDir: source,
      distDir: dist,
      root,
    });
  const remoteLog = () =>
    git(work, ['--git-dir', remote, 'log', '--format=%H %s', 'main']).trim().split('\n');

  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), 'ouchi-publish-test-'));
    remote = join(work, 'gitops.git');
    source = join(work, 'source');
    dist = join(work, 'dist');
    built = join(work, 'built');
    writeImageLock(built, 'ouchi-home', {
      images: Object.fromEntries(
        ['hello', 'fluent-bit-plugin'].map((name, i) => [
          name,
          { ref: `ghcr.io/ouchi-lab/${name}@sha256:${String(i + 1).repeat(64)}` },
        ]),
      ),
    });
    git(work, ['init', '--quiet', '--bare', '-b', 'main', remote]);
    mkdirSync(source);
    git(source, ['init', '--quiet', '-b', 'main']);
    writeFileSync(join(source, 'README.md'), 'source\n');
    git(source, ['add', '.']);
    git(source, [...ID, 'commit', '--quiet', '-m', 'Add the pool']);
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  it('commits the rendered site with the source commit as a trailer, then is a no-op', async () => {
    const first = await publish();
    expect(first.committed).toBe(true);
    const sha = git(source, ['rev-parse', 'HEAD']).trim();
    expect(remoteLog()).toEqual([`${first.commit} ouchi: publish ouchi-home from ${sha.slice(0, 12)}`]);
    expect(
      git(work, [
        '--git-dir',
        remote,
        'log',
        '-1',
        '--format=%(trailers:key=Ouchi-Source,valueonly)',
        'main',
      ]).trim(),
    ).toBe(sha);
    const files = git(work, ['--git-dir', remote, 'ls-tree', '-r', '--name-only', 'main']).split('\n');
    expect(files).toContain('ouchi-home/apps/application-metallb.yaml');
    expect(files).toContain('ouchi-home/metallb-config/ipaddresspool-default.yaml');
    const shown = git(work, [
      '--git-dir',
      remote,
      'show',
      'main:ouchi-home/metallb-config/ipaddresspool-default.yaml',
    ]);
    expect(shown).toBe(
      readFileSync(join(dist, 'ouchi-home', 'metallb-config', 'ipaddresspool-default.yaml'), 'utf8'),
    );
    // The published Deployment runs exactly the digest the lock holds.
    expect(git(work, ['--git-dir', remote, 'show', 'main:ouchi-home/hello/deployment-hello.yaml'])).toContain(
      `image: ghcr.io/ouchi-lab/hello@sha256:${'1'.repeat(64)}\n`,
    );

    const second = await publish();
    expect(second).toEqual({ committed: false, message: `ouchi-home in ${remote} (main) is up to date` });
    expect(remoteLog()).toHaveLength(1);
  });

  it('removes files that are no longer rendered and keeps other sites', async () => {
    await publish();
    const clone = join(work, 'clone');
    git(work, ['clone', '--quiet', remote, clone]);
    mkdirSync(join(clone, 'other-site'));
    writeFileSync(join(clone, 'other-site', 'x.yaml'), 'kind: ConfigMap\n');
    writeFileSync(join(clone, 'ouchi-home', 'stale.yaml'), 'kind: ConfigMap\n');
    git(clone, ['add', '.']);
    git(clone, [...ID, 'commit', '--quiet', '-m', 'by hand']);
    git(clone, ['push', '--quiet', 'origin', 'main']);
    const result = await publish();
    expect(result.committed).toBe(true);
    const files = git(work, ['--git-dir', remote, 'ls-tree', '-r', '--name-only', 'main']).split('\n');
    expect(files).toContain('other-site/x.yaml');
    expect(files).not.toContain('ouchi-home/stale.yaml');
  });

  it('refuses a dirty source tree unless --allow-dirty', async () => {
    writeFileSync(join(source, 'wip.ts'), '// not committed\n');
    await expect(publish()).rejects.toThrow(
      `${source} has uncommitted changes (wip.ts); commit them so the published tree names its source, or pass --allow-dirty`,
    );
    expect(git(work, ['--git-dir', remote, 'for-each-ref']).trim()).toBe('');
    const result = await publish(['--allow-dirty']);
    expect(result.committed).toBe(true);
    expect(remoteLog()[0]).toMatch(/\(with uncommitted changes\)$/);
  });

  it('refuses placeholder image digests', async () => {
    const root = join(work, 'root');
    mkdirSync(join(root, 'images.lock'), { recursive: true });
    writeFileSync(
      join(root, 'images.lock', 'ouchi-home.json'),
      JSON.stringify({
        images: {
          hello: { ref: `registry.example.com/ouchi/hello@sha256:${'0'.repeat(64)}`, placeholder: true },
        },
      }),
    );
    await expect(publish([], root)).rejects.toThrow(
      'images.lock/ouchi-home.json holds placeholder digests for hello: build and lock them before publishing (pulumi up with the images layer writes it, or run: npm run images:lock -- --site ' +
        EXAMPLE_SITE_FILE +
        ' (it reads pulumi stack output))',
    );
  });
});
