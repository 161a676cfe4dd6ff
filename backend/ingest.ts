// Group commit for webhook events: many requests share one durable transaction; each is acknowledged
// only after the transaction holding it has committed.
import type { Logger } from './log';
import type { Store, VonageEvent } from './db/store';

interface Pending {
  event: VonageEvent;
  resolve: () => void;
  reject: (error: Error) => void;
}

export class Ingestor {
  private queue: Pending[] = [];
  private running: Promise<void> | undefined;

  constructor(
    private readonly store: Store,
    private readonly log: Logger,
    private readonly maxBatch = 1000,
  ) {}

  submit(event: VonageEvent): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ event, resolve, reject });
      this.running ??= this.drain();
    });
  }

  /** Resolves once everything submitted so far is durable (or failed). */
  async flush(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    // Let requests arriving in the same tick join the first batch.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.queue.length) {
      const batch = this.queue.splice(0, this.maxBatch);
      try {
        await this.store.ingestEvents(batch.map((p) => p.event));
        for (const p of batch) p.resolve();
      } catch (error) {
        this.log.error('event batch failed', { error, size: batch.length });
        // One bad event must not fail its neighbours: retry them one by one.
        for (const p of batch) {
          try {
            await this.store.ingestEvents([p.event]);
            p.resolve();
          } catch (single) {
            p.reject(single as Error);
          }
        }
      }
    }
    this.running = undefined;
  }
}
