/**
 * bench/maas/engine: the maas layer's lifecycle under the real Pulumi engine against the simulator,
 * for 4 and 50 machines: wall times of preview, up, a no-op up and destroy, as a user waits for them.
 * Needs the CLI built by scripts/pulumi-engine.sh. The simulator runs in this process (the engine,
 * the program and the dynamic-provider host are processes of their own).
 *
 *   npm run bench:maas:engine          (BENCH_ENGINE_SIZES=4,50 by default)
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { engineBin, failureOf, PulumiStack, type Run } from '../../test/support/engine/pulumi';
import { fleetSiteInput, FLEET_NETWORK } from '../../test/support/maas/fleet';
import { MaasSimulator } from '../../test/support/maas/simulator';
import { ROOT } from '../../test/support/site';

const SIZES = (process.env.BENCH_ENGINE_SIZES ?? '4,50').split(',').map(Number);

async function lifecycle(n: number): Promise<Record<string, number>> {
  const { bin, reason } = engineBin();
  if (!bin) throw new Error(reason);
  const sim = await new MaasSimulator({
    subnet: FLEET_NETWORK.subnet,
    gateway: FLEET_NETWORK.gateway,
    durations: { commissioning: 100, testing: 20, deploying: 150, releasing: 30, erasing: 30 },
  }).start();
  const name = `bench-engine-${n}`;
  const stack = new PulumiStack(bin, name);
  try {
    const site = fleetSiteInput(n, name) as unknown as { nodes: { hostname: string }[] };
    const siteFile = join(stack.dir, 'site.yaml');
    writeFileSync(siteFile, stringify(site));
    await stack.init(
      {
        'ouchi:site': siteFile,
        'ouchi:layers[0]': 'maas',
        'ouchi:maasUrl': sim.url,
        'ouchi:maasPollMs.min': '10',
        'ouchi:maasPollMs.max': '50',
      },
      {
        'ouchi:maasApiKey': sim.adminKey,
        ...Object.fromEntries(site.nodes.map((node) => [`ouchi:powerPasswords.${node.hostname}`, 'pw'])),
      },
    );
    const times: Record<string, number> = {};
    const step = async (label: string, run: () => Promise<Run>) => {
      const result = await run();
      if (result.code !== 0) throw new Error(`${label} failed:\n${failureOf(result)}`);
      times[label] = result.wallMs;
    };
    await step('preview', () => stack.preview());
    await step('up', () => stack.up());
    await step('no-op up', () => stack.up());
    await step('destroy', () => stack.destroy());
    return times;
  } finally {
    await sim.stop();
    stack.remove();
    rmSync(join(ROOT, 'inventory', name), { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  console.log('the maas layer under the real Pulumi engine, against the simulator (wall ms)');
  console.log('  machines  preview       up  no-op up  destroy');
  for (const n of SIZES) {
    const t = await lifecycle(n);
    console.log(
      `  ${String(n).padStart(8)}  ${t.preview.toFixed(0).padStart(7)}  ${t.up.toFixed(0).padStart(7)}  ${t['no-op up'].toFixed(0).padStart(8)}  ${t.destroy.toFixed(0).padStart(7)}`,
    );
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
