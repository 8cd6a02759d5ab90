/**
 * Compiles JSON Schemas with Ajv once and caches the compiled validators: in memory for the process,
 * and on disk as one Ajv standalone module per set of schemas, so a cold process skips compilation.
 *
 * The schemas a synth needs are compiled together in one Ajv instance: Kubernetes kinds share most of
 * their definitions (PodSpec, ObjectMeta...), and one instance compiles each shared definition once.
 * Loading one bundle is several times faster than loading one module per kind, each with its own copy
 * of PodSpec. Entries are keyed by the hash of everything that determines the code: the schema
 * source hashes, the transform version and the Ajv options.
 */
import Ajv, { type ErrorObject, type Options, type ValidateFunction } from 'ajv';
import standaloneCode from 'ajv/dist/standalone';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Script } from 'node:vm';
import { writeFileAtomically } from '../output/atomic';

export type { ErrorObject };

/** A compiled validator: returns the Ajv errors, empty when the value is valid. */
export type CompiledValidator = (value: unknown) => ErrorObject[];

const AJV_OPTIONS: Options = {
  strict: false,
  allErrors: true,
  validateFormats: false,
  code: { source: true, optimize: 1 },
};

/** Bump when the way schemas are transformed before compiling changes, so old disk entries are unused. */
export const TRANSFORM_VERSION = '5';

export interface CompileCacheOptions {
  /** Directory for standalone validator bundles; undefined keeps the cache in memory only. */
  readonly dir?: string;
}

export interface SchemaRequest {
  /** Stable identity of the schema content (e.g. source sha256 + definition name). */
  readonly key: string;
  /**
   * Builds the root schema and the schemas it references (each with a unique `$id`; a reference
   * shared by several requests is added once). Called only on a cache miss.
   */
  readonly build: () => { root: object; refs?: readonly object[] };
}

function hash(text: string): string {
  return createHash('sha256')
    .update(`${TRANSFORM_VERSION}\0${JSON.stringify(AJV_OPTIONS)}\0${text}`)
    .digest('hex');
}

export class CompileCache {
  private readonly memory = new Map<string, CompiledValidator>();
  private readonly dir?: string;
  /** Schemas compiled by this process (for benchmarks and tests). */
  compiled = 0;
  /** Validators loaded from disk bundles by this process. */
  loaded = 0;

  constructor(options: CompileCacheOptions = {}) {
    this.dir = options.dir;
  }

  static hash(key: string): string {
    return hash(key);
  }

  get(request: SchemaRequest): CompiledValidator {
    return this.getMany([request])[0];
  }

  /** Validators for all requests; the ones not in memory are loaded or compiled as one bundle. */
  getMany(requests: readonly SchemaRequest[]): CompiledValidator[] {
    const missing = new Map<string, SchemaRequest>();
    for (const r of requests) {
      const id = hash(r.key);
      if (!this.memory.has(id)) missing.set(id, r);
    }
    if (missing.size > 0) {
      const ids = [...missing.keys()].sort();
      const bundleId = hash(ids.join('\n'));
      const fns = this.fromDisk(bundleId, ids) ?? this.compile(bundleId, ids, missing);
      for (const id of ids) this.memory.set(id, wrap(fns[exportName(id)]));
    }
    return requests.map((r) => this.memory.get(hash(r.key))!);
  }

  /** Bundles loaded without a usable V8 code cache; `saveCodeCache()` writes one for each. */
  private readonly uncached: { script: Script; path: string }[] = [];

  private fromDisk(bundleId: string, ids: readonly string[]): Record<string, ValidateFunction> | undefined {
    if (this.dir === undefined) return undefined;
    const file = join(this.dir, `${bundleId}.js`);
    if (!existsSync(file)) return undefined;
    const fns = this.loadModule(file);
    if (!ids.every((id) => typeof fns[exportName(id)] === 'function')) return undefined;
    this.loaded += ids.length;
    return fns;
  }

  /**
   * Loads a bundle with V8's code cache beside it (`.v8`): a bundle is megabytes of generated code,
   * and parsing it, then compiling each function on first call, costs more than validating.
   */
  private loadModule(file: string): Record<string, ValidateFunction> {
    const cachePath = `${file}.v8`;
    const cachedData = existsSync(cachePath) ? readFileSync(cachePath) : undefined;
    const script = new Script(`(function (module, exports, require) {${readFileSync(file, 'utf8')}\n})`, {
      filename: file,
      cachedData,
    });
    if (cachedData === undefined || script.cachedDataRejected === true)
      this.uncached.push({ script, path: cachePath });
    const module = { exports: {} as Record<string, ValidateFunction> };
    (script.runInThisContext() as (m: object, e: object, r: NodeJS.Require) => void)(
      module,
      module.exports,
      createRequire(__filename),
    );
    return module.exports;
  }

  /**
   * Writes V8 code caches for bundles loaded without one. Call after validating, so the cache holds
   * the functions validation compiled.
   */
  saveCodeCache(): void {
    for (const { script, path } of this.uncached.splice(0)) {
      writeFileAtomically(path, script.createCachedData());
    }
  }

  private compile(bundleId: string, ids: readonly string[], requests: ReadonlyMap<string, SchemaRequest>) {
    const ajv = new Ajv(AJV_OPTIONS);
    const added = new Set<string>();
    const fns: Record<string, ValidateFunction> = {};
    for (const id of ids) {
      const { root, refs = [] } = requests.get(id)!.build();
      for (const ref of refs) {
        const refId = (ref as { $id?: string }).$id;
        if (refId === undefined) throw new Error('a referenced schema needs an $id');
        if (!added.has(refId)) {
          ajv.addSchema(ref);
          added.add(refId);
        }
      }
      ajv.addSchema(root, exportName(id));
      fns[exportName(id)] = ajv.getSchema(exportName(id))!;
      this.compiled++;
    }
    if (this.dir !== undefined) {
      mkdirSync(this.dir, { recursive: true });
      const file = join(this.dir, `${bundleId}.js`);
      const exports = Object.fromEntries(ids.map((id) => [exportName(id), exportName(id)]));
      writeFileAtomically(file, standaloneCode(ajv, exports));
    }
    return fns;
  }
}

function exportName(id: string): string {
  return `v${id.slice(0, 32)}`;
}

function wrap(fn: ValidateFunction): CompiledValidator {
  return (value) => (fn(value) ? [] : [...(fn.errors ?? [])]);
}
