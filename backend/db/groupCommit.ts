// Group commit: writers that arrive together share one durable transaction (one fsync); each is
// resolved only after the transaction holding its write has committed. Urgent writers (a webhook
// Vonage waits on) skip the queue: the next transaction is theirs alone, however many bulk writes
// (call records of the signalling relay) are waiting. A transaction runs on the event loop without
// yielding (better-sqlite3 is synchronous), so each takes jobs for one time slice at most and the
// loop yields to I/O between transactions: an urgent write arriving meanwhile waits one slice, not
// the whole queue. Bulk writes wait a few milliseconds for company (`lingerMs`): at a few hundred
// call-record writes a second each would otherwise commit alone, and a commit costs more than most
// writes; an urgent write cuts the wait short and never waits itself.
import { setImmediate as yieldToIo } from 'node:timers/promises';
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
  /** When it was queued (by `now`). */
  at: number;
}

export interface GroupCommitOptions {
  /** At most this many writes in one transaction. */
  maxBatch?: number;
  /**
   * A transaction takes no further writes once its writes have run this long (the first one always
   * runs): the event loop is blocked for about this long plus the commit.
   */
  sliceMs?: number;
  /**
   * Bulk writes wait up to this long for others to share their transaction (0: one turn of the
   * event loop). Urgent writes never wait.
   */
  lingerMs?: number;
  /** The clock the slice is measured with (tests). */
  now?: () => number;
}

export class GroupCommit {
  private readonly queue: Pending[] = [];
  private readonly urgent: Pending[] = [];
  private running: Promise<void> | undefined;
  private readonly maxBatch: number;
  private readonly sliceMs: number;
  private readonly lingerMs: number;
  private readonly now: () => number;
  /** Ends the bulk writes' wait for company early (an urgent write arrived). */
  private endLinger: (() => void) | undefined;

  constructor(
    /** Runs one transaction; commits without waiting for durability. */
    private readonly runTransaction: Runner,
    /** Makes everything committed so far durable. */
    private readonly sync: () => Promise<void>,
    opts: GroupCommitOptions = {},
  ) {
    this.maxBatch = opts.maxBatch ?? 500;
    this.sliceMs = opts.sliceMs ?? 3;
    this.lingerMs = opts.lingerMs ?? 0;
    this.now = opts.now ?? (() => performance.now());
  }

  write<T>(job: WriteJob<T>, opts: { durable?: boolean; urgent?: boolean } = {}): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      (opts.urgent ? this.urgent : this.queue).push({
        job,
        durable: opts.durable !== false,
        resolve: resolve as (value: unknown) => void,
        reject,
        at: this.now(),
      });
      if (opts.urgent) this.endLinger?.();
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

  /** Whether the batch being built takes `source`'s next write. */
  private takesMore(source: Pending[], batch: Pending[], started: number): boolean {
    if (source.length === 0 || batch.length >= this.maxBatch) return false;
    if (batch.length === 0) return true;
    // An urgent write that arrived meanwhile goes next, in a transaction of its own.
    if (source !== this.urgent && this.urgent.length) return false;
    return this.now() - started < this.sliceMs;
  }

  /**
   * Before a transaction: an urgent write goes at once; bulk writes let the loop take I/O (writers
   * arriving meanwhile join them), then wait until the oldest has waited `lingerMs`, unless a batch
   * is full or an urgent write arrives.
   */
  private async gather(): Promise<void> {
    if (this.urgent.length) return;
    await yieldToIo();
    const oldest = this.queue[0];
    if (!oldest || this.urgent.length || this.queue.length >= this.maxBatch) return;
    const wait = oldest.at + this.lingerMs - this.now();
    if (wait <= 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.endLinger?.(), wait);
      this.endLinger = () => {
        clearTimeout(timer);
        this.endLinger = undefined;
        resolve();
      };
    });
  }

  private async drain(): Promise<void> {
    await this.gather();
    while (this.urgent.length || this.queue.length) {
      const source = this.urgent.length ? this.urgent : this.queue;
      const batch: Pending[] = [];
      let results: unknown[] | undefined;
      try {
        results = await this.runTransaction(async (trx, notify) => {
          const out: unknown[] = [];
          const started = this.now();
          while (this.takesMore(source, batch, started)) {
            const p = source.shift()!;
            batch.push(p);
            out.push(await p.job(trx, notify));
          }
          return out;
        });
      } catch {
        // The batch rolled back. One bad write must not fail its neighbours: redo them one by one
        // (at least the first queued one, if the transaction failed before taking any).
        if (batch.length === 0) batch.push(source.shift()!);
        for (const p of batch) {
          try {
            this.settle([p], [await this.runTransaction(p.job)]);
          } catch (single) {
            p.reject(single);
          }
        }
        await yieldToIo();
        continue;
      }
      this.settle(batch, results);
      // Requests that arrived meanwhile (an urgent webhook) get in before the next transaction.
      await this.gather();
    }
    this.running = undefined;
  }
}
