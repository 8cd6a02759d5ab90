/**
 * A pattern the Fluent Bit alertmanager plugin will take: RE2 (Go's regexp), written as one value of
 * Fluent Bit's classic configuration. JavaScript cannot compile RE2, so this catches, before synth
 * writes anything, what RE2 refuses (lookaround, backreferences, atomic groups, possessive
 * quantifiers), unbalanced groups and classes, and what the configuration would change (line breaks;
 * whitespace at either end, which Fluent Bit trims; {{, which the chart's tpl reads as a template).
 * The plugin compiles the pattern with Go's regexp when Fluent Bit starts and refuses the output if
 * it does not compile.
 */

const UNSUPPORTED_GROUPS: readonly (readonly [string, string])[] = [
  ['(?=', 'a lookahead'],
  ['(?!', 'a negative lookahead'],
  ['(?<=', 'a lookbehind'],
  ['(?<!', 'a negative lookbehind'],
  ['(?>', 'an atomic group'],
];

const NOT_RE2 = "which RE2 (Go's regexp) does not support";

/** Why `pattern` would not work as the plugin's Regex, or undefined when it would. */
export function re2Problem(pattern: string): string | undefined {
  if (pattern === '') return 'is empty; give the pattern a line must match';
  if (/[\r\n]/.test(pattern)) return 'has a line break, which a Fluent Bit configuration value cannot hold';
  if (pattern.includes('{{')) {
    return 'has {{, which the fluent-bit chart would read as a Helm template; write it as \\{\\{';
  }
  if (pattern.trim() !== pattern) {
    return 'starts or ends with whitespace, which Fluent Bit trims from the value; write it as \\s or [ ]';
  }
  const open: number[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      const next = pattern[i + 1];
      if (next === undefined) return 'ends in a lone \\; escape it as \\\\';
      if (/[1-9]/.test(next) || (next === 'k' && pattern[i + 2] === '<')) {
        return `has the backreference \\${next}, ${NOT_RE2}`;
      }
      i++;
    } else if (c === '[') {
      // A class runs to the first unescaped ] after its first member (a leading ] is a member).
      let j = i + 1;
      if (pattern[j] === '^') j++;
      if (pattern[j] === ']') j++;
      while (j < pattern.length && pattern[j] !== ']') j += pattern[j] === '\\' ? 2 : 1;
      if (j >= pattern.length) return `opens a class [ at offset ${i} that is never closed`;
      i = j;
    } else if (c === '(') {
      const group = UNSUPPORTED_GROUPS.find(([prefix]) => pattern.startsWith(prefix, i));
      if (group) return `has ${group[1]} ${group[0]}…, ${NOT_RE2}`;
      open.push(i);
    } else if (c === ')') {
      if (open.pop() === undefined) return `has a ) at offset ${i} that closes no group`;
    } else if ('*+?'.includes(c) && pattern[i + 1] === '+') {
      return `has the possessive quantifier ${c}+, ${NOT_RE2}`;
    }
  }
  if (open.length > 0) return `opens a group ( at offset ${open[open.length - 1]} that is never closed`;
  return undefined;
}
