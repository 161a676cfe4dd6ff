// Group commit: writers that arrive together share one durable transaction (one fsync); each is
// resolved only after the transaction holding its write has committed. Urgent writers (a webhook
// Vonage waits on) skip the queue: the next transaction is theirs alone, however many bulk writes
// (call records of the signalling relay) are waiting.
import type { Transaction } from 'kysely';
import type { Database } from './schema';

export type WriteJob<T> = (trx: Transaction<Database>, notify: Set<string>) => Promise<T>;
type Runner = <T>(fn: WriteJob<T>) => Promise<T>;

interface Pending {
  job: WriteJob<unknown>;
  /** Resolve only once fsynced (else as soon as committed and visible). */
  durable: boolean;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export class GroupCommit {
  private queue: Pending[] = [];
  private urgent: Pending[] = [];
  private running: Promise<void> | undefined;

  constructor(
    /** Runs one transaction; commits without waiting for durability. */
    private readonly runTransaction: Runner,
    /** Makes everything committed so far durable. */
    private readonly sync: () => Promise<void>,
    private readonly maxBatch = 500,
  ) {}

  write<T>(job: WriteJob<T>, opts: { durable?: boolean; urgent?: boolean } = {}): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      (opts.urgent ? this.urgent : this.queue).push({
        job,
        durable: opts.durable !== false,
        resolve: resolve as (value: unknown) => void,
        reject,
      });
      this.running ??= this.drain();
    });
  }

  private readonly syncing = new Set<Promise<void>>();

  /** Resolves once everything queued so far is durable (or failed). */
  async flush(): Promise<void> {
    while (this.running || this.syncing.size) {
      await this.running;
      await Promise.all([...this.syncing]);
    }
  }

  /** Settles a committed batch once it is durable; the next batch runs meanwhile. */
  private settle(batch: Pending[], results: unknown[]): void {
    batch.forEach((p, i) => {
      if (!p.durable) p.resolve(results[i]);
    });
    if (!batch.some((p) => p.durable)) return; // nobody waits for the fsync: the next one covers it
    const synced = this.sync().then(
      () => batch.forEach((p, i) => p.durable && p.resolve(results[i])),
      (error: unknown) => batch.forEach((p) => p.durable && p.reject(error)),
    );
    this.syncing.add(synced);
    void synced.finally(() => this.syncing.delete(synced));
  }

  private async drain(): Promise<void> {
    // Let writers arriving in the same tick join the first batch.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.urgent.length || this.queue.length) {
      const batch = (this.urgent.length ? this.urgent : this.queue).splice(0, this.maxBatch);
      let results: unknown[] | undefined;
      try {
        results = await this.runTransaction(async (trx, notify) => {
          const out: unknown[] = [];
          for (const p of batch) out.push(await p.job(trx, notify));
          return out;
        });
      } catch {
        // The batch rolled back. One bad write must not fail its neighbours: redo them one by one.
        for (const p of batch) {
          try {
            this.settle([p], [await this.runTransaction(p.job)]);
          } catch (single) {
            p.reject(single);
          }
        }
        continue;
      }
      this.settle(batch, results);
    }
    this.running = undefined;
  }
}
