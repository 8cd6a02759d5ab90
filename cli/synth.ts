/**
 * `npm run synth -- [--site <file>]`: synthesizes and validates the site into dist/<site>/.
 * Also the cdk8s app (`cdk8s synth`): then CDK8S_OUTDIR gets a copy of the tree for the CLI to list.
 */
import { cpSync } from 'node:fs';
import { synthesize } from '../charts/synth';
import { checkFlags, parseArgs, runMain, stringFlag } from './args';

runMain('synth', async () => {
  const args = parseArgs(process.argv.slice(2));
  checkFlags(args, ['site']);
  const siteFile = stringFlag(args, 'site') ?? 'site.yaml';
  const started = Date.now();
  const result = await synthesize({ siteFile });
  const t = result.timings;
  console.log(
    `synth: ${result.manifests.length} objects → ${result.dir} in ${Date.now() - started} ms ` +
      `(load ${t.load}, build ${t.build}, validate ${t.validate}, write ${t.write})`,
  );
  const cdk8sOut = process.env.CDK8S_OUTDIR;
  if (cdk8sOut) cpSync(result.dir, cdk8sOut, { recursive: true });
});
