/** `npm run validate -- [--site <file>]`: validates an existing dist/<site>/ without synthesizing. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { synthChecks } from '../charts/synth';
import { readImageLock } from '../lib/images/lock';
import { loadSite } from '../lib/site/load';
import { repoRoot } from '../lib/upstream/locks';
import { createValidator, readTree } from '../lib/validate';
import { withAppliedCrds } from '../lib/validate/sources';
import { formatFinding } from '../lib/validate/validator';
import { checkFlags, parseArgs, runMain, stringFlag } from './args';

export interface ValidateOptions {
  /** Where images.lock/ lives. @default the repository */
  readonly root?: string;
  /** Parent of the site folder. @default <root>/dist */
  readonly distDir?: string;
}

/** Validates dist/<site>/; throws with every problem, or returns the line to print. */
export async function validateCommand(
  argv: readonly string[],
  options: ValidateOptions = {},
): Promise<string> {
  const args = parseArgs(argv);
  checkFlags(args, ['site']);
  const site = loadSite(stringFlag(args, 'site') ?? 'site.yaml');
  const root = options.root ?? repoRoot();
  const dir = join(options.distDir ?? join(root, 'dist'), site.name);
  if (!existsSync(dir)) throw new Error(`${dir} does not exist; run npm run synth first`);
  const manifests = readTree(dir);
  const { validator, schemas } = await createValidator();
  const problems = [
    ...validator.withSchemas(withAppliedCrds(schemas, manifests)).validate(manifests).map(formatFinding),
    ...synthChecks(manifests, schemas, { site, imageLock: readImageLock(root, site.name) }),
  ];
  if (problems.length > 0) {
    throw new Error(
      `${problems.length} problem(s) in ${dir}:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
  }
  return `validate: ${manifests.length} objects in ${dir} are valid`;
}

if (require.main === module) {
  runMain('validate', async () => console.log(await validateCommand(process.argv.slice(2))));
}
