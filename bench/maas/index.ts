/**
 * bench/maas: provisions 1, 4 and 50 machines with the Machine provider against the MAAS simulator,
 * time scaled down (commissioning 300 ms, deployment 400 ms), all machines of a run in parallel.
 * Prints wall(N)/wall(1) and the HTTP requests per machine.
 *
 *   npm run bench:maas
 *
 * Goals: ≤ 1.1 at N = 4, ≤ 1.3 at N = 50 (parallel machines cost little more than one), and polling
 * that backs off (requests per machine stay flat as N grows).
 */
import { MachineProvider, type MachineInputs } from '../../stacks/maas/machine-provider';
import { MaasClient } from '../../stacks/maas/client';
import { MaasSimulator } from '../../test/support/maas/simulator';

const SIZES = [1, 4, 50];

function mac(i: number): string {
  return `1c:69:7a:${((i >> 16) & 255).toString(16).padStart(2, '0')}:${((i >> 8) & 255).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`;
}

async function provision(n: number): Promise<{ wallMs: number; requests: number }> {
  const sim = await new MaasSimulator({
    durations: { commissioning: 300, testing: 100, deploying: 400, releasing: 50, erasing: 50 },
    subnet: '10.20.0.0/16',
    gateway: '10.20.0.1',
  }).start();
  try {
    const admin = new MaasClient({ url: sim.url, apiKey: sim.adminKey });
    await admin.createTag({ name: 'worker' });
    const before = sim.log.length;
    const provider = new MachineProvider(() => undefined);
    const inputs = (i: number): MachineInputs => ({
      maasUrl: sim.url,
      apiKey: sim.adminKey,
      hostname: `node${i}`,
      macs: [mac(i)],
      architecture: 'amd64/generic',
      powerType: 'manual',
      powerParameters: {},
      distro: 'noble',
      userData: '#cloud-config\n',
      tags: ['worker'],
      staticIp: { cidr: '10.20.0.0/16', ip: `10.20.${Math.floor((i + 10) / 250)}.${((i + 10) % 250) + 1}` },
      storage: { disk: '/dev/nvme0n1', rootSizeGiB: 64 },
      commissionTimeoutMinutes: 1,
      deployTimeoutMinutes: 1,
      erase: false,
      keep: false,
      maxInFlight: 8,
      pollMs: { min: 25, max: 200 },
    });
    const started = process.hrtime.bigint();
    await Promise.all(Array.from({ length: n }, (_, i) => provider.create(inputs(i))));
    const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
    const deployed = sim.listMachines().filter((m) => m.status_name === 'Deployed').length;
    if (deployed !== n) throw new Error(`${deployed} of ${n} machines deployed`);
    return { wallMs, requests: sim.log.length - before };
  } finally {
    await sim.stop();
  }
}

async function main(): Promise<void> {
  const results = new Map<number, { wallMs: number; requests: number }>();
  for (const n of SIZES) results.set(n, await provision(n));
  const one = results.get(1)!.wallMs;
  for (const [n, r] of results) {
    console.log(
      `N=${String(n).padStart(2)}  wall ${r.wallMs.toFixed(0).padStart(5)} ms  wall(N)/wall(1) ${(r.wallMs / one).toFixed(2)}  requests/machine ${(r.requests / n).toFixed(1)}`,
    );
  }
  const ratio = (n: number) => results.get(n)!.wallMs / one;
  console.log(
    `goal N=4 ≤ 1.1: ${ratio(4) <= 1.1 ? 'met' : 'NOT met'}; goal N=50 ≤ 1.3: ${ratio(50) <= 1.3 ? 'met' : 'NOT met'}`,
  );
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
