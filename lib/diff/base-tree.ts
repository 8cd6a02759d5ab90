/**
 * The base side of a manifest diff: the site synthesized by the base commit's own code, in a checkout
 * of that commit (a change to a chart must show as a change). The result is cached per commit and site.
 *
 * The base's code is transpiled with swc, not type-checked (that was the base's own CI's job), and
 * shares what the working tree already has: node_modules, the generated imports/ when both lock files
 * are the same, the working tree's compiled output of every file the base has unchanged, the compiled
 * validators and their memo of passed objects, the chart render cache, and the transpile cache.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { join, relative } from 'node:path';
import { git, gitSucceeds } from '../gitops/git';
import { relativePathProblem } from '../output/inside';
import { absoluteMirrorEnv } from '../upstream/locks';
import { toYaml } from '../output/yaml';
import { type KnownFile, readTree } from '../validate';
import type { Manifest } from '../manifest/types';
import { buildPlan, transpileTree } from './transpile';

export interface BaseTreeOptions {
  readonly root: string;
  readonly ref: string;
  /** The site file, as a plain path relative to the repository root. */
  readonly siteFile: string;
  readonly env?: NodeJS.ProcessEnv;
}

/** A synth at a commit under way: `spawned` once its own process runs (or it needs none). */
export interface RefSynth {
  readonly spawned: Promise<void>;
  /** The synthesized tree; undefined when the site file did not exist at that commit. */
  readonly tree: Promise<string | undefined>;
}

function failure(command: string, args: readonly string[], e: unknown, hint: string): Error {
  const err = e as { stdout?: string; stderr?: string; code?: number | string; status?: number };
  return new Error(
    `${command} ${args.join(' ')} in the base checkout failed (${err.status ?? err.code}):\n` +
      `${err.stdout ?? ''}${err.stderr ?? ''}${hint}`,
  );
}

