// Event ingest for the webhook: each event is acknowledged only once the group-committed
// transaction holding it is durable.
import type { Store, VonageEvent } from './db/store';
import type { Logger } from './log';

export class Ingestor {
  constructor(
    private readonly store: Store,
    private readonly log: Logger,
  ) {}

  async submit(event: VonageEvent): Promise<void> {
    try {
      await this.store.write((trx, notify) => this.store.ingestEvent(trx, notify, event));
    } catch (error) {
      this.log.error('event not stored', { error, uuid: event.body.uuid });
      throw error;
    }
  }

  /** Resolves once everything submitted so far is durable (or failed). */
  flush(): Promise<void> {
    return this.store.flushWrites();
  }
}
