/**
 * Lookups of names that come from a site file. A plain object answers `constructor`, `toString` or
 * `__proto__` from its prototype, so `map[name]` finds something for names nobody defined; these read
 * own properties only.
 */

/** The value `map` holds under `key` itself, or undefined (never one inherited from its prototype). */
export function ownEntry<T>(map: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(map, key) ? map[key] : undefined;
}
