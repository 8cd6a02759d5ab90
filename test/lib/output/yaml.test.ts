import { spawnSync } from 'node:child_process';
import { parse } from 'yaml';
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

describe('toYaml scalars', () => {
  const roundTrip = (value: unknown) => parse(toYaml({ v: value })).v;

  it.each([
    'plain text with spaces',
    'yes',
    'No',
    'on',
    'OFF',
    'y',
    '~',
    'null',
    'true',
    '10Gi',
    '0 3 * * *',
    '1:20',
    '2024-04-01',
    '.inf',
    '0x1f',
    '-Xmx1g',
    'key: value',
    'a # comment',
    'ends:',
    '*alias',
    '&anchor',
    '!tag',
    '',
    ' leading',
    'trailing ',
    'tab\there',
    'line\u2028separator',
    'ends with newline\n',
    'two\nlines',
    'two trailing\n\n',
    '  indented first\nsecond\n',
    'trailing space \nline',
    '{"json": true}',
    '[1, 2]',
    'ünïcödé’s',
  ])('%j reads back as itself', (text) => {
    expect(roundTrip(text)).toBe(text);
  });

  it('quotes what YAML 1.1 readers (Go, kubectl, Argo CD) take for booleans, numbers and dates', () => {
    expect(toYaml({ a: 'yes', b: 'on', c: 'y', d: '1:20', e: '2024-04-01', f: '10Gi' })).toBe(
      'a: "yes"\nb: "on"\nc: "y"\nd: "1:20"\ne: "2024-04-01"\nf: "10Gi"\n',
    );
  });

  it('writes plain what reads the same everywhere, and multi-line text as literal blocks', () => {
    expect(toYaml({ image: 'ghcr.io/x/y:1.2', text: 'a\nb\n', last: 'c\nd' })).toBe(
      'image: ghcr.io/x/y:1.2\nlast: |-\n  c\n  d\ntext: |\n  a\n  b\n',
    );
  });

  it('writes nested sequences and empty collections', () => {
    const value = { a: [[1, 2], [], {}, { b: [{ c: 'd' }] }], e: {} };
    expect(parse(toYaml(value))).toEqual(value);
    expect(toYaml(value)).toBe('a:\n  - - 1\n    - 2\n  - []\n  - {}\n  - b:\n      - c: d\ne: {}\n');
  });

  it('refuses values JSON cannot hold', () => {
    expect(() => toYaml({ a: Number.NaN })).toThrow('cannot write NaN to YAML: not a finite number');
  });
});

describe('toYaml read by a YAML 1.1 parser', () => {
  // PyYAML implements YAML 1.1, the dialect of Go's yaml.v2 (sigs.k8s.io/yaml) that kubectl and
  // Argo CD read manifests with: what it reads back is what they would.
  const python = spawnSync('python3', ['-c', 'import yaml'], { encoding: 'utf8' });
  const available = python.status === 0;
  if (!available && process.env.OUCHI_E2E === '1') {
    it('needs python3 with PyYAML (OUCHI_E2E=1)', () => {
      throw new Error(`python3 -c 'import yaml' failed: ${python.stderr}`);
    });
  }
  (available ? it : it.skip)('reads back every kind of string the emitter writes', () => {
    const values = {
      words: ['yes', 'No', 'on', 'y', 'N', '~', 'null', 'TRUE', '1:20', '2024-04-01', '0x1f', '0o17', '+1'],
      text: ['plain text', 'a # b', 'k: v', 'ends:', 'two\nlines\n', 'x\n\n', '  lead\nline', 'tab\tin'],
      numbers: [0, -1, 2.5, 1e21],
      nested: [[{ a: [] }], {}],
    };
    const run = spawnSync(
      'python3',
      ['-c', 'import json, sys, yaml; print(json.dumps(yaml.safe_load(sys.stdin)))'],
      { input: toYaml(values), encoding: 'utf8' },
    );
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual(values);
  });
});
