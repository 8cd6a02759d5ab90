import fc from 'fast-check';
import { decodeSiteBytes, firstInvalidUtf8, readSiteYaml } from '../../../lib/site/input';
import { MAX_ITEMS, MAX_SITE_BYTES, MAX_STRING } from '../../../lib/site/limits';

const problems = (r: { ok: boolean; problems?: { path: string; message: string }[] }) =>
  r.ok ? [] : r.problems!.map((p) => `${p.path}: ${p.message}`);

describe('decoding the site file', () => {
  it('reads UTF-8, with or without a BOM', () => {
    expect(decodeSiteBytes(Buffer.from('team: plat\u00e9\n'))).toEqual({
      ok: true,
      text: 'team: plat\u00e9\n',
    });
    expect(decodeSiteBytes(Buffer.from('\ufeffa: 1\n'))).toEqual({ ok: true, text: 'a: 1\n' });
  });

  it('refuses UTF-16 and UTF-32, saying "encoding"', () => {
    expect(problems(decodeSiteBytes(Buffer.from('\ufeffa: 1\n', 'utf16le')))).toEqual([
      '(file): encoding: the file is UTF-16 (byte-order mark); save the file as UTF-8',
    ]);
    const be = Buffer.from('\ufeffa: 1\n', 'utf16le').swap16();
    expect(problems(decodeSiteBytes(be))).toEqual([
      '(file): encoding: the file is UTF-16 (byte-order mark); save the file as UTF-8',
    ]);
    expect(problems(decodeSiteBytes(Buffer.from([0xff, 0xfe, 0, 0, 0x61, 0, 0, 0])))).toEqual([
      '(file): encoding: the file is UTF-32 (byte-order mark); save the file as UTF-8',
    ]);
  });

  it('refuses a NUL (UTF-16 without a BOM) with its line and column', () => {
    expect(problems(decodeSiteBytes(Buffer.from('a: 1\nb: x\u0000y\n')))).toEqual([
      'line 2, column 5: encoding: a NUL byte, which UTF-8 text never holds (UTF-16 without a byte-order mark, or a binary file); save the file as UTF-8',
    ]);
    expect(problems(decodeSiteBytes(Buffer.from('a: 1\n', 'utf16le')))[0]).toMatch(
      /^line 1, column 2: encoding: a NUL/,
    );
  });

  it('refuses a byte that is not UTF-8 (a Latin-1 é) with its line and column in characters', () => {
    const latin1 = Buffer.concat([
      Buffer.from('name: x\nteam: \u00e9t\u00e9 plat'),
      Buffer.from([0xe9]),
      Buffer.from('\n'),
    ]);
    expect(problems(decodeSiteBytes(latin1))).toEqual([
      'line 2, column 15: encoding: byte 0xe9 is not valid UTF-8 (a Latin-1 or Shift JIS file?); save the file as UTF-8',
    ]);
  });

  it('finds the first invalid byte exactly where a strict decoder fails (property)', () => {
    const strict = new TextDecoder('utf-8', { fatal: true });
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 24 }), (bytes) => {
        let valid = true;
        try {
          strict.decode(bytes);
        } catch {
          valid = false;
        }
        const at = firstInvalidUtf8(bytes);
        expect(at === -1).toBe(valid);
        // Everything before the reported byte is valid on its own.
        if (at >= 0) expect(() => strict.decode(bytes.subarray(0, at))).not.toThrow();
      }),
      { numRuns: 2000, seed: 21 },
    );
    // Overlong forms and surrogates, which lenient decoders turn into U+FFFD.
    expect(firstInvalidUtf8(Buffer.from([0x61, 0xc0, 0xaf]))).toBe(1);
    expect(firstInvalidUtf8(Buffer.from([0xed, 0xa0, 0x80]))).toBe(0);
    expect(firstInvalidUtf8(Buffer.from([0xf4, 0x90, 0x80, 0x80]))).toBe(0);
  });

  it('refuses a file past the size limit, saying it is a limit', () => {
    expect(problems(decodeSiteBytes(Buffer.alloc(MAX_SITE_BYTES + 1, 0x20)))).toEqual([
      `(file): is ${MAX_SITE_BYTES + 1} bytes, more than the limit of 16777216 bytes (16 MiB); no real site is that large, so the file is refused before it is checked`,
    ]);
  });
});

