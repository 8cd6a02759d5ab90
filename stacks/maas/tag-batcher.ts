/**
 * Coalesced tagging. Machines that finish deploying together (one status poll answers them all, see
 * status-batcher.ts) each add their role tag: instead of one `POST tags/<name>/?op=update_nodes` per
 * machine, the adds of one tick go out as one request per tag, with every system id as a repeated
 * `add`. Adds that arrive while a tag's request is in flight go out in the next one. A lone machine
 * waits for nothing but the end of the current tick.
 *
 * update_nodes is idempotent (adding a tag twice changes nothing), so when a batch of several machines
 * fails, each is tried on its own: one machine MAAS refuses (deleted meanwhile) fails alone.
 */

interface Pending {
  readonly systemId: string;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

export interface TagBatcherOptions {
  /** Adds the tag to these machines (`POST tags/<name>/?op=update_nodes add=… add=…`). */
  readonly add: (tag: string, systemIds: string[]) => Promise<unknown>;
  /**
   * System ids per request, so that the form stays small.
   * @default 100
   */
  readonly maxIds?: number;
}

interface TagQueue {
  pending: Pending[];
  /** A flush is scheduled or a request is in flight: new adds wait for it. */
  busy: boolean;
}

export class TagBatcher {
  private readonly queues = new Map<string, TagQueue>();
  /** update_nodes requests sent (for tests and the bench). */
  requests = 0;

  constructor(private readonly options: TagBatcherOptions) {}

  /** Adds `tag` to the machine, in one request with every other machine tagged meanwhile. */
  add(tag: string, systemId: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let queue = this.queues.get(tag);
      if (queue === undefined) {
        queue = { pending: [], busy: false };
        this.queues.set(tag, queue);
      }
      queue.pending.push({ systemId, resolve, reject });
      if (!queue.busy) {
        queue.busy = true;
        const q = queue;
        setImmediate(() => void this.flush(tag, q));
      }
    });
  }

  private async flush(tag: string, queue: TagQueue): Promise<void> {
    while (queue.pending.length > 0) {
      const batch = queue.pending.splice(0, this.options.maxIds ?? 100);
      await this.send(tag, batch);
    }
    queue.busy = false;
    if (queue.pending.length === 0) this.queues.delete(tag);
  }

  private async send(tag: string, batch: Pending[]): Promise<void> {
    try {
      this.requests++;
      await this.options.add(
        tag,
        batch.map((p) => p.systemId),
      );
      for (const p of batch) p.resolve();
    } catch (error) {
      if (batch.length === 1) {
        batch[0].reject(error);
        return;
      }
      // One refused id fails the whole request: find out which, one request each.
      await Promise.all(batch.map((p) => this.send(tag, [p])));
    }
  }
}
