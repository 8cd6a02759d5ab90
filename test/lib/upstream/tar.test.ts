import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readTarFiles, readTarMember } from '../../../lib/upstream/tar';
import { withTempDir } from '../../support/site';

const LONG = `chart/templates/${'a-very-long-directory-name/'.repeat(5)}deployment.yaml`;

/** A tgz made by GNU tar in the given format, holding a short and a 160-character path. */
function gnuTar(dir: string, format: 'pax' | 'gnu' | 'ustar'): Buffer {
  const src = join(dir, 'src');
  mkdirSync(join(src, LONG, '..'), { recursive: true });
  writeFileSync(join(src, 'chart', 'Chart.yaml'), 'name: chart\n');
  writeFileSync(join(src, LONG), 'kind: Deployment\n');
  const out = join(dir, `${format}.tgz`);
  const run = spawnSync('tar', [`--format=${format}`, '-czf', out, '-C', src, 'chart'], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(run.stderr);
  return readFileSync(out);
}

describe('readTarFiles', () => {
  it.each(['pax', 'gnu', 'ustar'] as const)(
    'reads long paths of %s archives, regular files only',
    (format) => {
      withTempDir((dir) => {
        const files = readTarFiles(gnuTar(dir, format));
        expect(files.map((f) => f.path).sort()).toEqual(['chart/Chart.yaml', LONG]);
        expect(readTarMember(gnuTar(dir, format), LONG).toString()).toBe('kind: Deployment\n');
      });
    },
  );

  it('names a missing member', () => {
    withTempDir((dir) => {
      expect(() => readTarMember(gnuTar(dir, 'pax'), 'chart/values.yaml')).toThrow(
        'the archive has no member chart/values.yaml',
      );
    });
  });
});
