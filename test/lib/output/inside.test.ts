import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { isWithin, relativePathProblem, resolveInside } from '../../../lib/output/inside';
import { withTempDir } from '../../support/site';

describe('paths kept inside their root', () => {
  it('takes plain relative paths only', () => {
    expect(['ouchi-home', 'sites/home', 'a.b/c_d-e'].map(relativePathProblem)).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
    expect(relativePathProblem('../x')).toBe(
      'must be a plain relative path like ouchi-home or sites/home, without .. components',
    );
    expect(relativePathProblem('/etc')).toBe(
      'must be a plain relative path like ouchi-home or sites/home, not absolute',
    );
    expect(relativePathProblem('a//b')).toBe(
      'must be a plain relative path like ouchi-home or sites/home, without empty components (// or a trailing /)',
    );
    expect(relativePathProblem('.GIT/config')).toBe(
      'must be a plain relative path like ouchi-home or sites/home, not inside .git',
    );
    expect(relativePathProblem('a b')).toBe(
      'must be a plain relative path like ouchi-home or sites/home (component "a b" may hold only letters, digits, . _ -)',
    );
    expect(
      ['', '.', 'a/./b', 'a\\..\\b', 'x'.repeat(1025)].map((p) => relativePathProblem(p) !== undefined),
    ).toEqual([true, true, true, true, true]);
  });

  it('compares normalized paths, not string prefixes', () => {
    expect(isWithin('/repo', '/repo')).toBe(true);
    expect(isWithin('/repo', '/repo/a/b')).toBe(true);
    expect(isWithin('/repo', '/repository')).toBe(false);
    expect(isWithin('/repo', '/')).toBe(false);
  });

  it('follows symlinks, also through a path that does not exist yet, and refuses dangling ones', () => {
    withTempDir((dir) => {
      const root = join(dir, 'root');
      mkdirSync(join(root, 'inside'), { recursive: true });
      mkdirSync(join(dir, 'outside'));
      symlinkSync(join(dir, 'outside'), join(root, 'out'));
      symlinkSync(join(root, 'inside'), join(root, 'in'));
      symlinkSync(join(dir, 'missing'), join(root, 'dangling'));
      expect(resolveInside(root, 'inside/new/file.pem', 'f')).toBe(join(root, 'inside', 'new', 'file.pem'));
      expect(resolveInside(root, 'in/new', 'f')).toBe(join(root, 'in', 'new'));
      expect(() => resolveInside(root, 'out/new/file', 'sealedSecrets.certificate')).toThrow(
        `sealedSecrets.certificate: "out/new/file" leads outside ${root}; give a path inside it (nothing is written outside the repository, the GitOps clone or the cache)`,
      );
      expect(() => resolveInside(root, 'dangling/x', 'f')).toThrow(/^f: "dangling\/x" leads outside /);
      expect(() => resolveInside(root, '../outside', 'f')).toThrow(/^f: "\.\.\/outside" leads outside /);
      expect(() => resolveInside(root, join(dir, 'outside'), '--out', '/')).toThrow(/^--out: /);
    });
  });
});
