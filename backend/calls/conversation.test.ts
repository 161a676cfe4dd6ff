// The call record of a two-leg Vonage conversation, from realistic event sequences delivered in
// order, out of order, duplicated and late (docs/calls.md), through the real webhooks and database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addAgent, createSession } from '../agents';
import {
  forEachEngine,
  makeTestApp,
  signWebhook,
  tempDir,
  testVonageConfig,
  type TestApp,
} from '../testing/support';

const T0 = Date.parse('2026-03-02T10:00:00.000Z');
const iso = (s: number) => new Date(T0 + s * 1000).toISOString();

/** One event of a leg: `A` is the first leg (agent's SDK leg or inbound caller), `B` the connect leg. */
type Step = [leg: 'A' | 'B', status: string, atSec: number, extra?: Record<string, unknown>];

const OUTBOUND_ANSWERED: Step[] = [
  ['A', 'started', 0],
  ['A', 'answered', 0],
  ['B', 'started', 1],
  ['B', 'ringing', 2],
  ['B', 'answered', 9],
  ['B', 'completed', 39, { duration: '30', start_time: iso(9), end_time: iso(39), price: '0.02' }],
  ['A', 'completed', 40, { duration: '40', start_time: iso(0), end_time: iso(40), price: '0.01' }],
];
const OUTBOUND_BUSY: Step[] = [
  ['A', 'started', 0],
  ['A', 'answered', 0],
  ['B', 'started', 1],
  ['B', 'busy', 2],
  ['A', 'completed', 3, { duration: '3', end_time: iso(3) }],
];
const OUTBOUND_NO_ANSWER: Step[] = [
  ['A', 'started', 0],
  ['A', 'answered', 0],
  ['B', 'started', 1],
  ['B', 'ringing', 2],
  ['B', 'timeout', 47],
  ['A', 'completed', 48, { duration: '48', end_time: iso(48) }],
];
const INBOUND_TIMEOUT: Step[] = [
  ['A', 'started', 0],
  ['A', 'answered', 0],
  ['B', 'started', 1],
  ['B', 'ringing', 1],
  ['B', 'timeout', 46],
  ['A', 'completed', 50, { duration: '50', end_time: iso(50) }],
];
const INBOUND_ANSWERED: Step[] = [
  ['A', 'started', 0],
  ['A', 'answered', 0],
  ['B', 'started', 1],
  ['B', 'ringing', 1],
  ['B', 'answered', 8],
  ['B', 'completed', 68, { duration: '60', end_time: iso(68) }],
  ['A', 'completed', 68, { duration: '68', end_time: iso(68) }],
];
const OUTBOUND_CANCELLED: Step[] = [
  ['A', 'answered', 0],
  ['B', 'ringing', 2],
  ['A', 'completed', 10, { duration: '10', end_time: iso(10) }],
];
const INBOUND_CALLER_GONE: Step[] = [
  ['A', 'answered', 0],
  ['B', 'ringing', 1],
  ['A', 'completed', 20, { duration: '20', end_time: iso(20) }],
];

const orders: [string, (steps: Step[]) => Step[]][] = [
  ['in order', (s) => s],
  ['reversed', (s) => [...s].reverse()],
  [
    'interleaved out of order',
    (s) => [...s.filter((_, i) => i % 2), ...s.filter((_, i) => !(i % 2))],
  ],
  ['every event twice', (s) => s.flatMap((step) => [step, step])],
  [
    'with late stale events after the end',
    (s) => [...s, ['A', 'answered', 0], ['B', 'ringing', 2], ['B', 'started', 1]],
  ],
];

