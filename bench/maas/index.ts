/**
 * bench/maas: provisions 1, 4, 50 and 200 machines with the Machine provider against the MAAS
 * simulator, time scaled down (at two scales, see STRETCHES), all machines of a run in parallel.
 * Prints wall(N)/wall(1) and the HTTP requests per machine; first, the client's CPU per request with
 * its node:http keep-alive transport and with fetch, side by side.
 *
 *   npm run bench:maas                 (BENCH_SIZES=1,4,50,200 by default)
 *
 * The simulator runs in a process of its own (simulator-process.ts), as MAAS runs on a machine of its
 * own: sharing one thread with the client would measure that thread, not the client's parallelism.
 * The network is the fleet site's /22 (test/support/maas/fleet.ts): room for 200 machines and more.
 *
 * Goals: ≤ 1.1 at N = 4, ≤ 1.3 at N = 50 at both scales, ≤ 1.5 at N = 200 (parallel machines cost
 * little more than one), and polling that backs off (requests per machine stay flat as N grows).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { MaasClient } from '../../stacks/maas/client';
import { fetchTransport } from '../../stacks/maas/transport';
import { fleetAddresses, fleetMac, fleetSite, FLEET_NETWORK } from '../../test/support/maas/fleet';
import { MachineProvider, type MachineInputs } from '../../stacks/maas/machine-provider';
import {
  scaledDurations,
  type FromSimulator,
  type SimulatorStats,
  type ToSimulator,
} from './simulator-process';

const SIZES = (process.env.BENCH_SIZES ?? '1,4,50,200').split(',').map(Number);
const site = fleetSite(Math.max(...SIZES), 'bench');

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
      BENCH_SUBNET: FLEET_NETWORK.subnet,
      BENCH_GATEWAY: FLEET_NETWORK.gateway,
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

interface Provisioned {
  readonly wallMs: number;
  readonly requests: number;
  /** CPU of the client (this process) and of the simulator during the run, ms. */
  readonly clientCpuMs: number;
  readonly simulatorCpuMs: number;
}

async function provision(n: number, stretch: number): Promise<Provisioned> {
  const sim = await startSimulator(stretch);
  try {
    const admin = new MaasClient({ url: sim.url, apiKey: sim.adminKey });
    await admin.createTag({ name: 'worker' });
    const before = await stats(sim.child);
    const provider = new MachineProvider(() => undefined);
    const addresses = fleetAddresses(n);
    const inputs = (i: number): MachineInputs => ({
      maasUrl: sim.url,
      apiKey: sim.adminKey,
      hostname: `node${i}`,
      macs: [fleetMac(i)],
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
    const cpu = process.cpuUsage();
    await Promise.all(Array.from({ length: n }, (_, i) => provider.create(inputs(i))));
    const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
    const used = process.cpuUsage(cpu);
    const after = await stats(sim.child);
    if (after.deployed !== n) throw new Error(`${after.deployed} of ${n} machines deployed`);
    return {
      wallMs,
      requests: after.requests - before.requests,
      clientCpuMs: (used.user + used.system) / 1000,
      simulatorCpuMs: after.cpuMs - before.cpuMs,
    };
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

/**
 * The client's own CPU per request, for a transport: `count` reads of one machine, 8 at a time,
 * against the simulator process (whose CPU is not counted).
 */
async function cpuPerRequest(transport: 'http' | 'fetch', count: number): Promise<number> {
  const sim = await startSimulator(1);
  try {
    const client = new MaasClient({
      url: sim.url,
      apiKey: sim.adminKey,
      ...(transport === 'fetch' ? { transport: fetchTransport(fetch) } : {}),
    });
    const created = await client.createMachine({
      hostname: 'cpu',
      macAddresses: [fleetMac(0)],
      powerType: 'manual',
      powerParameters: {},
      commission: false,
    });
    const read = async (k: number) => {
      for (let i = 0; i < k; i++) await client.getMachine(created.system_id);
    };
    await Promise.all(Array.from({ length: 8 }, () => read(25)));
    const before = process.cpuUsage();
    await Promise.all(Array.from({ length: 8 }, () => read(count / 8)));
    const used = process.cpuUsage(before);
    return (used.user + used.system) / 1000 / count;
  } finally {
    sim.child.send({ type: 'stop' } satisfies ToSimulator);
  }
}

async function main(): Promise<void> {
  const count = Number(process.env.BENCH_CPU_REQUESTS ?? 2000);
  const http = await cpuPerRequest('http', count);
  const viaFetch = await cpuPerRequest('fetch', count);
  console.log(
    `client CPU per request (${count} GETs, 8 in flight): node:http keep-alive ${http.toFixed(3)} ms, fetch ${viaFetch.toFixed(3)} ms, ratio ${(http / viaFetch).toFixed(2)} (goal ≤ 0.5)`,
  );
  for (const stretch of STRETCHES) {
    const results = new Map<number, Provisioned>();
    for (const n of SIZES) results.set(n, await provision(n, stretch));
    const one = results.get(1)?.wallMs;
    if (one === undefined) throw new Error('BENCH_SIZES must include 1, the baseline');
    console.log(`stretch ${stretch}: ${JSON.stringify(scaledDurations(stretch))}`);
    for (const [n, r] of results) {
      console.log(
        `  N=${String(n).padStart(3)}  wall ${r.wallMs.toFixed(0).padStart(5)} ms  wall(N)/wall(1) ${(r.wallMs / one).toFixed(2)}  requests/machine ${(r.requests / n).toFixed(1)}  CPU client ${r.clientCpuMs.toFixed(0)} ms, simulator ${r.simulatorCpuMs.toFixed(0)} ms`,
      );
    }
    const ratio = (n: number) => (results.get(n)?.wallMs ?? NaN) / one;
    const goal = (n: number, limit: number) =>
      results.has(n) ? `goal N=${n} ≤ ${limit}: ${ratio(n) <= limit ? 'met' : 'NOT met'}` : undefined;
    console.log(`  ${[goal(4, 1.1), goal(50, 1.3), goal(200, 1.5)].filter(Boolean).join('; ')}`);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
