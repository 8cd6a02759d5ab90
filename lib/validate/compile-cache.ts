/**
 * Compiles JSON Schemas with Ajv once and caches the compiled validators: in memory for the process,
 * and on disk as Ajv standalone modules so a cold process skips compilation entirely. The cache key is
 * the hash of everything that determines the code: the schema source hash, the transform version and
 * the Ajv options.
 */
import Ajv, { type ErrorObject, type Options, type ValidateFunction } from 'ajv';
import standaloneCode from 'ajv/dist/standalone';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

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
export const TRANSFORM_VERSION = '4';

export interface CompileCacheOptions {
  /** Directory for standalone validator modules; undefined keeps the cache in memory only. */
  readonly dir?: string;
}

export interface SchemaRequest {
  /** Stable identity of the schema content (e.g. source sha256 + definition name). */
  readonly key: string;
  /** Builds the root schema and the schemas it references; called only on a cache miss. */
  readonly build: () => { root: object; refs?: readonly object[] };
}

export class CompileCache {
  private readonly memory = new Map<string, CompiledValidator>();
  private readonly dir?: string;
  /** Compilations done by this process (for benchmarks and tests). */
  compiled = 0;
  /** Validators loaded from disk by this process. */
  loaded = 0;

  constructor(options: CompileCacheOptions = {}) {
    this.dir = options.dir;
  }

  static hash(key: string): string {
    return createHash('sha256')
      .update(`${TRANSFORM_VERSION}\0${JSON.stringify(AJV_OPTIONS)}\0${key}`)
      .digest('hex');
  }

  get(request: SchemaRequest): CompiledValidator {
    const id = CompileCache.hash(request.key);
    const hit = this.memory.get(id);
    if (hit) return hit;
    const validator = this.fromDisk(id) ?? this.compile(id, request);
    this.memory.set(id, validator);
    return validator;
  }

  private fromDisk(id: string): CompiledValidator | undefined {
    if (this.dir === undefined) return undefined;
    const file = join(this.dir, `${id}.js`);
    if (!existsSync(file)) return undefined;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const fn = require(file) as ValidateFunction;
    this.loaded++;
    return wrap(fn);
  }

  private compile(id: string, request: SchemaRequest): CompiledValidator {
    const { root, refs = [] } = request.build();
    const ajv = new Ajv(AJV_OPTIONS);
    for (const ref of refs) ajv.addSchema(ref);
    const fn = ajv.compile(root);
    this.compiled++;
    if (this.dir !== undefined) {
      mkdirSync(this.dir, { recursive: true });
      const file = join(this.dir, `${id}.js`);
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, standaloneCode(ajv, fn));
      renameSync(tmp, file);
    }
    return wrap(fn);
  }
}

function wrap(fn: ValidateFunction): CompiledValidator {
  return (value) => (fn(value) ? [] : [...(fn.errors ?? [])]);
}
