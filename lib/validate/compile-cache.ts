/**
 * Compiles JSON Schemas with Ajv once and caches the compiled validators: in memory for the process,
 * and on disk as one Ajv standalone module per schema (per kind and version), so a cold process skips
 * compilation and loads only the validators of the kinds it checks.
 *
 * Ajv itself is loaded only to compile (a cache miss): a module needs nothing of it but two small
 * runtime helpers. One Ajv instance compiles every miss of a process, so definitions that kinds share
 * (PodSpec, ObjectMeta...) are compiled once. Entries are keyed by the hash of everything that
 * determines the code: the schema source hashes, the transform version and the Ajv options.
 */
import type Ajv from 'ajv';
import type { ErrorObject, Options, ValidateFunction } from 'ajv';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Script } from 'node:vm';
import { writeFileAtomically } from '../output/atomic';

export type { ErrorObject };

/** Loads Ajv on demand, and gives the standalone modules their `require` (for Ajv's runtime helpers). */
const load = createRequire(__filename);

/** A compiled validator: returns the Ajv errors, empty when the value is valid. */
export type CompiledValidator = (value: unknown) => ErrorObject[];

const AJV_OPTIONS: Options = {
  strict: false,
  allErrors: true,
  validateFormats: false,
  code: { source: true, optimize: 1 },
};

/** Bump when the way schemas are transformed before compiling changes, so old disk entries are unused. */
export const TRANSFORM_VERSION = '6';

export interface CompileCacheOptions {
  /** Directory for standalone validator modules; undefined keeps the cache in memory only. */
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

/** What a process spent on validators, for the bench and tests. */
export interface CompileStats {
  /** Schemas compiled (cache misses). */
  compiled: number;
  /** Validators loaded from disk modules. */
  loaded: number;
  /** Milliseconds spent loading modules from disk (parse, code cache, evaluation). */
  loadMs: number;
  /** Milliseconds spent compiling and writing modules. */
  compileMs: number;
}

export class CompileCache {
  private readonly memory = new Map<string, CompiledValidator>();
  private readonly dir?: string;
  private ajv?: Ajv;
  private readonly added = new Set<string>();
  readonly stats: CompileStats = { compiled: 0, loaded: 0, loadMs: 0, compileMs: 0 };

  constructor(options: CompileCacheOptions = {}) {
    this.dir = options.dir;
  }

  static hash(key: string): string {
    return hash(key);
  }

  /** Schemas compiled by this process. */
  get compiled(): number {
    return this.stats.compiled;
  }

  /** Validators loaded from disk by this process. */
  get loaded(): number {
    return this.stats.loaded;
  }

  /** The validator of one schema: from memory, else its module on disk, else compiled (and written). */
  get(request: SchemaRequest): CompiledValidator {
    const id = hash(request.key);
    let validator = this.memory.get(id);
    if (!validator) {
      validator = wrap(this.fromDisk(id) ?? this.compile(id, request));
      this.memory.set(id, validator);
    }
    return validator;
  }

  /** Modules loaded without a usable V8 code cache; `saveCodeCache()` writes one for each. */
  private readonly uncached: { script: Script; path: string }[] = [];

  private fromDisk(id: string): ValidateFunction | undefined {
    if (this.dir === undefined) return undefined;
    const file = join(this.dir, `${exportName(id)}.js`);
    if (!existsSync(file)) return undefined;
    const started = performance.now();
    const fn = this.loadModule(file)[exportName(id)];
    this.stats.loadMs += performance.now() - started;
    if (typeof fn !== 'function') return undefined;
    this.stats.loaded++;
    return fn;
  }

  /**
   * Loads a module with V8's code cache beside it (`.v8`): a module is up to a megabyte of generated
   * code, and parsing it, then compiling each function on first call, costs more than validating.
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
      load,
    );
    return module.exports;
  }

  /**
   * Writes V8 code caches for modules loaded without one. Call after validating, so the cache holds
   * the functions validation compiled.
   */
  saveCodeCache(): void {
    for (const { script, path } of this.uncached.splice(0)) {
      writeFileAtomically(path, script.createCachedData());
    }
  }

  private compile(id: string, request: SchemaRequest): ValidateFunction {
    const started = performance.now();
    const ajv = this.compiler();
    const { root, refs = [] } = request.build();
    for (const ref of refs) {
      const refId = (ref as { $id?: string }).$id;
      if (refId === undefined) throw new Error('a referenced schema needs an $id');
      if (!this.added.has(refId)) {
        ajv.addSchema(ref);
        this.added.add(refId);
      }
    }
    const name = exportName(id);
    ajv.addSchema(root, name);
    const fn = ajv.getSchema(name)!;
    this.stats.compiled++;
    if (this.dir !== undefined) {
      mkdirSync(this.dir, { recursive: true });
      const standaloneCode = (load('ajv/dist/standalone') as typeof import('ajv/dist/standalone')).default;
      writeFileAtomically(join(this.dir, `${name}.js`), standaloneCode(ajv, { [name]: name }));
    }
    this.stats.compileMs += performance.now() - started;
    return fn;
  }

  /** The Ajv instance, loaded on the first miss: a process whose validators are all on disk never needs it. */
  private compiler(): Ajv {
    if (!this.ajv) {
      const AjvClass = (load('ajv') as typeof import('ajv')).default;
      this.ajv = new AjvClass(AJV_OPTIONS);
    }
    return this.ajv;
  }
}

function exportName(id: string): string {
  return `v${id.slice(0, 32)}`;
}

function wrap(fn: ValidateFunction): CompiledValidator {
  return (value) => (fn(value) ? [] : [...(fn.errors ?? [])]);
}
