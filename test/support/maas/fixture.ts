/** A started simulator and a client for it, with time scaled down for tests. */
import { MaasClient, type MaasClientOptions } from '../../../stacks/maas/client';
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
