/**
 * Coalesced status reads. Machines that wait at the same time share one `GET machines/?id=a&id=b…`
 * per poll instead of one `GET machines/<id>/` each, so a fleet of N machines costs MAAS about one
 * request a tick, not N. Each caller says how long it may wait for company (a fraction of its own
 * poll delay); the batch goes out at the earliest of those deadlines.
 */
import type { Machine } from './types';

interface Waiter {
  readonly resolve: (machine: Machine) => void;
  readonly reject: (error: unknown) => void;
}

export interface StatusBatcherOptions {
  /** Lists the machines with these system ids (`GET machines/?id=…`). */
  readonly list: (systemIds: string[]) => Promise<Machine[]>;
  /** Reads one machine (`GET machines/<id>/`): for an id the list did not return, so MAAS's own 404 reaches the caller. */
  readonly get: (systemId: string) => Promise<Machine>;
  /**
   * Ids per list request, so that the query string stays well below URL limits.
   * @default 100
   */
  readonly maxIds?: number;
}

export class StatusBatcher {
  private pending = new Map<string, Waiter[]>();
  private timer: NodeJS.Timeout | undefined;
  private deadline = Number.POSITIVE_INFINITY;
  /** List requests sent, and the machine reads they answered (for tests and the bench). */
  requests = 0;
  reads = 0;

  constructor(private readonly options: StatusBatcherOptions) {}

  /** The machine's current state, read together with every other caller within `toleranceMs`. */
  read(systemId: string, toleranceMs: number): Promise<Machine> {
    return new Promise<Machine>((resolve, reject) => {
      const waiters = this.pending.get(systemId) ?? [];
      waiters.push({ resolve, reject });
      this.pending.set(systemId, waiters);
      const due = Date.now() + Math.max(0, toleranceMs);
      if (due < this.deadline) {
        if (this.timer !== undefined) clearTimeout(this.timer);
        this.deadline = due;
        this.timer = setTimeout(() => void this.flush(), due - Date.now());
      }
    });
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = new Map();
    this.deadline = Number.POSITIVE_INFINITY;
    this.timer = undefined;
    const ids = [...batch.keys()];
    const maxIds = this.options.maxIds ?? 100;
    const chunks: string[][] = [];
    for (let i = 0; i < ids.length; i += maxIds) chunks.push(ids.slice(i, i + maxIds));
    await Promise.all(
      chunks.map(async (chunk) => {
        let found: Map<string, Machine>;
        try {
          this.requests++;
          found = new Map((await this.options.list(chunk)).map((m) => [m.system_id, m]));
        } catch (error) {
          for (const id of chunk) for (const w of batch.get(id) ?? []) w.reject(error);
          return;
        }
        for (const id of chunk) {
          const machine = found.get(id);
          const waiters = batch.get(id) ?? [];
          this.reads += waiters.length;
          if (machine !== undefined) {
            for (const w of waiters) w.resolve(machine);
          } else {
            // Gone (deleted meanwhile, or never there): let MAAS say so for this one.
            this.options.get(id).then(
              (m) => waiters.forEach((w) => w.resolve(m)),
              (e: unknown) => waiters.forEach((w) => w.reject(e)),
            );
          }
        }
      }),
    );
  }
}
