/** A started simulator and a client for it, with time scaled down for tests. */
import { MaasClient, type MaasClientOptions } from '../../../stacks/maas/client';
import type { MachineInputs } from '../../../stacks/maas/machine-provider';
import { MaasSimulator, type SimulatorOptions } from './simulator';

export async function startSimulator(options: SimulatorOptions = {}): Promise<MaasSimulator> {
  return new MaasSimulator(options).start();
}

export function clientFor(sim: MaasSimulator, options: Partial<MaasClientOptions> = {}): MaasClient {
  return new MaasClient({
    url: sim.url,
    apiKey: sim.adminKey,
    retry: { retries: 5, baseDelayMs: 5, maxDelayMs: 50, retryAfterMs: 2 },
    timeoutMs: 2000,
    ...options,
  });
}

export const FAST_WAIT = { minPollMs: 5, maxPollMs: 20, timeoutMs: 5000 } as const;

/** One worker's Machine inputs against the simulator, manual power, fast waits; tests override what they test. */
export function machineInputs(sim: MaasSimulator, over: Partial<MachineInputs> = {}): MachineInputs {
  return {
    maasUrl: sim.url,
    apiKey: sim.adminKey,
    hostname: 'nuc2',
    macs: ['1c:69:7a:0a:10:12'],
    architecture: 'amd64/generic',
    powerType: 'manual',
    powerParameters: {},
    distro: 'noble',
    tags: ['worker'],
    staticIp: { cidr: '192.168.10.0/24', ip: '192.168.10.12' },
    storage: { disk: '/dev/nvme0n1', rootSizeGiB: 64, volumeGroup: 'ouchi-vg' },
    commissionTimeoutMinutes: 1,
    deployTimeoutMinutes: 1,
    erase: false,
    keep: false,
    maxInFlight: 4,
    pollMs: { min: 5, max: 20 },
    ...over,
  };
}
