/**
 * `npm run diff -- --base <git ref> [--base-dist <dir>] [--head <git ref>] [--site <file>] [--out <file>]`:
 * the rendered-manifest diff between the base (synthesized by its own code in a git worktree, or read
 * from --base-dist) and the working tree (or --head), as Markdown on stdout (fits a PR comment); the
 * full diff goes to --out (default build/manifest-diff.md).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { resolveInside } from '../lib/output/inside';
import { synthesize } from '../charts/synth';
import { knownFiles, readBaseDist, readSide, startSynthAtRef } from '../lib/diff/base-tree';
import { diffManifests, renderComment, renderFull } from '../lib/diff/manifest-diff';
import { loadSite } from '../lib/site/load';
import { repoRoot } from '../lib/upstream/locks';
import { checkFlags, parseArgs, runMain, stringFlag } from './args';

export interface DiffResult {
  readonly comment: string;
  readonly full: string;
  readonly outFile: string;
}

export async function diffCommand(argv: readonly string[], root = repoRoot()): Promise<DiffResult> {
  const args = parseArgs(argv);
  checkFlags(args, ['base', 'base-dist', 'head', 'site', 'out']);
  const base = stringFlag(args, 'base');
  const baseDist = stringFlag(args, 'base-dist');
  if (base === undefined && baseDist === undefined)
    throw new Error('give --base <git ref> or --base-dist <dir>');
  // Both sides synthesize the same site file, so it must be a file of the repository.
  const sitePath = resolveInside(root, stringFlag(args, 'site') ?? 'site.yaml', '--site');
  const siteFile = relative(root, sitePath).split('\\').join('/');
  // Checked before anything is synthesized: a refused --out costs nothing.
  const outFlag = stringFlag(args, 'out');
  const outFile =
    outFlag === undefined
      ? join(root, 'build', 'manifest-diff.md')
      : resolveInside(root, outFlag, '--out', process.cwd());
  const headRef = stringFlag(args, 'head');
  const baseSide = baseDist !== undefined ? undefined : startSynthAtRef({ root, ref: base!, siteFile });
  const headSide = headRef === undefined ? undefined : startSynthAtRef({ root, ref: headRef, siteFile });
  // Failures are reported by Promise.all below; until then they must not count as unhandled.
  for (const side of [baseSide, headSide]) side?.tree.catch(() => undefined);
  // The base synthesizes in a process of its own: let it start before this one works on the head.
  await baseSide?.spawned;
  const [baseTree, head] = await Promise.all([
    baseSide?.tree,
    headSide?.tree ?? synthesize({ siteFile: sitePath, root, write: false }),
  ]);
  const headManifests = typeof head === 'object' ? head.manifests : readSide(head, undefined);
  // Files the head has byte for byte are taken from it, not parsed again.
  const baseManifests =
    baseSide === undefined ? readBaseDist(baseDist!) : readSide(baseTree, knownFiles(headManifests));
  const apps = diffManifests(baseManifests, headManifests);
  const options = {
    base: base ?? baseDist!,
    head: headRef ?? 'working tree',
    site: loadSite(sitePath).name,
  };
  const full = renderFull(apps, options);
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, full);
  return { comment: renderComment(apps, options), full, outFile };
}

if (require.main === module) {
  runMain('diff', async () => {
    const result = await diffCommand(process.argv.slice(2));
    process.stdout.write(result.comment);
  });
}
