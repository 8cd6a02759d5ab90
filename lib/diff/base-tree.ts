/**
 * The base side of a manifest diff: the site synthesized by the base commit's own code, in a git
 * worktree (a change to a chart must show as a change). The result is cached per commit.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { git, gitSucceeds } from '../gitops/git';
import { relativePathProblem } from '../output/inside';
import { absoluteMirrorEnv } from '../upstream/locks';
import { readTree } from '../validate';
import type { Manifest } from '../validate/validator';

export interface BaseTreeOptions {
  readonly root: string;
  readonly ref: string;
  /** The site file, as a plain path relative to the repository root. */
  readonly siteFile: string;
  readonly env?: NodeJS.ProcessEnv;
}

function run(cwd: string, command: string, args: readonly string[], env: NodeJS.ProcessEnv): void {
  try {
    execFileSync(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; status?: number };
    throw new Error(
      `${command} ${args.join(' ')} in the base worktree failed (${err.status}):\n${err.stdout ?? ''}${err.stderr ?? ''}`,
    );
  }
}

/** Manifests of the site at `ref`; an empty list when the site file did not exist there. */
export function synthesizeAtRef(options: BaseTreeOptions): Manifest[] {
  const { root, ref } = options;
  // The base synth runs in the worktree: a relative mirror path must still name the same folder.
  const env = absoluteMirrorEnv(options.env ?? process.env);
  const siteRel = options.siteFile;
  const siteProblem = relativePathProblem(siteRel);
  if (siteProblem !== undefined)
    throw new Error(`--site ${JSON.stringify(siteRel)} ${siteProblem} inside the repository`);
  if (ref.startsWith('-')) throw new Error(`--base ${ref}: starts with -, which git would read as an option`);
  const commit = git(root, ['rev-parse', '--verify', '--end-of-options', `${ref}^{commit}`]).trim();
  const cache = join(root, 'build', 'diff-cache', commit);
  if (!existsSync(cache)) {
    const exists = git(root, ['ls-tree', '--name-only', commit, '--', siteRel]).trim() !== '';
    if (!exists) return [];
    // A fresh folder of its own under build/ (git worktree add takes an empty one).
    mkdirSync(join(root, 'build'), { recursive: true });
    const worktree = mkdtempSync(join(root, 'build', 'diff-worktree-'));
    git(root, ['worktree', 'add', '--quiet', '--detach', worktree, commit]);
    try {
      symlinkSync(join(root, 'node_modules'), join(worktree, 'node_modules'));
      const sameLock = gitSucceeds(root, ['diff', '--quiet', commit, '--', 'crds.lock.json']);
      if (sameLock && existsSync(join(root, 'imports', 'crd-schemas.json'))) {
        rmSync(join(worktree, 'imports'), { recursive: true, force: true });
        symlinkSync(join(root, 'imports'), join(worktree, 'imports'));
      } else {
        run(
          worktree,
          process.execPath,
          [join(root, 'node_modules', '.bin', 'ts-node'), '--transpile-only', 'cli/crds.ts'],
          env,
        );
      }
      run(
        worktree,
        process.execPath,
        [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
        env,
      );
      // Same schemas, same compiled validators: share the cache instead of compiling them again.
      mkdirSync(join(root, 'build', 'validator-cache'), { recursive: true });
      symlinkSync(join(root, 'build', 'validator-cache'), join(worktree, 'build', 'validator-cache'));
      run(worktree, process.execPath, ['build/cli/synth.js', '--site', siteRel], env);
      const dist = join(worktree, 'dist');
      const sites = readdirSync(dist);
      if (sites.length !== 1)
        throw new Error(`the base synth wrote ${sites.length} sites into dist/, expected 1`);
      mkdirSync(join(root, 'build', 'diff-cache'), { recursive: true });
      renameSync(join(dist, sites[0]), cache);
    } finally {
      git(root, ['worktree', 'remove', '--force', worktree]);
    }
  }
  return readTree(cache);
}

/** Reads a tree that was synthesized elsewhere (`--base-dist`). */
export function readBaseDist(dir: string): Manifest[] {
  if (!existsSync(dir)) throw new Error(`--base-dist ${dir} does not exist`);
  return readTree(dir);
}
