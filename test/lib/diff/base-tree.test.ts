/** Reading the other side of a diff: files the head has byte for byte are taken from it, not parsed. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { knownFiles, readSide } from '../../../lib/diff/base-tree';
import { toYaml } from '../../../lib/output/yaml';
import type { Manifest } from '../../../lib/manifest/types';
import { withTempDirAsync } from '../../support/site';

const configMap = (name: string, value: string): Manifest => ({
  file: `configmap-${name}.yaml`,
  object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { value } },
});

describe('readSide', () => {
  it('reuses the head’s objects for unchanged files and parses the others', () =>
    withTempDirAsync(async (dir) => {
      const head = [configMap('same', 'x'), configMap('changed', 'new')];
      const base = [configMap('same', 'x'), configMap('changed', 'old'), configMap('gone', 'y')];
      for (const m of base) writeFileSync(join(dir, m.file), toYaml(m.object));
      const read = readSide(dir, knownFiles(head));
      const byFile = new Map(read.map((m) => [m.file, m]));
      expect(byFile.get('configmap-same.yaml')).toBe(head[0]);
      expect(byFile.get('configmap-changed.yaml')?.object).toEqual(base[1].object);
      expect(byFile.get('configmap-gone.yaml')?.object).toEqual(base[2].object);
      expect(read).toHaveLength(3);
    }));

  it('is empty for a commit without the site file', () => {
    expect(readSide(undefined)).toEqual([]);
  });
});
