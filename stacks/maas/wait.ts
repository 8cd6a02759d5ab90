/**
 * Waiting for a machine to reach a status, with polling that backs off (a fleet of machines must not
 * hammer MAAS). Failed* and Broken end the wait with MAAS's own status_message; so does a status
 * outside the expected ones, or the timeout.
 */
import type { MaasClient } from './client';
import { FAILED_STATUSES, MachineStatus, STATUS_NAMES, type Machine } from './types';

export class MachineStateError extends Error {
  constructor(
    readonly machine: Pick<Machine, 'system_id' | 'hostname' | 'status' | 'status_name' | 'status_message'>,
    reason: string,
  ) {
    const message =
      `machine ${machine.hostname} (${machine.system_id}) ${reason}` +
      (machine.status_message ? `: ${machine.status_message}` : '');
    super(message);
    // Serialized into a dynamic provider, `super(message)` becomes `Error.call(this, message)`, which
    // sets nothing on `this`: the message must be set by hand, or the engine shows an empty error.
    this.message = message;
    this.name = 'MachineStateError';
  }
}

export interface WaitOptions {
  /** Statuses that end the wait successfully. */
  readonly target: readonly MachineStatus[];
  /** Statuses that mean "still working". */
  readonly pending: readonly MachineStatus[];
  readonly timeoutMs: number;
  /** First poll delay, then ×1.5 up to maxPollMs. @default 2000 */
  readonly minPollMs?: number;
  /** @default 15000 */
  readonly maxPollMs?: number;
  /** Called when the status changes (Pulumi log messages). */
  readonly onProgress?: (machine: Machine, elapsedMs: number) => void;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

function names(statuses: readonly MachineStatus[]): string {
  return statuses.map((s) => STATUS_NAMES[s]).join(' or ');
}

export async function waitForStatus(
  client: MaasClient,
  systemId: string,
  options: WaitOptions,
): Promise<Machine> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = options.now ?? Date.now;
  const started = now();
  let delay = options.minPollMs ?? 2000;
  let last: MachineStatus | undefined;
  for (;;) {
    // Shared with every machine that polls within a fifth of this delay: one request a tick for a fleet.
    const machine = await client.pollMachine(systemId, Math.floor(delay / 5));
    if (machine.status !== last) {
      last = machine.status;
      options.onProgress?.(machine, now() - started);
    }
    if (options.target.includes(machine.status)) return machine;
    if (FAILED_STATUSES.includes(machine.status)) {
      throw new MachineStateError(machine, `is ${machine.status_name} (waited for ${names(options.target)})`);
    }
    if (!options.pending.includes(machine.status)) {
      throw new MachineStateError(
        machine,
        `went to ${machine.status_name} while waiting for ${names(options.target)}`,
      );
    }
    const elapsed = now() - started;
    if (elapsed >= options.timeoutMs) {
      throw new MachineStateError(
        machine,
        `is still ${machine.status_name} after ${Math.round(elapsed / 1000)} s (timeout ${Math.round(options.timeoutMs / 1000)} s waiting for ${names(options.target)})`,
      );
    }
    await sleep(Math.min(delay, options.timeoutMs - elapsed));
    delay = Math.min(options.maxPollMs ?? 15_000, Math.ceil(delay * 1.5));
  }
}
