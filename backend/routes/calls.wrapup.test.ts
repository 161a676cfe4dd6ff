import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallRecord } from '../../src/contract/call';
import { addAgent, createSession } from '../agents';
import { setDispositions, setRequireOutcome } from '../calls/dispositions';
import { setContactName } from '../calls/wrapup';
import type { NewCall } from '../db/schema';
import type { CallEventBody } from '../outbox/payload';
import { forEachEngine, makeTestApp, type TestApp } from '../testing/support';

const T0 = Date.UTC(2026, 10, 2, 9, 0, 0);

function call(uuid: string, agent: string, extra: Partial<NewCall> = {}): NewCall {
  return {
    uuid,
    provider: 'builtin',
    agent,
    direction: 'outbound',
    from_addr: `agent:${agent}`,
    to_addr: 'tel:+14155552671',
    status: 'completed',
    reason: null,
    conversation_uuid: null,
    parent_uuid: null,
    created_at: T0,
    started_at: T0,
    answered_at: T0 + 5000,
    ended_at: T0 + 65_000,
    duration: 60,
    price: null,
    rate: null,
    network: null,
    updated_at: T0,
    ...extra,
  };
}

forEachEngine((engine) => {
  describe('wrap-up: PUT /api/calls/:id/wrapup and GET /api/dispositions', () => {
    let t: TestApp;
    let alice: string;
    let boss: string;

    beforeAll(async () => {
      t = await makeTestApp(engine);
      for (const name of ['alice', 'bob', 'boss'])
        await addAgent(t.store, name, { admin: name === 'boss' });
      const token = async (name: string) =>
        (await createSession(t.store, (await t.store.getAgentByName(name))!, 3600)).token;
      alice = await token('alice');
      boss = await token('boss');
      await t.store.insertWebhookEndpoint('https://hooks.example.com/c2c', 'x'.repeat(40), T0);
      const rows = [
        call('a-done', 'alice', { contact_name: 'Müller, "Hans"', extension: '12' }),
        call('a-live', 'alice', { status: 'answered', ended_at: null, duration: null }),
        call('b-done', 'bob'),
        call('a-done-leg', 'alice', { parent_uuid: 'a-done' }),
        call('b-done-leg', 'bob', { parent_uuid: 'b-done' }),
        call('orphan-leg', 'alice', { parent_uuid: 'gone' }),
      ];
      await t.store.write(async (trx, notify) => {
        for (const row of rows) await t.store.changeCall(trx, notify, row.uuid, () => row);
      });
    });
    afterAll(() => t.close());

    const tokens = () => ({ alice, boss });
    const put = (id: string, body: unknown, who: 'alice' | 'boss' = 'alice') =>
      t.app.request(`/api/calls/${id}/wrapup`, {
        method: 'PUT',
        headers: {
          authorization: `Bearer ${tokens()[who]}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify(body),
      });
    const outbox = (uuid: string) =>
      t.store.db
        .selectFrom('outbox')
        .select(['type', 'body'])
        .where('call_uuid', '=', uuid)
        .orderBy('id')
        .execute();
    const stored = (uuid: string) => t.store.getCall(uuid);
    const good = {
      outcome: 'Left voicemail',
      notes: 'Call back\nafter 3 pm — 山田',
      followUpOn: null,
    };

    it('lists the default dispositions for a signed-in agent, not for anyone else', async () => {
      const res = await t.app.request('/api/dispositions', {
        headers: { authorization: `Bearer ${alice}` },
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({
        items: [
          'Connected',
          'Left voicemail',
          'No answer',
          'Wrong number',
          'Not interested',
          'Follow up',
        ],
        requireOutcome: false,
      });
      expect((await t.app.request('/api/dispositions')).status).toBe(401);
    });

    it('saves an ended call’s wrap-up, shows it in history and the export, and emits call.updated', async () => {
      const before = (await outbox('a-done')).length;
      const res = await put('a-done', { ...good, followUpOn: '2026-12-04' });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({
        uuid: 'a-done',
        outcome: 'Left voicemail',
        notes: good.notes,
        followUpOn: '2026-12-04',
        contactName: 'Müller, "Hans"',
        extension: '12',
      });
      const history = (await (
        await t.app.request('/api/calls', { headers: { authorization: `Bearer ${alice}` } })
      ).json()) as { items: CallRecord[] };
      expect(history.items.find((c) => c.uuid === 'a-done')).toMatchObject({
        outcome: 'Left voicemail',
        notes: good.notes,
      });
      const events = await outbox('a-done');
      expect(events).toHaveLength(before + 1);
      const body = JSON.parse(events[events.length - 1]!.body) as CallEventBody;
      expect(body.type).toBe('call.updated');
      expect(body.data).toMatchObject({ outcome: 'Left voicemail', notes: good.notes });
      expect(body.data.call).toMatchObject({ contactName: 'Müller, "Hans"', extension: '12' });
      expect(body.data.legs.map((l) => l.uuid)).toEqual(['a-done-leg']);

      const csv = await (
        await t.app.request('/api/calls/export?format=csv', {
          headers: { authorization: `Bearer ${alice}` },
        })
      ).text();
      const [header] = csv.slice(1).split('\r\n');
      expect(header).toContain('Contact,Extension,Page URL,Page title,Outcome,Notes,Follow-up on');
      expect(csv).toContain(
        `"Müller, ""Hans""",12,,,Left voicemail,"${good.notes}",2026-12-04\r\n`,
      );
    });

    it('a wrap-up saved during the call goes out with call.completed, not call.updated', async () => {
      expect((await put('a-live', { ...good, outcome: 'Connected' })).status).toBe(200);
      expect(await outbox('a-live')).toEqual([]);
      const live = (await stored('a-live'))!;
      // The call ends the way the call model ends it: the record as its provider holds it.
      const ended = { ...call('a-live', 'alice'), updated_at: T0 + 70_000 };
      await t.store.write((trx, notify) => t.store.changeCall(trx, notify, 'a-live', () => ended));
      const events = await outbox('a-live');
      expect(events.map((e) => e.type)).toEqual(['call.completed']);
      const body = JSON.parse(events[0]!.body) as CallEventBody;
      expect(body.data).toMatchObject({ outcome: 'Connected', notes: good.notes });
      expect((await stored('a-live'))!.disposition).toBe(live.disposition);
    });

    it('a leg of the agent’s own call stands for its record (the leg itself is left as it is)', async () => {
      const res = await put('a-done-leg', { ...good, notes: 'by the leg' });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ uuid: 'a-done', notes: 'by the leg' });
      expect((await stored('a-done'))!.notes).toBe('by the leg');
      expect((await stored('a-done-leg'))!.notes ?? null).toBeNull();
    });

    it('an agent edits their notes later; clearing the outcome and notes is allowed when optional', async () => {
      expect((await put('a-done', { outcome: null, notes: '', followUpOn: null })).status).toBe(
        200,
      );
      expect(await stored('a-done')).toMatchObject({
        disposition: null,
        notes: null,
        follow_up_on: null,
        wrapup_by: 'alice',
      });
    });

    it.each([
      ['b-done', good, 'boss', 403, /only your own calls/],
      ['b-done', good, 'alice', 403, /only your own calls/],
      ['nope', good, 'alice', 404, /No such call/],
      ['b-done-leg', good, 'alice', 403, /only your own calls/],
      ['orphan-leg', good, 'alice', 404, /No such call/],
      [
        'a-done',
        { ...good, outcome: 'Sold a yacht' },
        'alice',
        400,
        /Unknown outcome "Sold a yacht": use one of Connected/,
      ],
      [
        'a-done',
        { ...good, notes: 'x'.repeat(5001) },
        'alice',
        400,
        /notes are too long \(5,000 characters at most\)/,
      ],
      ['a-done', { ...good, notes: 'bell\u0007' }, 'alice', 400, /notes has control characters/],
      [
        'a-done',
        { ...good, followUpOn: '04/12/2026' },
        'alice',
        400,
        /follow-up date is YYYY-MM-DD/,
      ],
      [
        'a-done',
        { ...good, followUpOn: '2026-13-01' },
        'alice',
        400,
        /follow-up date is YYYY-MM-DD/,
      ],
      ['a-done', { ...good, extra: 1 }, 'alice', 400, /Wrap-up: /],
      ['a-done', { outcome: 'Connected' }, 'alice', 400, /notes: /],
      ['bad id!', good, 'alice', 400, /Invalid call id/],
    ])(
      'refuses %s %j (%s) with %i, keeping what was stored',
      async (id, body, token, status, message) => {
        await put('a-done', { ...good, followUpOn: '2026-12-05' });
        const before = await stored('a-done');
        const beforeB = await stored('b-done');
        const res = await put(encodeURIComponent(id), body, token as 'alice' | 'boss');
        expect(res.status).toBe(status);
        expect(((await res.json()) as { error: string }).error).toMatch(message);
        expect(await stored('a-done')).toEqual(before);
        expect(await stored('b-done')).toEqual(beforeB);
      },
    );

    it('a note of exactly 5,000 characters is fine', async () => {
      expect((await put('a-done', { ...good, notes: 'n'.repeat(5000) })).status).toBe(200);
      expect((await stored('a-done'))!.notes).toHaveLength(5000);
    });

    it('needs a session', async () => {
      const res = await t.app.request('/api/calls/a-done/wrapup', {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(good),
      });
      expect(res.status).toBe(401);
    });

    it('follows the admin’s list and the required-outcome setting', async () => {
      await setDispositions(t.store, ['Sale', 'No sale']);
      await setRequireOutcome(t.store, true);
      const res = await t.app.request('/api/dispositions', {
        headers: { authorization: `Bearer ${alice}` },
      });
      expect(await res.json()).toEqual({ items: ['Sale', 'No sale'], requireOutcome: true });
      const missing = await put('a-done', { ...good, outcome: null });
      expect(missing.status).toBe(400);
      expect(((await missing.json()) as { error: string }).error).toMatch(/An outcome is required/);
      // An outcome saved before the list changed may be kept; a newly chosen one must be listed.
      await t.store.write((trx) =>
        trx
          .updateTable('calls')
          .set({ disposition: 'Connected' })
          .where('uuid', '=', 'a-done')
          .execute(),
      );
      expect((await put('a-done', { ...good, outcome: 'Connected' })).status).toBe(200);
      expect((await put('a-done', { ...good, outcome: 'Left voicemail' })).status).toBe(400);
      expect((await put('a-done', { ...good, outcome: 'Sale' })).status).toBe(200);
      await setRequireOutcome(t.store, false);
    });

    it('names an inbound caller once known (the caller-ID update path), with call.updated', async () => {
      const before = (await outbox('b-done')).length;
      expect(await setContactName(t.store, 'b-done', '张伟')).toBe(true);
      expect((await stored('b-done'))!.contact_name).toBe('张伟');
      const events = await outbox('b-done');
      expect(events).toHaveLength(before + 1);
      expect(
        (JSON.parse(events[events.length - 1]!.body) as CallEventBody).data.call,
      ).toMatchObject({ contactName: '张伟' });
      expect(await setContactName(t.store, 'missing', 'x')).toBe(false);
    });
  });
});
