/**
 * What synth does with a chart package that is not the pinned one: it fails, naming the chart and
 * both digests, and writes nothing (the previous dist/ stays as it was).
 */
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { synthesize } from '../../charts/synth';
import { createValidator } from '../../lib/validate';
import { CHART_MIRROR, describeWithCharts, lockEntry } from '../support/helm';
import { EXAMPLE_SITE_FILE, readTreeBytes, withTempDirAsync } from '../support/site';

const validator = createValidator();

/** A copy of the chart mirror whose metallb package has one file changed. */
function tamperedMirror(dir: string): string {
  const mirror = join(dir, 'mirror');
  // dereference: the mirror may be a symlink (the README run links ../shared), never to be written.
  cpSync(CHART_MIRROR!, mirror, { recursive: true, dereference: true });
  const work = join(dir, 'unpacked');
  mkdirSync(work);
  const tgz = join(mirror, 'metallb-0.16.1.tgz');
  const run = (args: string[]) => {
    const r = spawnSync('tar', args, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
  };
  run(['-xzf', tgz, '-C', work]);
  writeFileSync(
    join(work, 'metallb', 'values.yaml'),
    `${readFileSync(join(work, 'metallb', 'values.yaml'), 'utf8')}\n# changed\n`,
  );
  run(['-C', work, '-czf', tgz, 'metallb']);
  return mirror;
}

describeWithCharts('synth with a chart that is not the pinned one', () => {
  it('fails naming the chart and both digests, and writes nothing', async () => {
    await withTempDirAsync(async (dir) => {
      const dist = join(dir, 'dist');
      await synthesize({ siteFile: EXAMPLE_SITE_FILE, distDir: dist, validator });
      const before = readTreeBytes(dist);
      const mirror = tamperedMirror(dir);
      const error = await synthesize({
        siteFile: EXAMPLE_SITE_FILE,
        distDir: dist,
        validator,
        renderCache: false,
        env: { ...process.env, OUCHI_CHART_MIRROR: mirror },
      }).catch((e: unknown) => e as Error);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toMatch(
        new RegExp(
          `^metallb: chart metallb 0\\.16\\.1 from ${join(mirror, 'metallb-0.16.1.tgz').replace(/[.]/g, '\\.')} does not match charts\\.lock\\.json: its files hash to [0-9a-f]{64}, the lock pins ${lockEntry('metallb').sha256}\\.`,
        ),
      );
      expect(readTreeBytes(dist)).toEqual(before);
      expect(readdirSync(dist)).toEqual(['ouchi-home']);
    });
  });
});