describe('reading the YAML', () => {
  it('turns warnings (an unknown tag) into problems with line and column', () => {
    expect(problems(readSiteYaml('a: 1\nb: !secret x\n'))).toEqual([
      'line 2, column 4: YAML: Unresolved tag: !secret (a warning, which a site file may not have: ouchi would otherwise read the value differently from what you wrote)',
    ]);
  });

  it('gives every syntax error its line and column', () => {
    expect(problems(readSiteYaml('a: 1\na: 2\nb: [1\n'))).toEqual([
      'line 2, column 1: YAML syntax: Map keys must be unique',
      'line 4, column 1: YAML syntax: Flow sequence in block collection must be sufficiently indented and end with a ]',
    ]);
    expect(problems(readSiteYaml('a: 1\n---\nb: 2\n'))[0]).toMatch(/^line 2, column 1: YAML syntax: /);
  });

  it('places an alias without an anchor', () => {
    expect(problems(readSiteYaml('a: 1\nb:\n  c: *nope\n'))).toEqual([
      'line 3, column 6: YAML: alias *nope has no anchor &nope before it; define the anchor first or write the value out',
    ]);
  });

  it('stops aliases that expand without bound, at the first alias', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (const [name, prev] of [
      ['b', 'a'],
      ['c', 'b'],
      ['d', 'c'],
      ['e', 'd'],
    ])
      bomb.push(`${name}: &${name} [${Array(10).fill(`*${prev}`).join(', ')}]`);
    expect(problems(readSiteYaml(`${bomb.join('\n')}\n`))).toEqual([
      'line 2, column 8: YAML: the aliases expand too far (the first alias is here), more than the limit of 100 expanded aliases; no real site is that large, so the file is refused before it is checked',
    ]);
  });

  it('refuses nesting past the limit, flow or block, without a stack overflow', () => {
    expect(problems(readSiteYaml(`a: ${'['.repeat(20000)}${']'.repeat(20000)}\n`))).toEqual([
      expect.stringMatching(
        /^line 1, column \d+: YAML: the collections nest too deep to read, more than the limit of 32 levels/,
      ),
    ]);
    const block = Array.from({ length: 40 }, (_, i) => `${'  '.repeat(i)}k${i}:`).join('\n') + ' 1\n';
    expect(problems(readSiteYaml(block))).toEqual([
      expect.stringMatching(
        /^k0\.k1\..*\.k32: nests 33 levels deep \(line 34, column 67\), more than the limit of 32 levels/,
      ),
    ]);
  });

  it('refuses __proto__ keys, which a plain object would drop', () => {
    expect(problems(readSiteYaml('sealedSecrets:\n  keyLabels:\n    __proto__: x\n'))).toEqual([
      "sealedSecrets.keyLabels.__proto__: is a reserved name (line 3, column 5): JavaScript would read it as the object's prototype and drop it; remove it",
    ]);
  });

  it('refuses numbers that are not finite or not exact, and shows them as written', () => {
    expect(problems(readSiteYaml('a: 1e309\nb: [.inf, -.Inf, .nan]\nc: 12345678901234567890\n'))).toEqual([
      'a: 1e309 is not a finite number (line 1, column 4); write a number in range, or quote it if it is text',
      'b[0]: .inf is not a finite number (line 2, column 5); write a number in range, or quote it if it is text',
      'b[1]: -.Inf is not a finite number (line 2, column 11); write a number in range, or quote it if it is text',
      'b[2]: .nan is not a finite number (line 2, column 18); write a number in range, or quote it if it is text',
      'c: 12345678901234567890 is too large to be read exactly (line 3, column 4); integers are at most 2^53',
    ]);
  });

  it('refuses lists, maps and strings past their limits, and complex keys', () => {
    expect(
      problems(
        readSiteYaml(
          `apps: [${Array(MAX_ITEMS + 1)
            .fill('a')
            .join(', ')}]\n`,
        ),
      ),
    ).toEqual([
      'apps: has 5001 items, more than the limit of 5000; no real site is that large, so the file is refused before it is checked',
    ]);
    expect(problems(readSiteYaml(`a: ${'x'.repeat(MAX_STRING + 1)}\n`))).toEqual([
      'a: is a string of 4097 characters (line 1, column 4), more than the limit of 4096; no real site is that large, so the file is refused before it is checked',
    ]);
    expect(problems(readSiteYaml('? [a, b]\n: 1\n'))).toEqual([
      '(root): has a key that is not a plain name (line 1, column 3); keys are names like nodes or ip',
    ]);
  });
});
