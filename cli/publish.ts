/**
 * `npm run gitops:publish -- [--site <file>] [--repo <url or path>] [--allow-dirty]`: synthesizes and
 * validates the site, then commits dist/<site>/ into the GitOps repo and pushes, when it changed.
 * Refuses a dirty source tree (unless --allow-dirty) and placeholder image digests.
 */
import { synthesize } from '../charts/synth';
import { publishSite, refuseDirty, sourceState, type PublishResult } from '../lib/gitops/publish';
import { fillLockCommand, imageLockPath, placeholderImages, readImageLock } from '../lib/images/lock';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { gitopsPath, loadSite } from '../lib/site/load';
import { repoRoot } from '../lib/upstream/locks';
import { checkFlags, parseArgs, runMain, stringFlag } from './args';

export interface PublishCommandOptions {
  /** The source repo (whose HEAD the commit names). @default the repository root */
  readonly sourceDir?: string;
  /** Where synth writes. @default <root>/dist */
  readonly distDir?: string;
  /** Where images.lock/ lives. @default the repository root */
  readonly root?: string;
}

export async function publishCommand(
  argv: readonly string[],
  options: PublishCommandOptions = {},
): Promise<PublishResult> {
  const args = parseArgs(argv, ['allow-dirty']);
  checkFlags(args, ['site', 'repo', 'allow-dirty']);
  const siteFile = stringFlag(args, 'site') ?? 'site.yaml';
  const site = loadSite(siteFile);
  const root = options.root ?? repoRoot();
  const sourceDir = options.sourceDir ?? root;
  const allowDirty = args.flags.get('allow-dirty') === true;
  const source = sourceState(sourceDir);
  refuseDirty(source, allowDirty, sourceDir);
  const imageLock = readImageLock(root, site.name);
  const placeholders = placeholderImages(imageLock);
  if (placeholders.length > 0) {
    throw new Error(
      `${imageLockPath(site.name)} holds placeholder digests for ${placeholders.join(', ')}: build and lock them before publishing (${fillLockCommand(siteFile)})`,
    );
  }
  const synth = await synthesize({ siteFile, distDir: options.distDir, imageLock });
  return publishSite({
    distDir: synth.dir,
    site: site.name,
    repo: repoArgument(stringFlag(args, 'repo')) ?? site.gitops.repoURL,
    branch: site.gitops.branch,
    path: gitopsPath(site),
    source,
    allowDirty,
  });
}

/** `--repo`: a URL, or a local repository (made absolute: git runs in publish's own temp folder). */
export function repoArgument(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (value.startsWith('-'))
    throw new Error(`--repo ${value}: starts with -, which git would read as an option`);
  return existsSync(value) ? resolve(value) : value;
}

if (require.main === module) {
  runMain('gitops:publish', async () => {
    const result = await publishCommand(process.argv.slice(2));
    console.log(`gitops:publish: ${result.message}`);
  });
}
