import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Bus } from '../bus';
import { openDatabase, type Db } from '../db/connect';
import type { NewCall } from '../db/schema';
import { Store } from '../db/store';
import { createLogger } from '../log';
import { eventually, forEachEngine, freshPgDatabase, tempDir } from '../testing/support';
import { startReceiver, type Receiver } from '../testing/webhookReceiver';
import type { CallEventBody } from './payload';
import { addEndpoint, listEndpoints, removeEndpoint } from './endpoints';
import { emitCallUpdated } from './events';
import { verifySignature } from './sign';
import { OutboxWorker, retryDelay, type OutboxOptions } from './worker';

const SECRET = 'outbox-test-secret-0123456789abcdef-xyz';
const log = createLogger('silent');
const FAST: Partial<OutboxOptions> = {
  allowLoopback: true,
  timeoutMs: 1000,
  leaseMs: 3000,
  retryBaseMs: 20,
  retryMaxMs: 200,
  pollMs: 20,
};

function record(uuid: string, status: string, extra: Partial<NewCall> = {}): NewCall {
  const now = Date.now();
  return {
    uuid,
    provider: 'builtin',
    agent: 'alice',
    direction: 'outbound',
    from_addr: 'tel:+441234',
    to_addr: '+14155552671',
    status,
    reason: null,
    conversation_uuid: `con-${uuid}`,
    parent_uuid: null,
    created_at: now,
    started_at: now,
    answered_at: null,
    ended_at: null,
    duration: null,
    price: null,
    rate: null,
    network: null,
    updated_at: now,
    ...extra,
  };
}

describe('retryDelay', () => {
  it('doubles from the base with jitter in [d/2, d], capped', () => {
    const opts = { retryBaseMs: 1000, retryMaxMs: 60_000 };
    expect(retryDelay(1, opts, () => 0)).toBe(500);
    expect(retryDelay(1, opts, () => 1)).toBe(1000);
    expect(retryDelay(4, opts, () => 1)).toBe(8000);
    expect(retryDelay(40, opts, () => 1)).toBe(60_000);
    expect(retryDelay(40, opts, () => 0)).toBe(30_000);
  });
});

