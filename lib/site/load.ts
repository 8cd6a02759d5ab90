/**
 * Reads a site file and reports every problem at once: encoding and YAML (input.ts), schema (missing
 * fields, wrong types, unknown fields, bad formats) and the cross-field checks, each with its path.
 */
import { readFileSync, statSync } from 'node:fs';
import type { z } from 'zod';
import { checkSite, SiteProblem } from './checks';
import { decodeSiteBytes, readSiteYaml } from './input';
import { limitMessage, MAX_SITE_BYTES } from './limits';
import { siteSchema, SiteSpec } from './schema';

/** Problems shown in the message; the rest are counted (SiteError.problems keeps them all). */
const SHOWN_PROBLEMS = 50;

export class SiteError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly SiteProblem[],
  ) {
    super(
      `${file} is not a valid site file (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems
          .slice(0, SHOWN_PROBLEMS)
          .map((p) => `  - ${p.path}: ${p.message}`)
          .join('\n') +
        (problems.length > SHOWN_PROBLEMS ? `\n  … and ${problems.length - SHOWN_PROBLEMS} more` : ''),
    );
    this.name = 'SiteError';
  }
}

/** `['nodes', 1, 'macs', 0]` → `nodes[1].macs[0]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(root)' : out;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let cur = root;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}

function show(value: unknown): string {
  // JSON would print Infinity and NaN as null; the loader refuses them, but say what was there.
  const text = typeof value === 'number' ? String(value) : (JSON.stringify(value) ?? String(value));
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Turns a zod issue into problems whose messages name the value and the rule. */
export function problemsFromIssue(issue: z.core.$ZodIssue, input: unknown): SiteProblem[] {
  const value = valueAt(input, issue.path);
  const path = formatPath(issue.path);
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => ({
        path: formatPath([...issue.path, key]),
        message: 'unknown field; remove it or fix its spelling',
      }));
    case 'invalid_type':
      if (value === undefined) return [{ path, message: `is required (${issue.expected})` }];
      return [{ path, message: `${show(value)} has the wrong type; expected ${issue.expected}` }];
    case 'invalid_union':
      if ('discriminator' in issue && issue.discriminator) {
        const options = (issue as { options?: unknown[] }).options ?? [];
        return [{ path, message: `${show(value)} is not one of ${options.map((o) => show(o)).join(', ')}` }];
      }
      return [{ path, message: `${show(value)} matches none of the allowed forms` }];
    case 'invalid_key': {
      // A record key that breaks the key's rule: the path ends at the key, the value is beside it.
      const key = issue.path.at(-1);
      const reasons = issue.issues.map((i) => i.message).join('; ');
      return [{ path, message: `key ${show(String(key))} ${reasons}` }];
    }
    case 'invalid_value':
      return [
        { path, message: `${show(value)} is not one of ${issue.values.map((v) => show(v)).join(', ')}` },
      ];
    default:
      return [{ path, message: `${show(value)} ${issue.message}` }];
  }
}

/** Parses and checks site text (or the file's bytes, decoded strictly). `file` only names the source. */
export function parseSite(source: string | Uint8Array, file: string): SiteSpec {
  try {
    return parseChecked(source, file);
  } catch (e) {
    if (e instanceof SiteError) throw e;
    // Whatever slipped past the limits (a RangeError, a library bug) still names the file, not a stack.
    throw new SiteError(file, [
      { path: '(file)', message: `cannot be read: ${e instanceof Error ? e.message : String(e)}` },
    ]);
  }
}

function parseChecked(source: string | Uint8Array, file: string): SiteSpec {
  let text: string;
  if (typeof source === 'string') {
    if (source.length > MAX_SITE_BYTES) {
      throw new SiteError(file, [
        {
          path: '(file)',
          message: limitMessage(`is ${source.length} characters`, `${MAX_SITE_BYTES} bytes (16 MiB)`),
        },
      ]);
    }
    text = source;
  } else {
    const decoded = decodeSiteBytes(source);
    if (!decoded.ok) throw new SiteError(file, decoded.problems);
    text = decoded.text;
  }
  const read = readSiteYaml(text);
  if (!read.ok) throw new SiteError(file, read.problems);
  const input = read.value;
  const parsed = siteSchema.safeParse(input);
  if (!parsed.success) {
    throw new SiteError(
      file,
      parsed.error.issues.flatMap((issue) => problemsFromIssue(issue, input)),
    );
  }
  const problems = checkSite(parsed.data);
  if (problems.length > 0) throw new SiteError(file, problems);
  return parsed.data;
}

/** Reads, parses and checks a site file. */
export function loadSite(file: string): SiteSpec {
  let bytes: Buffer;
  try {
    const size = statSync(file).size;
    if (size > MAX_SITE_BYTES) {
      throw new SiteError(file, [
        { path: '(file)', message: limitMessage(`is ${size} bytes`, `${MAX_SITE_BYTES} bytes (16 MiB)`) },
      ]);
    }
    bytes = readFileSync(file);
  } catch (e) {
    if (e instanceof SiteError) throw e;
    throw new SiteError(file, [
      {
        path: '(file)',
        message: `cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)}); pass --site <file>`,
      },
    ]);
  }
  return parseSite(bytes, file);
}

/** The GitOps folder of the site: `gitops.path`, or the site name. */
export function gitopsPath(site: SiteSpec): string {
  return site.gitops.path ?? site.name;
}
