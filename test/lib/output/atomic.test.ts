import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeTreeAtomically } from '../../../lib/output/atomic';
import { withTempDir } from '../../support/site';

describe('writeTreeAtomically', () => {
  it('replaces the whole tree, dropping files that are gone', () => {
    withTempDir((dir) => {
      const target = join(dir, 'site');
      writeTreeAtomically(target, [
        { path: 'a/x.yaml', content: '1' },
        { path: 'b.yaml', content: '2' },
      ]);
      writeTreeAtomically(target, [{ path: 'a/y.yaml', content: '3' }]);
      expect(readdirSync(join(target, 'a'))).toEqual(['y.yaml']);
      expect(readdirSync(target)).toEqual(['a']);
      expect(readdirSync(dir)).toEqual(['site']);
    });
  });

  it('leaves the previous tree untouched when writing fails', () => {
    withTempDir((dir) => {
      const target = join(dir, 'site');
      mkdirSync(target);
      writeFileSync(join(target, 'old.yaml'), 'old');
      // The second file needs `x.yaml` to be a directory, but it is a file: the write fails midway.
      expect(() =>
        writeTreeAtomically(target, [
          { path: 'x.yaml', content: 'new' },
          { path: 'x.yaml/y.yaml', content: 'new' },
        ]),
      ).toThrow();
      expect(readdirSync(target)).toEqual(['old.yaml']);
      expect(readFileSync(join(target, 'old.yaml'), 'utf8')).toBe('old');
      expect(readdirSync(dir)).toEqual(['site']);
    });
  });

  it('refuses paths that escape the tree', () => {
    withTempDir((dir) => {
      expect(() => writeTreeAtomically(join(dir, 's'), [{ path: '../evil', content: '' }])).toThrow(
        'refusing to write "../evil": not a plain relative path',
      );
    });
  });
});
