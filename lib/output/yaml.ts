/**
 * Deterministic YAML for manifests: keys sorted (apiVersion, kind, metadata first, as people read them),
 * no line folding, no anchors, so the same objects always give the same bytes.
 *
 * The emitter is ouchi's own, for JSON-shaped data only: the `yaml` library's stringify took seconds
 * for a rendered platform (megabytes of CRDs). A string is written plain only where YAML 1.2 and
 * YAML 1.1 (what Go's YAML parsers, and so kubectl and Argo CD, speak) both read it back as that
 * string; multi-line strings become literal blocks; everything else is double-quoted, JSON-style.
 */

const HEAD = ['apiVersion', 'kind', 'metadata'];

function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Deep copy with object keys in a stable order (top level: apiVersion, kind, metadata, then sorted). */
export function sortKeys(value: unknown, top = true): unknown {
  if (Array.isArray(value)) return value.map((v) => sortKeys(v, false));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  entries.sort(([a], [b]) => {
    if (top) {
      const ia = HEAD.indexOf(a);
      const ib = HEAD.indexOf(b);
      if (ia >= 0 || ib >= 0) return (ia < 0 ? HEAD.length : ia) - (ib < 0 ? HEAD.length : ib);
    }
    return compareKeys(a, b);
  });
  return Object.fromEntries(entries.map(([k, v]) => [k, sortKeys(v, false)]));
}

/** Words YAML 1.1 or 1.2 reads as booleans or null, in any of their spellings. */
const RESERVED = /^(?:y|n|yes|no|on|off|true|false|null|~|<<|=)$/i;
/** What YAML 1.1 or 1.2 reads as a number, date or special float. */
const NUMBER_LIKE = /^(?:[-+]?(?:\.[0-9]|[0-9])|\.(?:inf|nan)|[-+]\.inf|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2})/i;
/** Characters a plain scalar may not start with (YAML indicators, whitespace). */
const BAD_START = /^[-?:,[\]{}#&*!|>'"%@`\s]/;

/** True when `text` can be written without quotes and reads back as the same string. */
export function isPlainSafe(text: string): boolean {
  if (text === '' || BAD_START.test(text) || /\s$/.test(text)) return false;
  if (RESERVED.test(text) || NUMBER_LIKE.test(text)) return false;
  if (text.includes(': ') || text.includes(' #') || text.endsWith(':')) return false;
  // Printable characters and plain spaces only: no tabs, line breaks, controls or BOM.
  return !/[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff]/.test(text);
}

function quoted(text: string): string {
  // JSON strings are valid YAML double-quoted scalars; U+2028/9 are escaped so no reader breaks lines.
  return JSON.stringify(text)
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** A literal block for multi-line text whose lines survive it unchanged, or undefined. */
function literalBlock(text: string, indent: string): string | undefined {
  if (!text.includes('\n') || /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\r\u2028\u2029\ufeff]/.test(text)) {
    return undefined;
  }
  const trailing = /\n*$/.exec(text)![0].length;
  const body = text.slice(0, text.length - trailing);
  // Lines of only spaces before the first content line, or trailing spaces, are ambiguous in a block.
  if (body === '' || /(^|\n) +(\n|$)/.test(body) || /[ \t]\n/.test(body)) return undefined;
  const chomp = trailing === 0 ? '-' : trailing === 1 ? '' : '+';
  const indicator = body.startsWith(' ') ? '2' : '';
  const lines = text.slice(0, trailing > 1 ? text.length - 1 : body.length).split('\n');
  return `|${indicator}${chomp}\n${lines.map((l) => (l === '' ? '' : `${indent}${l}`)).join('\n')}`;
}

function scalar(value: unknown, indent: string): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return isPlainSafe(value) ? value : (literalBlock(value, indent) ?? quoted(value));
    case 'number':
      if (!Number.isFinite(value)) throw new Error(`cannot write ${value} to YAML: not a finite number`);
      // YAML 1.1 reads an exponent as a float only after a fraction (`1.0e+21`, not `1e+21`).
      return String(value).replace(/^(-?\d+)e/, '$1.0e');
    case 'boolean':
      return String(value);
    default:
      throw new Error(`cannot write a ${typeof value} to YAML`);
  }
}

function key(text: string): string {
  return isPlainSafe(text) ? text : quoted(text);
}

function isCollection(value: unknown): value is Record<string, unknown> | unknown[] {
  return value !== null && typeof value === 'object';
}

function isEmpty(value: Record<string, unknown> | unknown[]): boolean {
  return Array.isArray(value) ? value.length === 0 : !Object.values(value).some((v) => v !== undefined);
}

/** The entries of an object in output order, undefined values dropped. */
function orderedEntries(value: Record<string, unknown>, top: boolean): [string, unknown][] {
  const keys = Object.keys(value).filter((k) => value[k] !== undefined);
  keys.sort(compareKeys);
  if (top) {
    const head = HEAD.filter((k) => keys.includes(k));
    return [...head, ...keys.filter((k) => !HEAD.includes(k))].map((k) => [k, value[k]]);
  }
  return keys.map((k) => [k, value[k]]);
}

/** Lines of a collection at `indent`; the caller places the first one. */
function emit(value: Record<string, unknown> | unknown[], indent: string, out: string[], top = false): void {
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    for (const item of value) {
      if (isCollection(item) && !isEmpty(item)) {
        const start = out.length;
        emit(item, inner, out);
        // The first line of the item shares the line of its dash.
        out[start] = `${indent}- ${out[start].slice(inner.length)}`;
      } else {
        out.push(
          `${indent}- ${isCollection(item) ? (Array.isArray(item) ? '[]' : '{}') : scalar(item, inner)}`,
        );
      }
    }
    return;
  }
  for (const [k, v] of orderedEntries(value, top)) {
    if (isCollection(v) && !isEmpty(v)) {
      out.push(`${indent}${key(k)}:`);
      emit(v, inner, out);
    } else {
      out.push(
        `${indent}${key(k)}: ${isCollection(v) ? (Array.isArray(v) ? '[]' : '{}') : scalar(v, inner)}`,
      );
    }
  }
}

export function toYaml(object: unknown): string {
  if (!isCollection(object)) return `${scalar(object, '')}\n`;
  if (isEmpty(object)) return Array.isArray(object) ? '[]\n' : '{}\n';
  const out: string[] = [];
  emit(object, '', out, true);
  return `${out.join('\n')}\n`;
}
