/**
 * Reading `pulumi stack output --json`, for the commands that turn a stack's outputs into files in the
 * repository (cert:fetch, images:lock): from the Pulumi CLI, or from a saved copy (`--from-file`).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { stringFlag, type ParsedArgs } from './args';

/** The stack's outputs as text: `--from-file`, or `pulumi stack output --json --stack <--stack|site>`. */
export function stackOutputText(args: ParsedArgs, siteName: string): string {
  const fromFile = stringFlag(args, 'from-file');
  if (fromFile !== undefined) return readFileSync(fromFile, 'utf8');
  return execFileSync(
    'pulumi',
    ['stack', 'output', '--json', '--stack', stringFlag(args, 'stack') ?? siteName],
    {
      encoding: 'utf8',
    },
  );
}

/** The output of one layer, parsed; the message says which `pulumi up` produces it. */
export function layerOutput(json: string, layer: string, key: string): unknown {
  let output: { layers?: Record<string, Record<string, unknown> | undefined> };
  try {
    output = JSON.parse(json) as typeof output;
  } catch (e) {
    throw new Error(`the stack output is not JSON (${(e as Error).message})`);
  }
  const value = output.layers?.[layer]?.[key];
  if (value === undefined) {
    throw new Error(
      `the stack output has no layers.${layer}.${key}: run \`pulumi up\` with the ${layer} layer first`,
    );
  }
  return value;
}
