/** `npm run validate -- [--site <file>]`: validates an existing dist/<site>/ without synthesizing. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { synthChecks } from '../charts/synth';
import { readImageLock } from '../lib/images/lock';
import { loadSite } from '../lib/site/load';
import { repoRoot } from '../lib/upstream/locks';
import { createValidator, readTree } from '../lib/validate';
import { formatFinding } from '../lib/validate/validator';
import { checkFlags, parseArgs, runMain, stringFlag } from './args';

runMain('validate', async () => {
  const args = parseArgs(process.argv.slice(2));
  checkFlags(args, ['site']);
  const site = loadSite(stringFlag(args, 'site') ?? 'site.yaml');
  const dir = join(repoRoot(), 'dist', site.name);
  if (!existsSync(dir)) throw new Error(`${dir} does not exist; run npm run synth first`);
  const manifests = readTree(dir);
  const { validator, schemas } = await createValidator();
  const problems = [
    ...validator.validate(manifests).map(formatFinding),
    ...synthChecks(manifests, schemas, { site, imageLock: readImageLock(repoRoot(), site.name) }),
  ];
  if (problems.length > 0) {
    throw new Error(
      `${problems.length} problem(s) in ${dir}:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
  }
  console.log(`validate: ${manifests.length} objects in ${dir} are valid`);
});
