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

export class TagBatcher {
  /** Per tag, the adds not yet sent. A tag is here while its flush is scheduled or sending. */
  private readonly queues = new Map<string, Pending[]>();
  /** update_nodes requests sent (for tests and the bench). */
  requests = 0;

  constructor(private readonly options: TagBatcherOptions) {}

  /** Adds `tag` to the machine, in one request with every other machine tagged meanwhile. */
  add(tag: string, systemId: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const queued = this.queues.get(tag);
      if (queued !== undefined) {
        queued.push({ systemId, resolve, reject });
        return;
      }
      const pending: Pending[] = [{ systemId, resolve, reject }];
      this.queues.set(tag, pending);
      setImmediate(() => void this.flush(tag, pending));
    });
  }

  private async flush(tag: string, pending: Pending[]): Promise<void> {
    while (pending.length > 0) {
      const batch = pending.splice(0, this.options.maxIds ?? 100);
      await this.send(tag, batch);
    }
    // Nothing can have queued since the loop's last check: an add arriving now starts a new queue.
    this.queues.delete(tag);
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
