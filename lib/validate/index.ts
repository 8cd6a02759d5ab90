/**
 * Entry points of validation: build a validator from the pinned schemas (with the on-disk compile
 * cache and the memo of passed objects beside it), and read an existing dist/<site>/ tree back into
 * manifests.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { repoRoot } from '../upstream/locks';
import { CompileCache } from './compile-cache';
import { defaultRules } from './rules';
import { loadSchemaSet, type LoadSchemaOptions, type SchemaSet } from './sources';
import { ValidationMemo } from './validation-memo';
import { ManifestValidator, type ManifestRule } from './validator';
import type { Manifest, ManifestObject } from '../manifest/types';

export interface CreateValidatorOptions extends LoadSchemaOptions {
  readonly rules?: readonly ManifestRule[];
  /**
   * Directory of compiled validators, Kubernetes kind indexes and remembered passes; default
   * `<root>/build/validator-cache`. `false` keeps all of them in memory.
   */
  readonly cacheDir?: string | false;
}

export async function createValidator(
  options: CreateValidatorOptions = {},
): Promise<{ validator: ManifestValidator; schemas: SchemaSet }> {
  const root = options.root ?? repoRoot();
  const dir =
    options.cacheDir === false ? undefined : (options.cacheDir ?? join(root, 'build', 'validator-cache'));
  const schemas = await loadSchemaSet({ ...options, root, cacheDir: dir ?? false });
  const validator = new ManifestValidator(schemas, {
    cache: new CompileCache({ dir }),
    rules: options.rules ?? defaultRules,
    memo: new ValidationMemo(dir === undefined ? undefined : join(dir, 'passed-objects.txt')),
  });
  return { validator, schemas };
}

function walk(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? walk(path) : [path];
    });
}

/**
 * The manifests a file already parsed elsewhere holds, when `text` is that file's exact text (a diff
 * hands in the other side's files, so an unchanged file is not parsed again); undefined to parse it.
 */
export type KnownFile = (file: string, text: string) => readonly Manifest[] | undefined;

/** Reads every YAML file of a synthesized tree; each document becomes one manifest. */
export function readTree(dir: string, known?: KnownFile): Manifest[] {
  const manifests: Manifest[] = [];
  for (const path of walk(dir)) {
    if (!path.endsWith('.yaml')) continue;
    const file = relative(dir, path).split(sep).join('/');
    const text = readFileSync(path, 'utf8');
    const reused = known?.(file, text);
    if (reused !== undefined) {
      manifests.push(...reused);
      continue;
    }
    for (const doc of parseAllDocuments(text)) {
      if (doc.errors.length > 0)
        throw new Error(`${file}: YAML syntax: ${doc.errors[0].message.split('\n')[0]}`);
      const object = doc.toJS() as ManifestObject | null;
      if (object !== null) manifests.push({ file, object });
    }
  }
  return manifests;
}
