/**
 * `npm run synth -- [--site <file>]`: synthesizes and validates the site into dist/<site>/.
 * Also the cdk8s app (`cdk8s synth`): then CDK8S_OUTDIR gets a copy of the tree for the CLI to list.
 */
import { cpSync } from 'node:fs';
import { synthesize, type SynthResult } from '../charts/synth';
import { checkFlags, parseArgs, runMain, stringFlag } from './args';

export async function synthCommand(argv: readonly string[], distDir?: string): Promise<SynthResult> {
  const args = parseArgs(argv);
  checkFlags(args, ['site']);
  const siteFile = stringFlag(args, 'site') ?? 'site.yaml';
  return synthesize({ siteFile, distDir });
}

if (require.main === module) {
  runMain('synth', async () => {
    const started = Date.now();
    const result = await synthCommand(process.argv.slice(2));
    for (const warning of result.warnings) console.warn(`synth: warning: ${warning}`);
    const t = result.timings;
    console.log(
      `synth: ${result.manifests.length} objects → ${result.dir} in ${Date.now() - started} ms ` +
        `(load ${t.load}, build ${t.build}, render ${t.render} [${result.renders.hits} cached, ${result.renders.misses} rendered], validate ${t.validate}, write ${t.write})`,
    );
    const cdk8sOut = process.env.CDK8S_OUTDIR;
    if (cdk8sOut) cpSync(result.dir, cdk8sOut, { recursive: true });
  });
}
