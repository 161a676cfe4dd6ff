// One instance's mailbox on PostgreSQL: LISTEN on its own channel, NOTIFY to another's; bodies too big
// for NOTIFY go through signal_messages and are deleted as they are read (at most once).
import pg from 'pg';
import { pgPoolConfig } from '../db/connect';
import type { Logger } from '../log';

/** NOTIFY refuses payloads of 8000 bytes or more: bigger messages travel through signal_messages. */
export const INLINE_LIMIT = 7000;
export const NOW_MS = '(extract(epoch from clock_timestamp()) * 1000)::bigint';

export const channelOf = (instance: string) => `c2c_sig_${instance}`;

export class PgChannel {
  private publisher: Promise<pg.Client> | undefined;
  private lastPublish: Promise<unknown> = Promise.resolve();
  private listener: pg.Client | undefined;
  private inbox: Promise<void> = Promise.resolve();
  private started = false;
  private closed = false;
  private retryDelay = 250;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly url: string,
    private readonly id: string,
    /** Runs queries for stored bodies; failures resolve to no rows. */
    private readonly query: <R>(text: string, values: unknown[]) => Promise<R[]>,
    private readonly log: Logger,
    /** Called for each body, one at a time, in the order received. */
    private readonly onBody: (body: string) => void,
  ) {}

  async start(): Promise<void> {
    await this.listen();
    this.started = true;
  }

  /** One connection publishes everything, so messages to an instance arrive in the order sent. */
  publish(instance: string, body: string): void {
    const channel = channelOf(instance);
    const text =
      Buffer.byteLength(body) < INLINE_LIMIT
        ? 'select pg_notify($1, $2)'
        : `with m as (insert into signal_messages (body, created_at) values ($2, ${NOW_MS}) returning id)
           select pg_notify($1, '#' || m.id) from m`;
    this.lastPublish = this.lastPublish.then(async () => {
      const client = (this.publisher ??= this.connectPublisher());
      try {
        await (await client).query(text, [channel, body]);
      } catch (error) {
        this.log.warn('signal publish failed', { error: (error as Error).message, instance });
        if (this.publisher === client) this.publisher = undefined;
      }
    });
  }

  /** Waits for what was published and received so far. */
  async flush(): Promise<void> {
    await this.lastPublish.catch(() => {});
    await this.inbox;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    await this.listener?.end().catch(() => {});
    if (this.publisher) await (await this.publisher.catch(() => undefined))?.end().catch(() => {});
  }

  private async connectPublisher(): Promise<pg.Client> {
    const client = new pg.Client(pgPoolConfig(this.url));
    client.on('error', () => {
      this.publisher = undefined;
    });
    await client.connect();
    return client;
  }

  private async listen(): Promise<void> {
    const client = new pg.Client(pgPoolConfig(this.url));
    this.listener = client;
    client.on('notification', (msg) => {
      const payload = msg.payload;
      if (payload) this.inbox = this.inbox.then(() => this.receive(payload));
    });
    client.on('error', (error) => {
      this.log.warn('signal LISTEN connection lost', { error: error.message });
      this.relisten();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${channelOf(this.id)}`);
      this.retryDelay = 250;
    } catch (error) {
      if (!this.started) throw error;
      this.relisten();
    }
  }

  private relisten(): void {
    const old = this.listener;
    this.listener = undefined;
    old?.end().catch(() => {});
    if (this.closed || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.listen().catch(() => this.relisten());
    }, this.retryDelay);
    this.retryDelay = Math.min(this.retryDelay * 2, 5000);
  }

  private async receive(payload: string): Promise<void> {
    let body = payload;
    if (payload.startsWith('#')) {
      // Deleting it as it is read: a message is delivered at most once.
      const rows = await this.query<{ body: string }>(
        'delete from signal_messages where id = $1 returning body',
        [Number(payload.slice(1))],
      );
      if (!rows[0]) return;
      body = rows[0].body;
    }
    try {
      this.onBody(body);
    } catch (error) {
      this.log.error('signal bus message failed', { error });
    }
  }
}
