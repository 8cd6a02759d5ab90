import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chartDigest } from '../../../lib/helm/digest';
import { CHART_MIRROR, describeWithCharts, lockEntry } from '../../support/helm';
import { withTempDir } from '../../support/site';

function tar(args: string[]): void {
  const run = spawnSync('tar', args, { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(run.stderr);
}

describeWithCharts('chartDigest', () => {
  const original = () => readFileSync(join(CHART_MIRROR!, 'metallb-0.16.1.tgz'));

  it('is the digest charts.lock.json pins for the mirror package', () => {
    expect(chartDigest(original())).toBe(lockEntry('metallb').sha256);
  });

  it('stays the same for a repackaging (other tar format, times and compression)', () => {
    withTempDir((dir) => {
      const src = join(dir, 'src');
      mkdirSync(src);
      tar(['-xzf', join(CHART_MIRROR!, 'metallb-0.16.1.tgz'), '-C', src]);
      const repacked = join(dir, 'repacked.tgz');
      tar(['--format=gnu', '--mtime=2001-01-01', '-C', src, '-czf', repacked, 'metallb']);
      expect(readFileSync(repacked).equals(original())).toBe(false);
      expect(chartDigest(readFileSync(repacked))).toBe(chartDigest(original()));
    });
  });

  it('changes when one file changes', () => {
    withTempDir((dir) => {
      const src = join(dir, 'src');
      mkdirSync(src);
      tar(['-xzf', join(CHART_MIRROR!, 'metallb-0.16.1.tgz'), '-C', src]);
      appendFileSync(join(src, 'metallb', 'values.yaml'), '\n# edited\n');
      tar(['-C', src, '-czf', join(dir, 'edited.tgz'), 'metallb']);
      expect(chartDigest(readFileSync(join(dir, 'edited.tgz')))).not.toBe(chartDigest(original()));
    });
  });
});