forEachEngine((engine) => {
  describe('one call per conversation', () => {
    const dir = tempDir();
    let t: TestApp;
    let seq = 0;

    beforeAll(async () => {
      const { vonage } = testVonageConfig(dir.path, { callsPerMinute: 1000 });
      t = await makeTestApp(engine, { vonage, allowedCountries: ['GB'] });
      for (const name of ['olga', 'ivan']) {
        await addAgent(t.store, name, { vonageUser: `${name}-v` });
        await createSession(t.store, (await t.store.getAgentByName(name))!, 3600);
      }
    });
    afterAll(async () => {
      await t.close();
      dir.remove();
    });

    async function post(path: string, body: Record<string, unknown>) {
      const raw = JSON.stringify(body);
      const res = await t.app.request(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: await signWebhook(raw) },
        body: raw,
      });
      expect(res.status).toBe(200);
      return res;
    }

    /** Places (or receives) a call through the answer webhook, plays `steps`, returns the record. */
    async function play(direction: 'outbound' | 'inbound', steps: Step[]) {
      const id = `${engine}-conv-${Date.now().toString(36)}-${++seq}`;
      const legs = { A: `${id}-a`, B: `${id}-b` };
      const conversation = `CON-${id}`;
      await post(
        '/webhooks/answer',
        direction === 'outbound'
          ? {
              uuid: legs.A,
              conversation_uuid: conversation,
              from_user: 'olga-v',
              to: '447400123456',
            }
          : {
              uuid: legs.A,
              conversation_uuid: conversation,
              from: '447400123456',
              to: '447700900000',
            },
      );
      for (const [leg, status, at, extra] of steps) {
        await post('/webhooks/event', {
          uuid: legs[leg],
          conversation_uuid: conversation,
          status,
          // Vonage calls every leg it creates with `connect` outbound.
          direction: leg === 'A' ? direction : 'outbound',
          ...(leg === 'B' && direction === 'outbound' ? { to: '447400123456' } : {}),
          timestamp: iso(at),
          ...extra,
        });
      }
      const record = (await t.store.getCall(legs.A))!;
      const history = await t.store.listCalls({ agent: record.agent, limit: 100 });
      expect(history.items.filter((c) => c.conversationUuid === conversation)).toHaveLength(1);
      return record;
    }

    describe.each(orders)('%s', (_label, order) => {
      it('outbound, callee answers: completed, answered and timed from the callee leg', async () => {
        expect(await play('outbound', order(OUTBOUND_ANSWERED))).toMatchObject({
          status: 'completed',
          reason: null,
          answered_at: T0 + 9000,
          ended_at: T0 + 40_000,
          duration: 30,
          answered_by: '447400123456',
          price: '0.03',
        });
      });

      it('outbound, callee busy: busy', async () => {
        expect(await play('outbound', order(OUTBOUND_BUSY))).toMatchObject({
          status: 'busy',
          answered_at: null,
          answered_by: null,
          ended_at: T0 + 3000,
          duration: 0,
        });
      });

      it('outbound, callee never answers: unanswered', async () => {
        expect(await play('outbound', order(OUTBOUND_NO_ANSWER))).toMatchObject({
          status: 'unanswered',
          answered_at: null,
          ended_at: T0 + 48_000,
          duration: 0,
        });
      });

      it('outbound, the agent hangs up while it rings: cancelled', async () => {
        expect(await play('outbound', order(OUTBOUND_CANCELLED))).toMatchObject({
          status: 'cancelled',
          answered_at: null,
          ended_at: T0 + 10_000,
          duration: 0,
        });
      });

      it('inbound, the caller hangs up before the agent answers: missed', async () => {
        expect(await play('inbound', order(INBOUND_CALLER_GONE))).toMatchObject({
          status: 'missed',
          reason: 'cancelled',
          ended_at: T0 + 20_000,
        });
      });

      it("inbound, the agent's leg times out: missed", async () => {
        expect(await play('inbound', order(INBOUND_TIMEOUT))).toMatchObject({
          status: 'missed',
          reason: 'timeout',
          direction: 'inbound',
          answered_at: null,
          duration: 0,
        });
      });

      it('inbound, the agent answers: completed, answered by the agent', async () => {
        const record = await play('inbound', order(INBOUND_ANSWERED));
        expect(record).toMatchObject({
          status: 'completed',
          answered_at: T0 + 8000,
          ended_at: T0 + 68_000,
          duration: 60,
        });
        expect(record.answered_by).toBe(record.agent);
      });
    });

    it('takes signed GET events like POST ones, and refuses them without the opt-in', async () => {
      const id = `${engine}-get-${++seq}`;
      await post('/webhooks/answer', { uuid: id, from_user: 'olga-v', to: '447400123456' });
      const query = new URLSearchParams({ uuid: id, status: 'ringing', timestamp: iso(1) });
      const res = await t.app.request(`/webhooks/event?${query}`, {
        headers: { authorization: await signWebhook('') },
      });
      expect(res.status).toBe(200);
      expect(await t.store.getCall(id)).toMatchObject({ status: 'ringing' });

      const { vonage } = testVonageConfig(dir.path, { allowGetAnswer: false });
      const strict = await makeTestApp(engine, { vonage, allowedCountries: ['GB'] });
      try {
        const refused = await strict.app.request(`/webhooks/event?${query}`, {
          headers: { authorization: await signWebhook('') },
        });
        expect(refused.status).toBe(403);
        expect(await strict.store.countEvents()).toBe(0);
      } finally {
        await strict.close();
      }
    });
  });
});
