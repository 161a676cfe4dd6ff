// A Vonage inbound call answered in the browser: the record is the caller's leg (the conversation),
// the call bar knows the call by the agent's leg (the Client SDK's call id). Wrap-up and caller name
// saved by that leg land on the record history shows, during the call and after, and later events
// of the call never undo them.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallRecord } from '../../src/contract/call';
import { addAgent, createSession } from '../agents';
import { setContactName } from '../calls/wrapup';
import { importDirectoryCsv } from '../directory/store';
import type { CallEventBody } from '../outbox/payload';
import {
  forEachEngine,
  makeTestApp,
  signWebhook,
  tempDir,
  testVonageConfig,
  type TestApp,
} from '../testing/support';

const CALLER = '447400123456';

forEachEngine((engine) => {
  describe('Vonage inbound: wrap-up and caller name by the agent’s leg', () => {
    let t: TestApp;
    let dir: ReturnType<typeof tempDir>;
    const tokens: Record<string, string> = {};

    beforeAll(async () => {
      dir = tempDir();
      const { vonage } = testVonageConfig(dir.path);
      t = await makeTestApp(engine, { vonage, allowedCountries: ['GB'] });
      // Only ann has a Vonage user, so every inbound call goes to her; bob is signed in too.
      await addAgent(t.store, 'ann', { vonageUser: 'ann-v' });
      await addAgent(t.store, 'bob');
      for (const name of ['ann', 'bob'])
        tokens[name] = (
          await createSession(t.store, (await t.store.getAgentByName(name))!, 3600)
        ).token;
      await t.store.insertWebhookEndpoint('https://hooks.example.com/c2c', 'x'.repeat(40), 0);
    });
    afterAll(async () => {
      await t.close();
      dir.remove();
    });

    async function webhook(path: string, body: Record<string, unknown>) {
      const raw = JSON.stringify(body);
      const res = await t.app.request(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: await signWebhook(raw) },
        body: raw,
      });
      expect(res.status).toBe(200);
    }

    /** A PSTN caller rings the Vonage number: leg A is the caller's, leg B the connect to ann. */
    async function ring(from = CALLER) {
      const A = randomUUID();
      const B = randomUUID();
      const conversation = `CON-${randomUUID()}`;
      const t0 = Date.now() - 120_000;
      const at = (s: number) => new Date(t0 + s * 1000).toISOString();
      await webhook('/webhooks/answer', {
        uuid: A,
        conversation_uuid: conversation,
        from,
        to: '447700900000',
      });
      const event = (leg: 'A' | 'B', status: string, s: number, extra = {}) =>
        webhook('/webhooks/event', {
          uuid: leg === 'A' ? A : B,
          conversation_uuid: conversation,
          status,
          // Vonage calls the leg a `connect` creates outbound; it goes to the app user.
          direction: leg === 'A' ? 'inbound' : 'outbound',
          from: leg === 'A' ? from : '447700900000',
          to: leg === 'A' ? '447700900000' : 'ann-v',
          timestamp: at(s),
          ...extra,
        });
      return { A, B, event, at };
    }

    const wrapup = (id: string, agent: string, body: Record<string, unknown>) =>
      t.app.request(`/api/calls/${id}/wrapup`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${tokens[agent]}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const history = async (agent: string) =>
      (
        (await (
          await t.app.request('/api/calls?limit=200', {
            headers: { authorization: `Bearer ${tokens[agent]}` },
          })
        ).json()) as { items: CallRecord[] }
      ).items;
    const outbox = (uuid: string) =>
      t.store.db
        .selectFrom('outbox')
        .select(['type', 'body'])
        .where('call_uuid', '=', uuid)
        .orderBy('id')
        .execute();

    it('saves a wrap-up made during the call by the agent’s leg on the record, and the call’s end keeps it', async () => {
      const { A, B, event, at } = await ring();
      await event('A', 'started', 0);
      await event('A', 'answered', 0);
      await event('B', 'started', 1);
      await event('B', 'ringing', 1);
      await event('B', 'answered', 8);

      const during = { outcome: 'Follow up', notes: 'Wants a quote\nby Friday', followUpOn: null };
      const res = await wrapup(B, 'ann', during);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ uuid: A, outcome: 'Follow up', status: 'answered' });
      expect(await t.store.getCall(B)).toMatchObject({ disposition: null, notes: null });

      // The rest of the call, with a repeated delivery and a stale event after the end.
      await event('B', 'completed', 68, { duration: '60', start_time: at(8), end_time: at(68) });
      await event('A', 'completed', 68, { duration: '68', start_time: at(0), end_time: at(68) });
      await event('B', 'completed', 68, { duration: '60', start_time: at(8), end_time: at(68) });
      await event('B', 'answered', 8);

      const record = (await history('ann')).find((c) => c.uuid === A)!;
      expect(record).toMatchObject({
        status: 'completed',
        direction: 'inbound',
        agent: 'ann',
        duration: 60,
        outcome: 'Follow up',
        notes: during.notes,
      });
      expect((await history('ann')).some((c) => c.uuid === B)).toBe(false);
      const events = await outbox(A);
      expect(events.map((e) => e.type)).toEqual(['call.completed']);
      expect((JSON.parse(events[0]!.body) as CallEventBody).data).toMatchObject({
        outcome: 'Follow up',
        notes: during.notes,
      });

      // Edited after the call, again by the leg the call bar knows: call.updated for the record.
      const after = { outcome: 'Connected', notes: 'Quote sent', followUpOn: '2026-12-04' };
      expect((await wrapup(B, 'ann', after)).status).toBe(200);
      expect(await t.store.getCall(A)).toMatchObject({
        disposition: 'Connected',
        notes: 'Quote sent',
        follow_up_on: '2026-12-04',
        wrapup_by: 'ann',
      });
      expect((await outbox(A)).map((e) => e.type)).toEqual(['call.completed', 'call.updated']);
      expect(await outbox(B)).toEqual([]);
    });

    it('refuses the leg of someone else’s call (403) and an unknown one (404), changing nothing', async () => {
      const { A, B, event } = await ring();
      await event('A', 'answered', 0);
      await event('B', 'ringing', 1);
      await event('B', 'answered', 5);
      await event('B', 'completed', 30, { duration: '25' });
      await event('A', 'completed', 30, { duration: '30' });
      const good = { outcome: 'Connected', notes: 'mine', followUpOn: null };
      expect((await wrapup(B, 'ann', good)).status).toBe(200);
      const before = await t.store.getCall(A);

      const theirs = await wrapup(B, 'bob', { ...good, notes: 'not mine' });
      expect(theirs.status).toBe(403);
      expect(await theirs.json()).toEqual({ error: 'You can wrap up only your own calls' });
      const theirsByRecord = await wrapup(A, 'bob', { ...good, notes: 'not mine' });
      expect(theirsByRecord.status).toBe(403);
      const unknown = await wrapup(randomUUID(), 'ann', good);
      expect(unknown.status).toBe(404);
      expect(await unknown.json()).toEqual({ error: 'No such call' });
      expect(await t.store.getCall(A)).toEqual(before);
    });

    it('names the caller by the agent’s leg on the record, and the rest of the call keeps the name', async () => {
      const { A, B, event, at } = await ring('447400999888');
      await event('A', 'answered', 0);
      await event('B', 'ringing', 1);
      await event('B', 'answered', 4);
      expect(await setContactName(t.store, B, 'Zoë Müller')).toBe(true);
      expect(await t.store.getCall(A)).toMatchObject({ contact_name: 'Zoë Müller' });
      await event('B', 'completed', 40, { duration: '36', end_time: at(40) });
      await event('A', 'completed', 40, { duration: '40', end_time: at(40) });
      expect((await history('ann')).find((c) => c.uuid === A)).toMatchObject({
        status: 'completed',
        contactName: 'Zoë Müller',
      });

      // Once ended, a new name goes to the webhooks as call.updated of the record.
      expect(await setContactName(t.store, B, 'Zoë Müller-Smith')).toBe(true);
      expect((await outbox(A)).map((e) => e.type)).toEqual(['call.completed', 'call.updated']);
      expect((JSON.parse((await outbox(A))[1]!.body) as CallEventBody).data.call.contactName).toBe(
        'Zoë Müller-Smith',
      );
      expect(await outbox(B)).toEqual([]);
      expect(await setContactName(t.store, randomUUID(), 'x')).toBe(false);
    });

    it('keeps the directory’s name for a caller it knows on the record through the whole call', async () => {
      await importDirectoryCsv(
        t.store.db,
        'name,company,numbers,record_url\r\n"Ava Thompson",Acme,+447400555111,\r\n',
        'merge',
      );
      const { A, B, event } = await ring('447400555111');
      await event('A', 'answered', 0);
      await event('B', 'ringing', 1);
      await event('B', 'answered', 3);
      expect((await wrapup(B, 'ann', { outcome: null, notes: 'x', followUpOn: null })).status).toBe(
        200,
      );
      await event('B', 'completed', 20, { duration: '17' });
      await event('A', 'completed', 20, { duration: '20' });
      expect((await history('ann')).find((c) => c.uuid === A)).toMatchObject({
        contactName: 'Ava Thompson',
        notes: 'x',
        status: 'completed',
      });
    });
  });
});
