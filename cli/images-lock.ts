/**
 * `npm run images:lock -- [--site <file>] [--stack <name>] [--from-file <output.json>]`: writes
 * images.lock/<site>.json from the images layer's outputs (`pulumi stack output --json`, or a saved
 * copy of it), for when `pulumi up` ran elsewhere, e.g. in CI. A real `pulumi up` writes it too.
 */
import { relative } from 'node:path';
import { parseImageLock, writeImageLock } from '../lib/images/lock';
import { loadSite } from '../lib/site/load';
import { repoRoot } from '../lib/upstream/locks';
import { checkFlags, parseArgs, runMain, stringFlag } from './args';
import { layerOutput, stackOutputText } from './stack-output';

export function imagesLockCommand(argv: readonly string[], root = repoRoot(), log = console.log): void {
  const args = parseArgs(argv);
  checkFlags(args, ['site', 'stack', 'from-file']);
  const siteFile = stringFlag(args, 'site') ?? 'site.yaml';
  const site = loadSite(siteFile);
  const images = layerOutput(stackOutputText(args, site.name), 'images', 'images');
  const lock = parseImageLock(JSON.stringify({ images }), 'layers.images.images of the stack output');
  const built = new Set(Object.keys(lock.images));
  const missing = (site.images?.build ?? []).map((b) => b.name).filter((n) => !built.has(n));
  if (missing.length > 0) {
    throw new Error(
      `the stack output has no image ${missing.join(', ')} of ${siteFile}'s images.build: run \`pulumi up\` with the images layer first`,
    );
  }
  const file = writeImageLock(root, site.name, lock);
  log(`images:lock: wrote ${relative(root, file)} (${[...built].sort().join(', ')})`);
}

if (require.main === module) runMain('images:lock', async () => imagesLockCommand(process.argv.slice(2)));
