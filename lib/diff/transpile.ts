/**
 * Builds a checkout the way its tsconfig.build.json emits it, but by transpiling each file with swc
 * instead of type-checking the whole program with tsc: the manifest diff only needs the base commit's
 * code to run, and whether it type-checks was its own CI's question. Same files, same CommonJS output
 * layout (`build/<path>.js`), a fraction of the time; swc spreads the files over its threads.
 *
 * Outputs are cached by content (swc version, options and source), so a file that did not change
 * between two commits is transpiled once, whichever commit it came from; and a caller that has a
 * build of the very same source (the working tree's, of a file the commit did not change) copies it.
 */
import type { Options } from '@swc/core';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { writeFileAtomically } from '../output/atomic';

interface TsConfig {
  extends?: string;
  compilerOptions?: { target?: string; module?: string; useDefineForClassFields?: boolean; outDir?: string };
  include?: string[];
  exclude?: string[];
}

function readConfig(file: string): TsConfig {
  if (!existsSync(file)) throw new Error(`${file} does not exist: nothing says what to build`);
  let config: TsConfig;
  try {
    config = JSON.parse(readFileSync(file, 'utf8')) as TsConfig;
  } catch (e) {
    throw new Error(
      `${file}: not plain JSON (${(e as Error).message}); the diff's transpiler reads it as JSON`,
    );
  }
  if (config.extends === undefined) return config;
  const parent = readConfig(join(dirname(file), config.extends));
  return {
    ...parent,
    ...config,
    compilerOptions: { ...parent.compilerOptions, ...config.compilerOptions },
  };
}

export interface BuildPlan {
  /** Source files relative to the checkout, `/`-separated. */
  readonly files: readonly string[];
  /** Output directory, relative to the checkout. */
  readonly outDir: string;
  readonly swc: Options;
}

/**
 * What `tsc -p tsconfig.build.json` would compile in `checkout`, and the swc options that match it;
 * `skip` leaves out top-level folders whose output is provided otherwise.
 */
export function buildPlan(
  checkout: string,
  skip: readonly string[] = [],
  config = 'tsconfig.build.json',
): BuildPlan {
  const file = join(checkout, config);
  const ts = readConfig(file);
  const options = ts.compilerOptions ?? {};
  if ((options.module ?? '').toLowerCase() !== 'commonjs')
    throw new Error(`${config}: module is ${options.module}; the diff's transpiler emits commonjs only`);
  const exclude = new Set([...(ts.exclude ?? []), ...skip]);
  const files: string[] = [];
  const walk = (rel: string): void => {
    const abs = join(checkout, rel);
    // statSync follows symlinks: imports/ may be a link to the working tree's generated bindings.
    if (!existsSync(abs) || exclude.has(rel)) return;
    if (statSync(abs).isDirectory()) {
      for (const name of readdirSync(abs).sort()) walk(rel === '' ? name : `${rel}/${name}`);
    } else if (rel.endsWith('.ts') && !rel.endsWith('.d.ts')) files.push(rel);
  };
  for (const dir of ts.include ?? []) walk(dir.replace(/\/\*\*.*$/, ''));
  return {
    files,
    outDir: options.outDir ?? '.',
    swc: {
      jsc: {
        parser: { syntax: 'typescript' },
        target: (options.target ?? 'es2022').toLowerCase() as NonNullable<Options['jsc']>['target'],
        transform: { useDefineForClassFields: options.useDefineForClassFields ?? true },
      },
      module: { type: 'commonjs' },
      sourceMaps: false,
      swcrc: false,
      configFile: false,
    },
  };
}

export interface TranspileResult {
  readonly files: number;
  /** Files whose output came from the cache. */
  readonly cached: number;
  /** Files whose output was copied from an existing build (`reuse`). */
  readonly reused: number;
}

export interface TranspileOptions {
  readonly cacheDir?: string;
  /** Top-level folders left out (their output is provided otherwise). */
  readonly skip?: readonly string[];
  /**
   * A compiled file to copy instead of transpiling `rel`, when one is known to come from the same
   * source (the working tree's own build of an unchanged file); undefined to transpile.
   */
  readonly reuse?: (rel: string) => string | undefined;
}

/** Transpiles every file of the plan into `<checkout>/<outDir>/`, reusing cached outputs. */
export async function transpileTree(
  checkout: string,
  options: TranspileOptions = {},
): Promise<TranspileResult> {
  const plan = buildPlan(checkout, options.skip);
  let cached = 0;
  let reused = 0;
  const outOf = (rel: string) => join(checkout, plan.outDir, rel.replace(/\.ts$/, '.js'));
  const toTranspile = plan.files.filter((rel) => {
    const built = options.reuse?.(rel);
    if (built === undefined) return true;
    mkdirSync(dirname(outOf(rel)), { recursive: true });
    copyFileSync(built, outOf(rel));
    reused++;
    return false;
  });
  if (toTranspile.length === 0) return { files: plan.files.length, cached, reused };
  // Loaded only when there is something to transpile (its native binding takes a while).
  const { transform, version: swcVersion } = await import('@swc/core');
  const optionsKey = `${swcVersion}\0${JSON.stringify(plan.swc)}`;
  await Promise.all(
    toTranspile.map(async (rel) => {
      const source = readFileSync(join(checkout, rel), 'utf8');
      const key = createHash('sha256').update(optionsKey).update('\0').update(source).digest('hex');
      const entry = options.cacheDir === undefined ? undefined : join(options.cacheDir, `${key}.js`);
      let code: string;
      if (entry !== undefined && existsSync(entry)) {
        code = readFileSync(entry, 'utf8');
        cached++;
      } else {
        try {
          code = (await transform(source, { ...plan.swc, filename: rel })).code;
        } catch (e) {
          throw new Error(`swc cannot transpile ${rel}: ${(e as Error).message}`);
        }
        if (entry !== undefined) writeFileAtomically(entry, code);
      }
      const out = outOf(rel);
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, code);
    }),
  );
  return { files: plan.files.length, cached, reused };
}