forEachEngine((engine) => {
  describe('outbox delivery', () => {
    let dir: ReturnType<typeof tempDir>;
    let pgDb: Awaited<ReturnType<typeof freshPgDatabase>> | undefined;
    let handle: Db;
    let store: Store;
    let receiver: Receiver;
    let endpointId: number;
    const workers: OutboxWorker[] = [];
    let seq = 0;
    const uuid = () => `${engine}-call-${Date.now().toString(36)}-${++seq}`;
    const open = () =>
      openDatabase({ dataDir: dir.path, ...(pgDb ? { databaseUrl: pgDb.url } : {}) });
    const worker = (opts: Partial<OutboxOptions> = {}, s = store) => {
      const w = new OutboxWorker(s, log, { ...FAST, ...opts });
      workers.push(w);
      w.start();
      return w;
    };
    const change = (row: NewCall) =>
      store.write((trx, notify) => store.changeCall(trx, notify, row.uuid, () => row));
    const finish = (id: string, extra: Partial<NewCall> = {}) =>
      change(record(id, 'completed', { ended_at: Date.now(), duration: 12, ...extra }));
    const forCall = (id: string) =>
      receiver.received.filter((r) => (JSON.parse(r.body) as CallEventBody).data.call.uuid === id);
    /** The endpoint's summary once nothing is pending (the worker's own write may trail the answer). */
    const deliveredSummary = () =>
      eventually(async () => {
        const [s] = (await listEndpoints(store)).filter((e) => e.id === endpointId);
        return s!.pending === 0 && s;
      });

    beforeAll(async () => {
      dir = tempDir();
      pgDb = engine === 'pg' ? await freshPgDatabase() : undefined;
      handle = await open();
      store = new Store(handle, new Bus());
    });
    afterAll(async () => {
      await handle.close();
      await pgDb?.drop();
      dir.remove();
    });
    beforeEach(async () => {
      receiver = await startReceiver(SECRET);
      ({ id: endpointId } = await addEndpoint(store, receiver.url, {
        secret: SECRET,
        policy: { allowLoopback: true },
      }));
    });
    afterEach(async () => {
      for (const w of workers.splice(0)) await w.stop();
      await removeEndpoint(store, endpointId);
      await receiver.close();
    });

    it('delivers an event as soon as its call is written, not at the next poll', async () => {
      const w = worker({ pollMs: 600_000 });
      await new Promise((r) => setTimeout(r, 50)); // the start-up poll has run and found nothing
      const id = uuid();
      await finish(id);
      await eventually(() => forCall(id).length === 1, 5000);
      await w.stop();
      // Stopped: a later event waits for the next start instead of waking a stopped worker.
      const later = uuid();
      await finish(later);
      await new Promise((r) => setTimeout(r, 200));
      expect(forCall(later)).toHaveLength(0);
    });

    it('sends call.completed once, signed, with its legs, when the call reaches a final status', async () => {
      const id = uuid();
      await change(record(id, 'ringing'));
      await change(record(`${id}-leg2`, 'completed', { parent_uuid: id, to_addr: '+14155550000' }));
      await change(record(id, 'answered'));
      await finish(id);
      await finish(id); // a repeated final status is not a second event
      worker();
      const [got] = await eventually(() => (forCall(id).length ? forCall(id) : false));
      await new Promise((r) => setTimeout(r, 200));
      expect(forCall(id)).toHaveLength(1); // nor was the child leg's own final status one
      expect(verifySignature(SECRET, got!.body, got!.signature)).toBe(true);
      expect(got!.signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
      const body = JSON.parse(got!.body) as CallEventBody;
      expect(got!.eventId).toBe(body.id);
      expect(got!.type).toBe('call.completed');
      expect(body).toMatchObject({
        type: 'call.completed',
        version: 1,
        data: {
          call: { uuid: id, status: 'completed', duration: 12, agent: 'alice' },
          legs: [{ uuid: `${id}-leg2`, parentUuid: id }],
          outcome: null,
          notes: null,
        },
      });
      // The receiver answered; the worker records it once the answer is back (a write of its own).
      const summary = await deliveredSummary();
      expect(summary).toMatchObject({ delivered: 1, failed: 0, pending: 0, lastError: null });
    });

    it('retries through 500s and a timeout with the same key and body, then records the error it saw', async () => {
      const id = uuid();
      const answers: (number | 'hang')[] = [500, 500, 'hang', 200];
      receiver.respond = (i) => answers[i] ?? 200;
      await finish(id);
      worker();
      await eventually(() => receiver.deliveredIds().size === 1, 10_000);
      const attempts = forCall(id);
      expect(attempts.map((a) => a.answer)).toEqual([500, 500, 'hang', 200]);
      expect(new Set(attempts.map((a) => a.eventId)).size).toBe(1);
      expect(new Set(attempts.map((a) => a.body)).size).toBe(1);
      expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3, 4]);
      // Backoff: each wait is at least half the doubled base.
      expect(attempts[2]!.at - attempts[1]!.at).toBeGreaterThanOrEqual(FAST.retryBaseMs!);
      const summary = await deliveredSummary();
      expect(summary).toMatchObject({ delivered: 1, failed: 0, pending: 0, failedAttempts: 3 });
      expect(summary!.lastError).toMatch(/no response within 1000 ms/);
    });

    it('delivers the events of one call in order: call.updated waits for call.completed', async () => {
      const id = uuid();
      const other = uuid();
      await finish(id);
      expect(await emitCallUpdated(store, id)).toBe(true);
      expect(await emitCallUpdated(store, 'no-such-call')).toBe(false);
      await finish(other);
      // The first attempt of every call.completed fails; call.updated must not overtake it.
      const failedOnce = new Set<string>();
      receiver.respond = (_i, r) => {
        if (r.type !== 'call.completed' || failedOnce.has(r.eventId)) return 200;
        failedOnce.add(r.eventId);
        return 500;
      };
      worker();
      await eventually(() => receiver.deliveredIds().size === 3, 10_000);
      expect(forCall(id).map((r) => `${r.type}:${r.answer}`)).toEqual([
        'call.completed:500',
        'call.completed:200',
        'call.updated:200',
      ]);
      const updated = JSON.parse(forCall(id)[2]!.body) as CallEventBody;
      expect(updated.data.call.uuid).toBe(id);
      expect(forCall(other).map((r) => r.answer)).toEqual([500, 200]);
    });

    it('gives up after the retry window and counts the event as failed', async () => {
      const id = uuid();
      receiver.respond = () => 503;
      await finish(id);
      worker({ retryWindowMs: 150 });
      await eventually(async () => {
        const [s] = (await listEndpoints(store)).filter((e) => e.id === endpointId);
        return s!.failed === 1 && s;
      }, 10_000);
      const [summary] = (await listEndpoints(store)).filter((e) => e.id === endpointId);
      expect(summary).toMatchObject({ delivered: 0, pending: 0, lastError: 'HTTP 503' });
      expect(forCall(id).length).toBeGreaterThanOrEqual(2);
    });

    it('two instances deliver each event once (rows are leased; PostgreSQL skips locked rows)', async () => {
      const second = await open();
      try {
        const other = new Store(second, new Bus());
        const ids = Array.from({ length: 40 }, () => uuid());
        for (const id of ids) await finish(id);
        worker({ concurrency: 8 });
        worker({ concurrency: 8 }, other);
        await eventually(() => receiver.deliveredIds().size === ids.length, 15_000);
        await new Promise((r) => setTimeout(r, 200));
        expect(receiver.received).toHaveLength(ids.length);
      } finally {
        for (const w of workers.splice(0)) await w.stop();
        await second.close();
      }
    });

    it('refuses at delivery time an address the policy forbids (a name that now resolves to loopback)', async () => {
      const id = uuid();
      await finish(id);
      worker({ allowLoopback: false, retryWindowMs: 1 });
      await eventually(async () => {
        const [s] = (await listEndpoints(store)).filter((e) => e.id === endpointId);
        return s!.failed === 1;
      });
      const [summary] = (await listEndpoints(store)).filter((e) => e.id === endpointId);
      expect(summary!.lastError).toMatch(/127\.0\.0\.1 is a loopback address/);
      expect(receiver.received).toHaveLength(0);
    });

    it('removing an endpoint drops its undelivered events', async () => {
      receiver.respond = () => 500;
      await finish(uuid());
      const before = (await listEndpoints(store)).find((e) => e.id === endpointId);
      expect(before!.pending).toBe(1);
      const { id: spare } = await addEndpoint(store, receiver.url, {
        secret: SECRET,
        policy: { allowLoopback: true },
      });
      await removeEndpoint(store, spare);
      expect((await listEndpoints(store)).find((e) => e.id === spare)).toBeUndefined();
    });
  });
});
