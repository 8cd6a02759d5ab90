/**
 * Reads a site file and reports every problem at once: YAML syntax, schema (missing fields, wrong
 * types, unknown fields, bad formats) and the cross-field checks, each with its path.
 */
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { checkSite, SiteProblem } from './checks';
import { siteSchema, SiteSpec } from './schema';

export class SiteError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly SiteProblem[],
  ) {
    super(
      `${file} is not a valid site file (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  - ${p.path}: ${p.message}`).join('\n'),
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
  const text = JSON.stringify(value);
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
    case 'invalid_value':
      return [
        { path, message: `${show(value)} is not one of ${issue.values.map((v) => show(v)).join(', ')}` },
      ];
    default:
      return [{ path, message: `${show(value)} ${issue.message}` }];
  }
}

/** Parses and checks site text. `file` only names the source in messages. */
export function parseSite(text: string, file: string): SiteSpec {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new SiteError(
      file,
      doc.errors.map((e) => ({
        path: e.linePos ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}` : '(yaml)',
        message: `YAML syntax: ${e.message.split('\n')[0]}`,
      })),
    );
  }
  const input: unknown = doc.toJS();
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
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new SiteError(file, [
      {
        path: '(file)',
        message: `cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)}); pass --site <file>`,
      },
    ]);
  }
  return parseSite(text, file);
}

/** The GitOps folder of the site: `gitops.path`, or the site name. */
export function gitopsPath(site: SiteSpec): string {
  return site.gitops.path ?? site.name;
}
