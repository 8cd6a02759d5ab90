/**
 * MAAS takes parameters as form fields, never JSON (API.md §2.3): lists repeat the key, dictionaries
 * are flattened with a prefix (`power_parameters_<key>`), binary data is base64.
 */

export type FormValue = string | number | boolean | readonly (string | number)[] | undefined;
export type Form = Readonly<Record<string, FormValue>>;

/** `application/x-www-form-urlencoded` (or a query string) with repeated keys for lists. */
export function encodeForm(form: Form): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(form)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) params.append(key, String(v));
    else params.append(key, typeof value === 'boolean' ? (value ? 'true' : 'false') : String(value));
  }
  return params.toString();
}

/** `{power_address: x}` → `{power_parameters_power_address: x}`. */
export function flatten(prefix: string, values: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [`${prefix}_${k}`, v]));
}

export function base64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}
