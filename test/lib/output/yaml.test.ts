import { sortKeys, toYaml } from '../../../lib/output/yaml';

describe('toYaml', () => {
  it('orders apiVersion, kind, metadata first and everything else alphabetically', () => {
    const text = toYaml({
      spec: { b: 1, a: 2 },
      metadata: { name: 'x' },
      kind: 'K',
      apiVersion: 'v1',
      data: {},
    });
    expect(text).toBe('apiVersion: v1\nkind: K\nmetadata:\n  name: x\ndata: {}\nspec:\n  a: 2\n  b: 1\n');
  });

  it('does not depend on insertion order and drops undefined', () => {
    expect(toYaml({ b: [{ y: 1, x: undefined, w: 'long '.repeat(40) }], a: 1 })).toBe(
      toYaml({ a: 1, b: [{ w: 'long '.repeat(40), y: 1 }] }),
    );
    expect(sortKeys({ b: 1, a: { d: 1, c: 2 } })).toEqual({ a: { c: 2, d: 1 }, b: 1 });
  });

  it('never folds long lines or uses anchors', () => {
    const shared = { k: 'v' };
    const text = toYaml({ a: shared, b: shared, c: 'x'.repeat(200) });
    expect(text).not.toMatch(/[&*]a\d/);
    expect(text.split('\n').some((l) => l.length > 200)).toBe(true);
  });
});
