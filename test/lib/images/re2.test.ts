/**
 * re2Problem against the real RE2: every pattern it accepts compiles with Go's regexp, and every one
 * it refuses for an RE2 reason does not (Go runs the check; the toolchain is on every machine that
 * builds the images).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { re2Problem } from '../../../lib/images/re2';
import { withTempDir } from '../../support/site';

const ACCEPTED = [
  '^panic:',
  'Eviction manager: (attempting to reclaim|must evict)',
  '(?i)out of memory',
  '(?P<code>[45]\\d\\d) (?:GET|POST)',
  '[]a]+ and [^]b] and [\\]]',
  'a{2,3}? b*? c+? d??',
  '\\(literal\\) \\[x\\] \\{y\\}',
  'x}+',
];

const REFUSED: [string, string][] = [
  ['foo(?=bar)', "has a lookahead (?=…, which RE2 (Go's regexp) does not support"],
  ['foo(?!bar)', "has a negative lookahead (?!…, which RE2 (Go's regexp) does not support"],
  ['(?<=a)b', "has a lookbehind (?<=…, which RE2 (Go's regexp) does not support"],
  ['(?<!a)b', "has a negative lookbehind (?<!…, which RE2 (Go's regexp) does not support"],
  ['(?>ab)c', "has an atomic group (?>…, which RE2 (Go's regexp) does not support"],
  ['(a)\\1', "has the backreference \\1, which RE2 (Go's regexp) does not support"],
  ['(?<x>a)\\k<x>', "has the backreference \\k, which RE2 (Go's regexp) does not support"],
  ['a++', "has the possessive quantifier ++, which RE2 (Go's regexp) does not support"],
  ['(a|b', 'opens a group ( at offset 0 that is never closed'],
  ['a)b', 'has a ) at offset 1 that closes no group'],
  ['[abc', 'opens a class [ at offset 0 that is never closed'],
  ['ab\\', 'ends in a lone \\; escape it as \\\\'],
];

/** Refused for how the value travels (Fluent Bit's config, the chart's tpl), not for RE2. */
const CONFIG_REFUSED: [string, string][] = [
  ['', 'is empty; give the pattern a line must match'],
  [
    '^panic: ',
    'starts or ends with whitespace, which Fluent Bit trims from the value; write it as \\s or [ ]',
  ],
  ['a\nb', 'has a line break, which a Fluent Bit configuration value cannot hold'],
  ['{{ x }}', 'has {{, which the fluent-bit chart would read as a Helm template; write it as \\{\\{'],
];

describe('re2Problem', () => {
  it.each(ACCEPTED)('accepts %s', (pattern) => expect(re2Problem(pattern)).toBeUndefined());
  it.each([...REFUSED, ...CONFIG_REFUSED])('refuses %j: %s', (pattern, message) =>
    expect(re2Problem(pattern)).toBe(message),
  );
});

function goOnPath(): boolean {
  return (process.env.PATH ?? '')
    .split(':')
    .some((dir) => existsSync(join(dir, 'go')) && statSync(join(dir, 'go')).isFile());
}

const haveGo = goOnPath();
if (!haveGo && process.env.OUCHI_E2E !== '1') console.warn('re2 vs Go skipped: no go on PATH');

(haveGo || process.env.OUCHI_E2E === '1' ? describe : describe.skip)(
  're2Problem agrees with Go’s regexp',
  () => {
    it('compiles what it accepts and rejects what it refuses for RE2', () => {
      expect(haveGo).toBe(true);
      const verdicts = withTempDir((dir) => {
        mkdirSync(join(dir, 'check'));
        writeFileSync(join(dir, 'check', 'go.mod'), 'module check\n\ngo 1.19\n');
        writeFileSync(
          join(dir, 'check', 'main.go'),
          [
            'package main',
            'import ("bufio"; "encoding/json"; "fmt"; "os"; "regexp")',
            'func main() {',
            '  var patterns []string',
            '  if err := json.NewDecoder(bufio.NewReader(os.Stdin)).Decode(&patterns); err != nil { panic(err) }',
            '  for _, p := range patterns { _, err := regexp.Compile(p); fmt.Println(err == nil) }',
            '}',
          ].join('\n'),
        );
        const patterns = [...ACCEPTED, ...REFUSED.map(([p]) => p)];
        const out = execFileSync('go', ['run', '.'], {
          cwd: join(dir, 'check'),
          input: JSON.stringify(patterns),
          env: { ...process.env, GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local' },
        });
        return Object.fromEntries(
          patterns.map((p, i) => [p, out.toString().trim().split('\n')[i] === 'true']),
        );
      });
      for (const p of ACCEPTED) expect([p, verdicts[p]]).toEqual([p, true]);
      for (const [p] of REFUSED) expect([p, verdicts[p]]).toEqual([p, false]);
    }, 120_000);
  },
);
