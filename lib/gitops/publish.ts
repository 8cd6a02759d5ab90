/**
 * Publishes a synthesized site into the GitOps repo (the "rendered manifests" pattern): the tree of
 * `dist/<site>/` replaces `<gitops.path>/` on the site's branch, committed only when something
 * changed, with the source commit in the message and an `Ouchi-Source:` trailer, then pushed.
 * Synth is byte-identical, so publishing the same source twice is a no-op.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PathError, relativePathProblem, resolveInside } from '../output/inside';
import { branchNameProblem } from '../site/formats';
import { git, gitSucceeds } from './git';

export const SOURCE_TRAILER = 'Ouchi-Source';

export interface SourceState {
  readonly commit: string;
  readonly subject: string;
  /** Paths `git status --porcelain` lists (uncommitted or untracked). */
  readonly dirty: readonly string[];
}

export function sourceState(sourceDir: string): SourceState {
  const dirty = git(sourceDir, ['status', '--porcelain'])
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => l.slice(3));
  return {
    commit: git(sourceDir, ['rev-parse', 'HEAD']).trim(),
    subject: git(sourceDir, ['log', '-1', '--format=%s']).trim(),
    dirty,
  };
}

export interface PublishRequest {
  /** The site's synthesized tree (dist/<site>/). */
  readonly distDir: string;
  readonly site: string;
  /** GitOps repo: a URL or a local path. */
  readonly repo: string;
  readonly branch: string;
  /** Folder of the site in the repo. */
  readonly path: string;
  readonly source: SourceState;
  /** Publish although the source tree has uncommitted changes. */
  readonly allowDirty?: boolean;
}

export interface PublishResult {
  readonly committed: boolean;
  /** The new commit, when one was made. */
  readonly commit?: string;
  readonly message: string;
}

export function refuseDirty(source: SourceState, allowDirty: boolean | undefined, sourceDir: string): void {
  if (source.dirty.length > 0 && allowDirty !== true) {
    const shown = source.dirty.slice(0, 5).join(', ');
    const more = source.dirty.length > 5 ? ` and ${source.dirty.length - 5} more` : '';
    throw new Error(
      `${sourceDir} has uncommitted changes (${shown}${more}); commit them so the published tree names its source, or pass --allow-dirty`,
    );
  }
}

export function commitMessage(site: string, source: SourceState): string {
  const dirty = source.dirty.length > 0 ? ' (with uncommitted changes)' : '';
  return [
    `ouchi: publish ${site} from ${source.commit.slice(0, 12)}${dirty}`,
    '',
    `Rendered manifests of site ${site}, synthesized from:`,
    `  ${source.subject}`,
    '',
    `${SOURCE_TRAILER}: ${source.commit}`,
    '',
  ].join('\n');
}

/** Identity for the publish commit when the environment has none (CI runners often do not). */
const FALLBACK_IDENTITY = ['-c', 'user.name=ouchi publish', '-c', 'user.email=ouchi-publish@localhost'];

/**
 * Refuses a request that could reach outside the clone or be read by git as an option. The site
 * loader checks the same fields; this holds for requests built in code too.
 */
export function checkPublishRequest(request: PublishRequest): void {
  const pathProblem = relativePathProblem(request.path);
  if (pathProblem !== undefined)
    throw new PathError(`gitops.path: ${JSON.stringify(request.path)} ${pathProblem}`);
  const branchProblem = branchNameProblem(request.branch);
  if (branchProblem !== undefined)
    throw new Error(`gitops.branch: ${JSON.stringify(request.branch)} ${branchProblem}`);
  if (request.repo.startsWith('-'))
    throw new Error(
      `--repo: ${JSON.stringify(request.repo)} starts with -, which git would read as an option`,
    );
}

export function publishSite(request: PublishRequest): PublishResult {
  checkPublishRequest(request);
  // Everything publish writes is in this folder, removed at the end.
  const work = mkdtempSync(join(tmpdir(), 'ouchi-publish-'));
  try {
    const clone = join(work, 'repo');
    git(work, ['clone', '--quiet', '--', request.repo, clone]);
    const remoteBranch = git(clone, ['ls-remote', '--heads', 'origin', request.branch]).trim() !== '';
    if (remoteBranch) {
      git(clone, ['checkout', '--quiet', '-B', request.branch, `origin/${request.branch}`]);
    } else if (gitSucceeds(clone, ['rev-parse', '--verify', 'HEAD'])) {
      // A repo without the branch: start it empty, not from another branch's content.
      git(clone, ['checkout', '--quiet', '--orphan', request.branch]);
      git(clone, ['rm', '-r', '--quiet', '--cached', '--ignore-unmatch', '.']);
    } else {
      git(clone, ['checkout', '--quiet', '-B', request.branch]);
    }
    // Checked again after checkout: a symlink committed in the GitOps repo must not lead the removal out.
    const target = resolveInside(clone, request.path, 'gitops.path');
    rmSync(target, { recursive: true, force: true });
    cpSync(request.distDir, target, { recursive: true });
    git(clone, ['add', '--all', '--', request.path]);
    if (gitSucceeds(clone, ['diff', '--cached', '--quiet'])) {
      return {
        committed: false,
        message: `${request.path} in ${request.repo} (${request.branch}) is up to date`,
      };
    }
    const identity = gitSucceeds(clone, ['config', 'user.email']) ? [] : FALLBACK_IDENTITY;
    git(clone, [...identity, 'commit', '--quiet', '-m', commitMessage(request.site, request.source)]);
    const commit = git(clone, ['rev-parse', 'HEAD']).trim();
    git(clone, ['push', '--quiet', 'origin', `HEAD:refs/heads/${request.branch}`]);
    return {
      committed: true,
      commit,
      message: `published ${request.site} to ${request.repo} (${request.branch}) as ${commit.slice(0, 12)}`,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