function run(
  cwd: string,
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  hint: string,
): Promise<void> {
  return new Promise((resolve, reject) =>
    execFile(
      command,
      args,
      { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
      (e, stdout, stderr) => (e ? reject(failure(command, args, { ...e, stdout, stderr }, hint)) : resolve()),
    ),
  );
}

/**
 * True when the working tree's build/ is current for every `.ts` file of `sources`: the stamp that
 * scripts/fresh-build.mjs leaves after a good build is newer than each of them.
 */
function builtAfter(sources: string, root: string): boolean {
  const stamp = join(root, 'build', '.fresh-build.stamp');
  if (!existsSync(stamp)) return false;
  const built = statSync(stamp).mtimeMs;
  return readdirSync(sources)
    .filter((f) => f.endsWith('.ts'))
    .every((f) => statSync(join(sources, f)).mtimeMs <= built);
}

/**
 * The working tree's compiled file for a base file that is the same in both, when build/ is current
 * for it: git reports it unchanged since `commit`, and its source is older than the build stamp.
 */
function workingTreeBuild(root: string, commit: string): ((rel: string) => string | undefined) | undefined {
  const stamp = join(root, 'build', '.fresh-build.stamp');
  if (!existsSync(stamp)) return undefined;
  const built = statSync(stamp).mtimeMs;
  const outDir = buildPlan(root).outDir;
  const changed = new Set(git(root, ['diff', '--name-only', '--no-renames', commit]).split('\n'));
  return (rel) => {
    const source = join(root, rel);
    const js = join(root, outDir, rel.replace(/\.ts$/, '.js'));
    if (changed.has(rel) || !existsSync(js) || !existsSync(source) || statSync(source).mtimeMs > built)
      return undefined;
    return js;
  };
}

/**
 * Starts synthesizing the site at `ref`: checkout and transpile now, the synth in a process of its
 * own, so the caller can synthesize the other side meanwhile. An empty list when the site file did
 * not exist there.
 */
export function startSynthAtRef(options: BaseTreeOptions): RefSynth {
  const { root, ref } = options;
  // The base synth runs in its checkout: a relative mirror path must still name the same folder.
  const env = absoluteMirrorEnv(options.env ?? process.env);
  const siteProblem = relativePathProblem(options.siteFile);
  if (siteProblem !== undefined)
    throw new Error(`--site ${JSON.stringify(options.siteFile)} ${siteProblem} inside the repository`);
  if (ref.startsWith('-')) throw new Error(`--base ${ref}: starts with -, which git would read as an option`);
  const commit = git(root, ['rev-parse', '--verify', '--end-of-options', `${ref}^{commit}`]).trim();
  const siteRel = relative(root, join(root, options.siteFile));
  const siteKey = createHash('sha256').update(siteRel).digest('hex').slice(0, 12);
  const cache = join(root, 'build', 'diff-cache', `${commit}-${siteKey}`);
  if (existsSync(cache)) return { spawned: Promise.resolve(), tree: Promise.resolve(cache) };
  const exists = git(root, ['ls-tree', '--name-only', commit, '--', siteRel]).trim() !== '';
  if (!exists) return { spawned: Promise.resolve(), tree: Promise.resolve(undefined) };

  // The commit's files through an index of its own: no worktree to register, and nothing for git to
  // scan when the checkout goes (removing a worktree full of build output costs more than the synth).
  const checkout = join(root, 'build', `diff-checkout-${process.pid}-${commit.slice(0, 12)}`);
  const index = `${checkout}.index`;
  rmSync(checkout, { recursive: true, force: true });
  const indexEnv = { ...process.env, GIT_INDEX_FILE: index };
  try {
    git(root, ['read-tree', commit], indexEnv);
    git(root, ['checkout-index', '--all', `--prefix=${checkout}/`], indexEnv);
  } catch (e) {
    rmSync(checkout, { recursive: true, force: true });
    rmSync(index, { force: true });
    throw e;
  }
  let spawned!: () => void;
  const started = new Promise<void>((resolve) => (spawned = resolve));
  const tree = (async () => {
    try {
      const transpileCache = join(root, 'build', 'transpile-cache');
      symlinkSync(join(root, 'node_modules'), join(checkout, 'node_modules'));
      // The base's dependencies are the working tree's: say so when a failure may come from that.
      const sameDeps = gitSucceeds(root, ['diff', '--quiet', commit, '--', 'package.json']);
      const hint = sameDeps
        ? ''
        : `\n(the base commit's package.json differs from the working tree's, whose node_modules it runs with)`;
      const sameLocks = gitSucceeds(root, [
        'diff',
        '--quiet',
        commit,
        '--',
        'crds.lock.json',
        'schemas.lock.json',
      ]);
      const skip: string[] = [];
      if (sameLocks && existsSync(join(root, 'imports', 'crd-schemas.json'))) {
        rmSync(join(checkout, 'imports'), { recursive: true, force: true });
        symlinkSync(join(root, 'imports'), join(checkout, 'imports'));
        // The same generated bindings: their compiled output too, when the working tree's is current.
        if (builtAfter(join(root, 'imports'), root)) {
          mkdirSync(join(checkout, 'build'), { recursive: true });
          symlinkSync(join(root, 'build', 'imports'), join(checkout, 'build', 'imports'));
          skip.push('imports');
        }
      } else {
        // The base's own `npm run crds`, from its own transpiled code.
        await transpileTree(checkout, { cacheDir: transpileCache });
        await run(checkout, process.execPath, ['build/cli/crds.js'], env, hint);
      }
      await transpileTree(checkout, {
        cacheDir: transpileCache,
        skip,
        reuse: workingTreeBuild(root, commit),
      });
      // Caches keyed by their content (schemas; chart digest, values, Helm build and format for
      // renders), written atomically: an entry is the same whichever side made it, so share them.
      for (const shared of ['validator-cache', 'render-cache']) {
        mkdirSync(join(root, 'build', shared), { recursive: true });
        symlinkSync(join(root, 'build', shared), join(checkout, 'build', shared));
      }
      const synth = run(checkout, process.execPath, ['build/cli/synth.js', '--site', siteRel], env, hint);
      spawned();
      await synth;
      const dist = join(checkout, 'dist');
      const sites = readdirSync(dist);
      if (sites.length !== 1)
        throw new Error(`the base synth wrote ${sites.length} sites into dist/, expected 1`);
      mkdirSync(join(root, 'build', 'diff-cache'), { recursive: true });
      renameSync(join(dist, sites[0]), cache);
    } finally {
      spawned();
      rmSync(checkout, { recursive: true, force: true });
      rmSync(index, { force: true });
    }
    return cache;
  })();
  return { spawned: started, tree };
}

/**
 * The files of a rendered side as synth writes them (one object per file), so that reading the other
 * side can take an unchanged file's objects from here instead of parsing its YAML again.
 */
export function knownFiles(manifests: readonly Manifest[]): KnownFile {
  const byFile = new Map<string, Manifest[]>();
  for (const m of manifests) byFile.set(m.file, [...(byFile.get(m.file) ?? []), m]);
  const texts = new Map<string, string>();
  return (file, text) => {
    const own = byFile.get(file);
    if (own?.length !== 1) return undefined;
    if (!texts.has(file)) texts.set(file, toYaml(own[0].object));
    return texts.get(file) === text ? own : undefined;
  };
}

/** Reads a side's tree (none: no objects), reusing the other side's unchanged files. */
export function readSide(tree: string | undefined, known?: KnownFile): Manifest[] {
  return tree === undefined ? [] : readTree(tree, known);
}

/** Manifests of the site at `ref`; an empty list when the site file did not exist there. */
export async function synthesizeAtRef(options: BaseTreeOptions): Promise<Manifest[]> {
  return readSide(await startSynthAtRef(options).tree);
}

/** Reads a tree that was synthesized elsewhere (`--base-dist`). */
export function readBaseDist(dir: string): Manifest[] {
  if (!existsSync(dir)) throw new Error(`--base-dist ${dir} does not exist`);
  return readTree(dir);
}
