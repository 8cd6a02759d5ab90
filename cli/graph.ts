/**
 * `npm run graph -- [--site <file>]`: writes the Application dependency graph of the site to
 * docs/graph/<site>.mmd (Mermaid) and docs/graph/<site>.svg.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { synthesize } from '../charts/synth';
import { applicationGraph, toMermaid, toSvg } from '../lib/graph/app-graph';
import { repoRoot } from '../lib/upstream/locks';
import { createValidator } from '../lib/validate';
import { checkFlags, parseArgs, runMain, stringFlag } from './args';
import { writeFileAtomically } from '../lib/output/atomic';

export async function graphFiles(
  siteFile: string,
  root = repoRoot(),
): Promise<{ site: string; mermaid: string; svg: string }> {
  const validator = await createValidator({ root });
  const result = await synthesize({ siteFile, root, write: false, validator });
  const graph = applicationGraph(result.manifests, validator.schemas);
  return { site: result.site.name, mermaid: toMermaid(graph), svg: toSvg(graph) };
}

if (require.main === module) {
  runMain('graph', async () => {
    const args = parseArgs(process.argv.slice(2));
    checkFlags(args, ['site']);
    const files = await graphFiles(stringFlag(args, 'site') ?? 'site.yaml');
    const dir = join(repoRoot(), 'docs', 'graph');
    mkdirSync(dir, { recursive: true });
    writeFileAtomically(join(dir, `${files.site}.mmd`), files.mermaid);
    writeFileAtomically(join(dir, `${files.site}.svg`), files.svg);
    console.log(`graph: wrote docs/graph/${files.site}.mmd and .svg`);
  });
}
