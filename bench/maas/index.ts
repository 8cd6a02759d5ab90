/**
 * bench/maas: provisions 1, 4 and 50 machines with the Machine provider against the MAAS simulator,
 * time scaled down (at two scales, see STRETCHES), all machines of a run in parallel.
 * Prints wall(N)/wall(1) and the HTTP requests per machine.
 *
 *   npm run bench:maas                 (BENCH_SIZES=1,4,50 by default)
 *
 * The simulator runs in a process of its own (simulator-process.ts), as MAAS runs on a machine of its
 * own: sharing one thread with the client would measure that thread, not the client's parallelism.
 * The network is the example site's; the machines take free addresses of its subnet.
 *
 * Goals: ≤ 1.1 at N = 4, ≤ 1.3 at N = 50 (parallel machines cost little more than one), and polling
 * that backs off (requests per machine stay flat as N grows).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { toRange } from '../../lib/site/checks';
import { parseSite } from '../../lib/site/load';
import type { SiteSpec } from '../../lib/site/schema';
import { formatIp, ip, isHostOf, parseCidr, rangeContains } from '../../lib/net/ipv4';
import { repoRoot } from '../../lib/upstream/locks';
import { MaasClient } from '../../stacks/maas/client';
import { MachineProvider, type MachineInputs } from '../../stacks/maas/machine-provider';
import {
  scaledDurations,
  type FromSimulator,
  type SimulatorStats,
  type ToSimulator,
} from './simulator-process';

const SIZES = (process.env.BENCH_SIZES ?? '1,4,50').split(',').map(Number);
const site = parseSite(readFileSync(join(repoRoot(), 'site.yaml'), 'utf8'), 'site.yaml');

function mac(i: number): string {
  const byte = (shift: number) => ((i >> shift) & 255).toString(16).padStart(2, '0');
  return `1c:69:7a:${byte(16)}:${byte(8)}:${byte(0)}`;
}

/** `n` host addresses of the site's subnet that no range, node, gateway or resolver uses. */
function freeAddresses(s: SiteSpec, n: number): string[] {
  const subnet = parseCidr(s.network.subnet)!;
  const ranges = [toRange(s.maas.dhcpRange), toRange(s.loadBalancer.pool)];
  const taken = new Set([s.network.gateway, ...s.network.dns, ...s.nodes.map((node) => node.ip)].map(ip));
  const free: string[] = [];
  for (let a = subnet.network + 1; free.length < n && isHostOf(subnet, a); a++) {
    if (!taken.has(a) && !ranges.some((r) => rangeContains(r, a))) free.push(formatIp(a));
  }
  if (free.length < n) throw new Error(`${s.network.subnet} has ${free.length} free addresses, not ${n}`);
  return free;
}

/** The simulator process, and a typed request/answer over IPC. */
async function startSimulator(
  stretch: number,
): Promise<{ child: ChildProcess; url: string; adminKey: string }> {
  const child = fork(join(__dirname, 'simulator-process.ts'), [], {
    execArgv: [
      '-r',
      'ts-node/register/transpile-only',
      ...(process.env.BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_PROFILE] : []),
    ],
    env: {
      ...process.env,
      BENCH_SUBNET: site.network.subnet,
      BENCH_GATEWAY: site.network.gateway,
      BENCH_STRETCH: String(stretch),
    },
  });
  const ready = await new Promise<FromSimulator>((resolve, reject) => {
    child.once('message', (m) => resolve(m as FromSimulator));
    child.once('exit', (code) => reject(new Error(`the simulator exited with ${code}`)));
  });
  if (ready.type !== 'ready') throw new Error(`the simulator said ${ready.type}, not ready`);
  return { child, url: ready.url, adminKey: ready.adminKey };
}

function stats(child: ChildProcess): Promise<SimulatorStats> {
  return new Promise((resolve) => {
    child.once('message', (m) => resolve(m as SimulatorStats));
    child.send({ type: 'stats' } satisfies ToSimulator);
  });
}

async function provision(n: number, stretch: number): Promise<{ wallMs: number; requests: number }> {
  const sim = await startSimulator(stretch);
  try {
    const admin = new MaasClient({ url: sim.url, apiKey: sim.adminKey });
    await admin.createTag({ name: 'worker' });
    const before = (await stats(sim.child)).requests;
    const provider = new MachineProvider(() => undefined);
    const addresses = freeAddresses(site, n);
    const inputs = (i: number): MachineInputs => ({
      maasUrl: sim.url,
      apiKey: sim.adminKey,
      hostname: `node${i}`,
      macs: [mac(i)],
      architecture: 'amd64/generic',
      powerType: 'manual',
      powerParameters: {},
      distro: site.maas.distro,
      userData: '#cloud-config\n',
      tags: ['worker'],
      staticIp: { cidr: site.network.subnet, ip: addresses[i] },
      storage: { disk: site.nodes[0].lvm.disk, rootSizeGiB: 64, volumeGroup: site.volumeGroup },
      commissionTimeoutMinutes: 1,
      deployTimeoutMinutes: 1,
      erase: false,
      keep: false,
      maxInFlight: Number(process.env.BENCH_IN_FLIGHT ?? 8),
      pollMs: { min: 25, max: 200 },
    });
    const started = process.hrtime.bigint();
    await Promise.all(Array.from({ length: n }, (_, i) => provider.create(inputs(i))));
    const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
    const after = await stats(sim.child);
    if (after.deployed !== n) throw new Error(`${after.deployed} of ${n} machines deployed`);
    return { wallMs, requests: after.requests - before };
  } finally {
    sim.child.send({ type: 'stop' } satisfies ToSimulator);
  }
}

/**
 * Two time scales, side by side. Real commissioning and deployment take minutes and a MAAS request
 * tens of milliseconds; scaled to 300 + 100 + 400 ms (stretch 1), the client's own CPU per request
 * (about 1 ms) weighs some 25 times more against machine time than it does in reality. Stretch 5
 * (1.5 s + 0.5 s + 2 s) is still harsher than reality, and shows what parallelism costs there.
 */
const STRETCHES = (process.env.BENCH_STRETCHES ?? '1,5').split(',').map(Number);

async function main(): Promise<void> {
  for (const stretch of STRETCHES) {
    const results = new Map<number, { wallMs: number; requests: number }>();
    for (const n of SIZES) results.set(n, await provision(n, stretch));
    const one = results.get(1)?.wallMs;
    if (one === undefined) throw new Error('BENCH_SIZES must include 1, the baseline');
    console.log(`stretch ${stretch}: ${JSON.stringify(scaledDurations(stretch))}`);
    for (const [n, r] of results) {
      console.log(
        `  N=${String(n).padStart(2)}  wall ${r.wallMs.toFixed(0).padStart(5)} ms  wall(N)/wall(1) ${(r.wallMs / one).toFixed(2)}  requests/machine ${(r.requests / n).toFixed(1)}`,
      );
    }
    const ratio = (n: number) => (results.get(n)?.wallMs ?? NaN) / one;
    console.log(
      `  goal N=4 ≤ 1.1: ${ratio(4) <= 1.1 ? 'met' : 'NOT met'}; goal N=50 ≤ 1.3: ${ratio(50) <= 1.3 ? 'met' : 'NOT met'}`,
    );
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
