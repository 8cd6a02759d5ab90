/** Test helpers for site files: the example site, and variants of it as YAML text. */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { parseSite } from '../../lib/site/load';
import type { SiteInput, SiteSpec } from '../../lib/site/schema';
import { repoRoot } from '../../lib/upstream/locks';

export const ROOT = repoRoot();
export const EXAMPLE_SITE_FILE = join(ROOT, 'site.yaml');

/** The example site as written (a fresh copy each call). */
export function exampleInput(): SiteInput {
  return parse(readFileSync(EXAMPLE_SITE_FILE, 'utf8')) as SiteInput;
}

export function exampleSite(): SiteSpec {
  return parseSite(readFileSync(EXAMPLE_SITE_FILE, 'utf8'), 'site.yaml');
}

/** YAML text of the example site after `edit` changed a copy of it. */
export function siteText(edit: (site: Record<string, any>) => void): string {
  const site = exampleInput() as unknown as Record<string, any>;
  edit(site);
  return stringify(site);
}

/** A parsed, checked variant of the example site. */
export function siteWith(edit: (site: Record<string, any>) => void): SiteSpec {
  return parseSite(siteText(edit), 'test-site.yaml');
}

export function withTempDir<T>(fn: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'ouchi-test-'));
  try {
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function withTempDirAsync<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'ouchi-test-'));
  try {
    return await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every file under `dir` as `relative/path → text`, in sorted order (for byte-for-byte comparisons). */
export function readTreeBytes(dir: string, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) Object.assign(out, readTreeBytes(path, `${prefix}${name}/`));
    else out[`${prefix}${name}`] = readFileSync(path, 'utf8');
  }
  return out;
}
