/**
 * One run of bench/program in a process of its own (Pulumi's mocks and its provider cache are
 * per process): the maas and images layers of a fleet site of N nodes and M images, under mocks that
 * answer at once. Prints `{ resources, ms }` as JSON: the time from the first resource to the last
 * registration answered and the stack's outputs resolved.
 *
 * The program runs as the engine runs it (Pulumi.yaml, stacks/main.js): compiled, from build/, after
 * the stack-trace formatter @pulumi/pulumi's program runner installs (source-map-support) and what
 * stacks/main.js does about it when the runner loads it (bench/program/swc-register.js compiles this
 * file without a formatter of its own). The runtime formats a stack for every resource output it
 * creates, so which formatter runs is a good part of what the program costs.
 */
import { createRequire } from 'node:module';
createRequire(require.resolve('@pulumi/pulumi'))('source-map-support/register');
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the program's entry, loaded as the runner loads it (not run)
require('../../stacks/main.js');

import * as pulumi from '@pulumi/pulumi';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { parseSite } from '../../lib/site/load';
import { bothPlatformsPushed, dockerBuildState } from '../../test/support/pulumi';
import { fleetSiteInput } from '../../test/support/maas/fleet';
import { ROOT } from '../../test/support/site';

const [nodes, images] = process.argv.slice(2, 4).map(Number);
/** `shared` (one provider shared by every MAAS resource, what ouchi does) or `per-resource` (a new one for each). */
const mode = process.argv[4] ?? 'shared';
let resources = 0;
pulumi.runtime.setMocks(
  {
    newResource: (args) => {
      resources++;
      const extra =
        args.inputs.hostname === undefined ? {} : { systemId: `id-${args.name}`, fqdn: `${args.name}.maas` };
      return {
        id: `${args.name}-id`,
        state: { ...args.inputs, ...extra, ...dockerBuildState(args.type, args.inputs) },
      };
    },
    call: (args) => bothPlatformsPushed(args.token, args.inputs),
  },
  'ouchi',
  'bench',
  // A preview: the images layer writes its lock only after a real update.
  true,
);
const passwords = Object.fromEntries(Array.from({ length: nodes }, (_, i) => [`node${i + 1}`, `pw${i + 1}`]));
pulumi.runtime.setAllConfig(
  {
    'ouchi:maasApiKey': 'ck:tk:ts',
    'ouchi:powerPasswords': JSON.stringify(passwords),
    'ouchi:registryUsername': 'bench',
    'ouchi:registryPassword': 'x',
  },
  ['ouchi:maasApiKey', 'ouchi:powerPasswords', 'ouchi:registryPassword'],
);

async function main(): Promise<void> {
  /* eslint-disable @typescript-eslint/no-require-imports -- modules that create resources load after the mocks, compiled */
  const { layerPrograms } = require('../../build/stacks/layers') as typeof import('../../stacks/layers');
  const { PROVIDERS, newMaasProvider } =
    require('../../build/stacks/maas/resources') as typeof import('../../stacks/maas/resources');
  if (mode === 'per-resource') {
    Object.defineProperty(PROVIDERS, 'maas', { get: newMaasProvider });
  }
  require('../../build/stacks/maas');
  require('../../build/stacks/images');
  const { parseLayers } = require('../../build/stacks/config') as typeof import('../../stacks/config');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const input = fleetSiteInput(nodes, `bench-${nodes}`) as unknown as {
    images: { build: unknown[] };
    apps: string[];
  };
  input.images.build = Array.from({ length: images }, (_, i) => ({
    name: `image${i + 1}`,
    context: 'images/hello',
    platforms: ['linux/amd64', 'linux/arm64'],
  }));
  input.apps = [];
  const site = parseSite(stringify(input), 'bench.yaml');
  const root = mkdtempSync(join(tmpdir(), 'ouchi-bench-program-'));
  cpSync(join(ROOT, 'images'), join(root, 'images'), { recursive: true });
  const context = {
    config: new pulumi.Config('ouchi'),
    site,
    siteFile: 'bench.yaml',
    layers: parseLayers(['maas', 'images']),
    root,
  };
  const started = process.hrtime.bigint();
  const outputs = [layerPrograms.maas!(context), layerPrograms.images!(context)];
  await new Promise<void>((resolve) =>
    pulumi.all(outputs.map((o) => pulumi.output(o))).apply(() => resolve()),
  );
  // Registrations still in flight answer before the process would exit.
  await new Promise((resolve) => setImmediate(resolve));
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  rmSync(root, { recursive: true, force: true });
  process.stdout.write(`${JSON.stringify({ resources, ms })}\n`);
}

void main();
