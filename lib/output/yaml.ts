/**
 * Deterministic YAML for manifests: keys sorted (apiVersion, kind, metadata first, as people read them),
 * no line folding, no anchors, so the same objects always give the same bytes.
 */
import { stringify } from 'yaml';

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

export function toYaml(object: unknown): string {
  return stringify(sortKeys(object), { lineWidth: 0, aliasDuplicateObjects: false, singleQuote: false });
}
