/**
 * The MAAS simulator in a process of its own, for bench/maas: real MAAS runs on another machine, so the
 * bench must not make the client and the simulator share one JavaScript thread. The parent (index.ts)
 * forks this file and talks to it over IPC: `ready` with the URL and key, then `stats` on request.
 */
import { MaasSimulator } from '../../test/support/maas/simulator';

export interface SimulatorStats {
  readonly requests: number;
  readonly deployed: number;
  /** The simulator process's CPU so far, ms. */
  readonly cpuMs: number;
}

export type ToSimulator = { readonly type: 'stats' } | { readonly type: 'stop' };
export type FromSimulator =
  | { readonly type: 'ready'; readonly url: string; readonly adminKey: string }
  | ({ readonly type: 'stats' } & SimulatorStats);

/** Commissioning 300 ms, testing 100 ms, deploying 400 ms, each times `stretch`. */
export function scaledDurations(stretch: number) {
  const ms = (base: number) => Math.round(base * stretch);
  return { commissioning: ms(300), testing: ms(100), deploying: ms(400), releasing: ms(50), erasing: ms(50) };
}

async function main(): Promise<void> {
  const sim = await new MaasSimulator({
    durations: scaledDurations(Number(process.env.BENCH_STRETCH ?? '1')),
    subnet: process.env.BENCH_SUBNET,
    gateway: process.env.BENCH_GATEWAY,
  }).start();
  const send = (message: FromSimulator) => process.send?.(message);
  process.on('message', (message: ToSimulator) => {
    if (message.type === 'stats') {
      const deployed = sim.listMachines().filter((m) => m.status_name === 'Deployed').length;
      const cpu = process.cpuUsage();
      send({ type: 'stats', requests: sim.log.length, deployed, cpuMs: (cpu.user + cpu.system) / 1000 });
    } else {
      void sim.stop().then(() => process.exit(0));
    }
  });
  send({ type: 'ready', url: sim.url, adminKey: sim.adminKey });
}

if (require.main === module) void main();
