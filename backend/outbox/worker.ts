// The delivery worker: leases due outbox rows, POSTs them, and records the outcome. At-least-once
// (a crash between the POST and the record re-sends after the lease, with the same idempotency key),
// in order per call and endpoint, retried with exponential backoff and jitter for 24 hours.
import type { Store } from '../db/store';
import type { OutboxRow, WebhookEndpointRow } from '../db/schema';
import type { Logger } from '../log';
import { deliver, type DeliveryResult } from './deliver';

export interface OutboxOptions {
  /** Test-only: deliver to loopback receivers (see endpoints.ts). */
  allowLoopback: boolean;
  /** Per attempt: connect, send, and the status line. */
  timeoutMs: number;
  /** How long a claimed row stays with this worker; longer than timeoutMs. */
  leaseMs: number;
  /** First retry after about this long, doubling each time, up to retryMaxMs. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** After this long since the event, a failed attempt is the last. */
  retryWindowMs: number;
  /** How often to look for due rows (retries, other instances' events); this instance's own
   * events wake the worker at commit. */
  pollMs: number;
  /** Deliveries in flight at once. */
  concurrency: number;
}

export const DEFAULT_OUTBOX_OPTIONS: OutboxOptions = {
  allowLoopback: false,
  timeoutMs: 10_000,
  leaseMs: 60_000,
  retryBaseMs: 1000,
  retryMaxMs: 3600_000,
  retryWindowMs: 24 * 3600_000,
  pollMs: 1000,
  concurrency: 32,
};

function positive(env: Record<string, string | undefined>, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer (ms)`);
  return n;
}

/** WEBHOOKS_ALLOW_LOOPBACK=1 (tests), WEBHOOKS_TIMEOUT_MS, WEBHOOKS_LEASE_MS, WEBHOOKS_RETRY_BASE_MS. */
export function outboxOptionsFromEnv(
  env: Record<string, string | undefined>,
): Partial<OutboxOptions> {
  const out: Partial<OutboxOptions> = {};
  if (env.WEBHOOKS_ALLOW_LOOPBACK === '1') out.allowLoopback = true;
  const timeoutMs = positive(env, 'WEBHOOKS_TIMEOUT_MS');
  const leaseMs = positive(env, 'WEBHOOKS_LEASE_MS');
  const retryBaseMs = positive(env, 'WEBHOOKS_RETRY_BASE_MS');
  if (timeoutMs) out.timeoutMs = timeoutMs;
  if (leaseMs) out.leaseMs = leaseMs;
  if (retryBaseMs) out.retryBaseMs = retryBaseMs;
  return out;
}

/** Delay before retry number `attempts` (1 = after the first failure): "equal jitter" backoff. */
export function retryDelay(
  attempts: number,
  opts: Pick<OutboxOptions, 'retryBaseMs' | 'retryMaxMs'>,
  random = Math.random,
): number {
  const exp = Math.min(opts.retryMaxMs, opts.retryBaseMs * 2 ** Math.min(30, attempts - 1));
  return Math.round(exp / 2 + random() * (exp / 2));
}

export class OutboxWorker {
  readonly opts: OutboxOptions;
  private readonly inflight = new Set<Promise<void>>();
  private readonly endpoints = new Map<
    number,
    { row: WebhookEndpointRow | undefined; at: number }
  >();
  private timer: NodeJS.Timeout | undefined;
  private pumping = false;
  private again = false;
  private stopped = true;
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly store: Store,
    private readonly log: Logger,
    opts: Partial<OutboxOptions> = {},
  ) {
    this.opts = { ...DEFAULT_OUTBOX_OPTIONS, ...opts };
    if (this.opts.leaseMs < this.opts.timeoutMs * 2)
      throw new Error('WEBHOOKS_LEASE_MS must be at least twice WEBHOOKS_TIMEOUT_MS');
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.unsubscribe = this.store.onOutboxWritten(() => this.wake());
    const tick = () => {
      void this.pump();
      this.timer = setTimeout(tick, this.opts.pollMs);
      this.timer.unref();
    };
    tick();
  }

  /** Looks for due rows now (after a write that enqueued events). */
  wake(): void {
    if (!this.stopped) void this.pump();
  }

  /** Stops claiming; waits for deliveries in flight (each bounded by timeoutMs). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    clearTimeout(this.timer);
    while (this.inflight.size) await Promise.allSettled([...this.inflight]);
  }

  private async pump(): Promise<void> {
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.again = false;
        while (!this.stopped && this.inflight.size < this.opts.concurrency) {
          const rows = await this.store.claimOutbox(
            Date.now(),
            this.opts.leaseMs,
            this.opts.concurrency - this.inflight.size,
          );
          if (rows.length === 0) break;
          for (const row of rows) {
            const job: Promise<void> = this.process(row)
              .catch((error: unknown) => this.log.warn('webhook delivery not recorded', { error }))
              .finally(() => {
                this.inflight.delete(job);
                void this.pump();
              });
            this.inflight.add(job);
          }
        }
      } while (this.again && !this.stopped);
    } catch (error) {
      this.log.warn('outbox claim failed', { error });
    } finally {
      this.pumping = false;
    }
  }

  private delivered: { id: number; done: () => void; fail: (error: unknown) => void }[] = [];

  /**
   * Records deliveries in batches (one UPDATE for what finished meanwhile). The row stays leased and
   * pending until then, so the call's next event still waits; a crash before it only re-sends.
   */
  private recordDelivered(id: number): Promise<void> {
    return new Promise((done, fail) => {
      this.delivered.push({ id, done, fail });
      if (this.delivered.length > 1) return;
      setImmediate(() => {
        const batch = this.delivered.splice(0);
        this.store
          .markOutboxDelivered(
            batch.map((b) => b.id),
            Date.now(),
          )
          .then(
            () => batch.forEach((b) => b.done()),
            (error: unknown) => batch.forEach((b) => b.fail(error)),
          );
      });
    });
  }

  private async endpoint(id: number): Promise<WebhookEndpointRow | undefined> {
    const cached = this.endpoints.get(id);
    if (cached && Date.now() - cached.at < 5000) return cached.row;
    const row = await this.store.getWebhookEndpoint(id);
    this.endpoints.set(id, { row, at: Date.now() });
    return row;
  }

  private async process(row: OutboxRow): Promise<void> {
    const endpoint = await this.endpoint(row.endpoint_id);
    const result: DeliveryResult = endpoint
      ? await deliver(
          {
            url: endpoint.url,
            secret: endpoint.secret,
            eventId: row.event_id,
            type: row.type,
            body: row.body,
            attempt: row.attempts,
          },
          { allowLoopback: this.opts.allowLoopback, timeoutMs: this.opts.timeoutMs },
        )
      : { ok: false, error: 'endpoint removed' };
    const now = Date.now();
    if (result.ok) return this.recordDelivered(row.id);
    const retryAt = now + retryDelay(row.attempts, this.opts);
    const giveUp = !endpoint || retryAt > row.created_at + this.opts.retryWindowMs;
    await this.store.markOutboxAttemptFailed(
      row,
      result.error.slice(0, 500),
      giveUp ? null : retryAt,
      now,
    );
    if (giveUp)
      this.log.warn('webhook event given up', {
        endpoint: row.endpoint_id,
        event: row.event_id,
        error: result.error,
      });
  }
}
