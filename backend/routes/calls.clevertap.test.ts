import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallRecord } from '../../src/contract/call';
import { addAgent, createSession } from '../agents';
import { CALL_REPORTS_PER_MINUTE } from './calls';
import type { CallEventBody } from '../outbox/payload';
import { forEachEngine, makeTestApp, type TestApp } from '../testing/support';

forEachEngine((engine) => {
  describe('CleverTap call records: POST /api/calls/clevertap', () => {
    let t: TestApp;
    const tokens: Record<string, string> = {};
    // Reports carry the extension's clock: recent times, within the backend's accepted window.
    const T0 = Date.now() - 120_000;

    beforeAll(async () => {
      t = await makeTestApp(engine);
      for (const name of ['alice', 'bob', 'carol']) {
        await addAgent(t.store, name);
        tokens[name] = (
          await createSession(t.store, (await t.store.getAgentByName(name))!, 3600)
        ).token;
      }
      await t.store.insertWebhookEndpoint('https://hooks.example.com/c2c', 'x'.repeat(40), T0);
    });
    afterAll(() => t.close());

    const post = (body: unknown, who = 'alice') =>
      t.app.request('/api/calls/clevertap', {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens[who]}`, 'content-type': 'application/json' },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
    const outbox = (uuid: string) =>
      t.store.db
        .selectFrom('outbox')
        .select(['type', 'body'])
        .where('call_uuid', '=', uuid)
        .orderBy('id')
        .execute();
    const history = async (who = 'alice') =>
      (
        (await (
          await t.app.request('/api/calls', { headers: { authorization: `Bearer ${tokens[who]}` } })
        ).json()) as { items: CallRecord[] }
      ).items;
    const outbound = (id: string, transitions: { status: string; at: number }[], extra = {}) => ({
      clientCallId: id,
      cuid: 'bob_smith',
      direction: 'outbound',
      transitions,
      ...extra,
    });
    const ringing = { status: 'ringing', at: T0 };
    const answered = { status: 'answered', at: T0 + 4_000 };
    const completed = { status: 'completed', at: T0 + 64_000 };

    it('records an answered outbound call through the same model: history, export, call.completed', async () => {
      const context = { contactName: 'Bob Smith', pageUrl: 'https://crm.example.com/c/1' };
      expect((await post(outbound('ct-out-1', [ringing], { context }))).status).toBe(200);
      expect(await t.store.getCall('ct-out-1')).toMatchObject({
        provider: 'clevertap',
        agent: 'alice',
        status: 'ringing',
        from_addr: 'agent:alice',
        to_addr: 'cuid:bob_smith',
        started_at: T0,
        contact_name: 'Bob Smith',
      });
      expect(await outbox('ct-out-1')).toEqual([]);
      await post(outbound('ct-out-1', [ringing, answered]));
      const res = await post(
        outbound('ct-out-1', [ringing, answered, completed], { reason: 'remote-hangup' }),
      );
      expect(res.status).toBe(200);
      const view = (await res.json()) as CallRecord;
      expect(view).toMatchObject({
        uuid: 'ct-out-1',
        provider: 'clevertap',
        direction: 'outbound',
        status: 'completed',
        reason: null,
        agent: 'alice',
        startedAt: T0,
        answeredAt: T0 + 4_000,
        answeredBy: 'cuid:bob_smith',
        endedAt: T0 + 64_000,
        duration: 60,
        contactName: 'Bob Smith',
        pageUrl: 'https://crm.example.com/c/1',
      });
      expect((await history()).find((c) => c.uuid === 'ct-out-1')).toEqual(view);
      const events = await outbox('ct-out-1');
      expect(events.map((e) => e.type)).toEqual(['call.completed']);
      const body = JSON.parse(events[0]!.body) as CallEventBody;
      expect(body.data.call).toMatchObject({
        uuid: 'ct-out-1',
        provider: 'clevertap',
        duration: 60,
      });
      const csv = await (
        await t.app.request('/api/calls/export?format=csv', {
          headers: { authorization: `Bearer ${tokens.alice}` },
        })
      ).text();
      expect(csv.split('\r\n').find((l) => l.startsWith('ct-out-1,'))).toContain('clevertap');
    });

    it('lets the wrap-up save reach the record (same id)', async () => {
      const res = await t.app.request('/api/calls/ct-out-1/wrapup', {
        method: 'PUT',
        headers: { authorization: `Bearer ${tokens.alice}`, 'content-type': 'application/json' },
        body: JSON.stringify({ outcome: 'Connected', notes: 'Signed Call', followUpOn: null }),
      });
      expect(res.status).toBe(200);
      expect(await t.store.getCall('ct-out-1')).toMatchObject({
        provider: 'clevertap',
        disposition: 'Connected',
        notes: 'Signed Call',
      });
    });

    it('ignores a forged agent field: the record is the signed-in agent’s', async () => {
      const res = await post({ ...outbound('ct-forged', [ringing]), agent: 'bob' }, 'carol');
      expect(res.status).toBe(200);
      expect((await t.store.getCall('ct-forged'))?.agent).toBe('carol');
      expect((await history('bob')).map((c) => c.uuid)).not.toContain('ct-forged');
      // Nor can another agent take it over by reporting on its id.
      const takeover = await post(outbound('ct-forged', [ringing, completed]), 'bob');
      expect(takeover.status).toBe(409);
      expect((await t.store.getCall('ct-forged'))?.status).toBe('ringing');
    });

    it('refuses to rewrite another provider’s record with the same id', async () => {
      await t.store.write(async (trx, notify) => {
        await t.store.changeCall(trx, notify, 'builtin-1', () => ({
          uuid: 'builtin-1',
          provider: 'builtin',
          agent: 'alice',
          direction: 'outbound',
          from_addr: 'agent:alice',
          to_addr: 'tel:+14155552671',
          status: 'completed',
          reason: null,
          conversation_uuid: null,
          parent_uuid: null,
          created_at: T0,
          started_at: T0,
          answered_at: T0,
          ended_at: T0 + 1000,
          duration: 1,
          price: null,
          rate: null,
          network: null,
          updated_at: T0,
        }));
      });
      const res = await post(outbound('builtin-1', [ringing]));
      expect(res.status).toBe(409);
      expect(((await res.json()) as { error: string }).error).toMatch(/another call/);
      expect((await t.store.getCall('builtin-1'))?.provider).toBe('builtin');
    });

    it('never regresses a final status: late, repeated and out-of-order reports', async () => {
      const cancelled = { status: 'cancelled', at: T0 + 9_000 };
      expect((await post(outbound('ct-out-2', [ringing, cancelled]))).status).toBe(200);
      const before = await t.store.getCall('ct-out-2');
      expect(before).toMatchObject({ status: 'cancelled', ended_at: T0 + 9_000, duration: 0 });
      // The ringing report arrives late, then the final one again, then a contradicting one.
      expect((await post(outbound('ct-out-2', [ringing]))).status).toBe(200);
      await post(outbound('ct-out-2', [ringing, cancelled]));
      await post(outbound('ct-out-2', [ringing, answered, completed]));
      expect(await t.store.getCall('ct-out-2')).toEqual(before);
      expect((await outbox('ct-out-2')).map((e) => e.type)).toEqual(['call.completed']);
      // Answered then ringing (out of order) stays answered.
      await post(outbound('ct-out-3', [ringing, answered]));
      await post(outbound('ct-out-3', [ringing]));
      expect((await t.store.getCall('ct-out-3'))?.status).toBe('answered');
    });

    it('records an inbound missed call as the agent’s', async () => {
      const res = await post({
        clientCallId: 'ct-in-1',
        cuid: 'caller_42',
        direction: 'inbound',
        transitions: [ringing, { status: 'missed', at: T0 + 30_000 }],
        reason: 'no-answer',
        context: { contactName: 'ignored for inbound' },
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({
        direction: 'inbound',
        status: 'missed',
        reason: 'no-answer',
        from: 'cuid:caller_42',
        to: 'agent:alice',
        answeredAt: null,
        duration: 0,
        contactName: null,
      });
    });

    it('names an inbound caller from the report once known, in history, the export and call.completed', async () => {
      const inbound = (transitions: { status: string; at: number }[], extra = {}) => ({
        clientCallId: 'ct-in-named',
        cuid: 'caller_77',
        direction: 'inbound',
        transitions,
        ...extra,
      });
      const first = await post(inbound([ringing], { callerName: 'Zoë Müller, "VIP"' }));
      expect(first.status).toBe(200);
      expect(await first.json()).toMatchObject({ contactName: 'Zoë Müller, "VIP"' });
      // Later reports (with another name, or none) do not replace it; the end keeps it.
      await post(inbound([ringing, answered], { callerName: 'Someone Else' }));
      await post(inbound([ringing, answered, completed], { reason: 'remote-hangup' }));
      expect((await history()).find((c) => c.uuid === 'ct-in-named')).toMatchObject({
        status: 'completed',
        direction: 'inbound',
        contactName: 'Zoë Müller, "VIP"',
      });
      const events = await outbox('ct-in-named');
      expect(events.map((e) => e.type)).toEqual(['call.completed']);
      expect((JSON.parse(events[0]!.body) as CallEventBody).data.call.contactName).toBe(
        'Zoë Müller, "VIP"',
      );
      const csv = await (
        await t.app.request('/api/calls/export?format=csv', {
          headers: { authorization: `Bearer ${tokens.alice}` },
        })
      ).text();
      expect(csv).toContain('"Zoë Müller, ""VIP"""');
    });

    it.each([
      ['not JSON', '{', /./],
      [
        'no id',
        { cuid: 'bob_smith', direction: 'outbound', transitions: [ringing] },
        /clientCallId/,
      ],
      ['a bad cuid', outbound('ct-bad', [ringing], { cuid: '91_8899555x!' }), /cuid/],
      ['an unknown status', outbound('ct-bad', [{ status: 'exploded', at: T0 }]), /transitions/],
      ['no transitions', outbound('ct-bad', []), /transitions/],
      ['a time far in the past', outbound('ct-bad', [{ status: 'ringing', at: 1000 }]), /24 h/],
      [
        'answered after the end',
        outbound('ct-bad', [ringing, { ...answered, at: T0 + 99_000 }, completed]),
        /answered after/,
      ],
      ['completed unanswered', outbound('ct-bad', [ringing, completed]), /without answered/],
      [
        'a caller name on an outbound call',
        outbound('ct-bad', [ringing], { callerName: 'Bob' }),
        /callerName is for inbound calls/,
      ],
      [
        'a two-line caller name',
        { ...outbound('ct-bad', [ringing]), direction: 'inbound', callerName: 'Bob\nSmith' },
        /callerName: the contact name is one line/,
      ],
      [
        'a caller name over 200 characters',
        { ...outbound('ct-bad', [ringing]), direction: 'inbound', callerName: 'x'.repeat(201) },
        /callerName/,
      ],
      [
        'a bad page URL',
        outbound('ct-bad', [ringing], { context: { pageUrl: 'javascript:alert(1)' } }),
        /context/,
      ],
    ])('answers %s with a clear 400 and stores nothing', async (_name, body, message) => {
      const res = await post(body);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(message);
      expect(await t.store.getCall('ct-bad')).toBeUndefined();
    });

    it('needs a signed-in agent', async () => {
      const res = await t.app.request('/api/calls/clevertap', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(outbound('ct-anon', [ringing])),
      });
      expect(res.status).toBe(401);
    });

    it('rate-limits reports per agent', async () => {
      let last = 200;
      for (let i = 0; i <= CALL_REPORTS_PER_MINUTE && last === 200; i++)
        last = (await post(outbound(`ct-flood-${i}`, [ringing]), 'bob')).status;
      expect(last).toBe(429);
      expect((await post(outbound('ct-other', [ringing]), 'carol')).status).toBe(200);
    });
  });
});
