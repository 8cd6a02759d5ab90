import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readZipMember } from '../../../lib/upstream/zip';
import { withTempDir } from '../../support/site';

/** A zip written by Python's zipfile (a real zip writer), with one stored and one deflated member. */
function pythonZip(dir: string): Buffer {
  const script = [
    'import sys, zipfile',
    'with zipfile.ZipFile(sys.argv[1], "w") as z:',
    '    z.writestr(zipfile.ZipInfo("helm/"), "")',
    '    z.writestr("helm/helm", b"\\x7fELF" + b"binary" * 1000, compress_type=zipfile.ZIP_DEFLATED)',
    '    z.writestr("kubectl/kubectl", b"stored bytes", compress_type=zipfile.ZIP_STORED)',
    '    z.comment = b"a trailing comment"',
  ].join('\n');
  const path = join(dir, 'layer.zip');
  const run = spawnSync('python3', ['-c', script, path], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(run.stderr);
  return readFileSync(path);
}

describe('readZipMember', () => {
  it('reads deflated and stored members of a real zip, past a trailing comment', () => {
    withTempDir((dir) => {
      const zip = pythonZip(dir);
      expect(readZipMember(zip, 'helm/helm')).toEqual(
        Buffer.concat([Buffer.from([0x7f]), Buffer.from('ELF'), Buffer.from('binary'.repeat(1000))]),
      );
      expect(readZipMember(zip, 'kubectl/kubectl').toString()).toBe('stored bytes');
    });
  });

  it('names a missing member, and refuses what is not a zip', () => {
    withTempDir((dir) => {
      const zip = pythonZip(dir);
      expect(() => readZipMember(zip, 'helm/tiller')).toThrow('the zip archive has no member helm/tiller');
      writeFileSync(join(dir, 'x'), 'not a zip');
      expect(() => readZipMember(readFileSync(join(dir, 'x')), 'a')).toThrow(
        'not a zip archive: no end-of-central-directory record',
      );
    });
  });
});
