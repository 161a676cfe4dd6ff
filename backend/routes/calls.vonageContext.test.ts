// A Vonage outbound call's record carries who and where it was placed from (the serverCall custom
// data, checked again here), and the call bar's wrap-up, keyed by the extension's own call id,
// reaches the record Vonage's uuid names.
import { randomUUID } from 'node:crypto';
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

forEachEngine((engine) => {
  describe('Vonage outbound: call context and the wrap-up by the extension’s call id', () => {
    let t: TestApp;
    let dir: ReturnType<typeof tempDir>;
    const tokens: Record<string, string> = {};

    beforeAll(async () => {
      dir = tempDir();
      // More calls than the default 6 a minute: the rate limit is tested elsewhere.
      const { vonage } = testVonageConfig(dir.path, { callsPerMinute: 1000 });
      t = await makeTestApp(engine, { vonage, allowedCountries: ['GB', 'US'] });
      for (const name of ['alice', 'bob']) {
        await addAgent(t.store, name, { vonageUser: `${name}-v` });
        const agent = (await t.store.getAgentByName(name))!;
        tokens[name] = (await createSession(t.store, agent, 3600)).token;
      }
    });
    afterAll(async () => {
      await t.close();
      dir.remove();
    });

    /** Vonage's GET answer for a serverCall: `to` apart, the rest as `custom_data`. */
    async function answer(agent: string, to: string, custom: Record<string, unknown>) {
      const uuid = randomUUID();
      const query = new URLSearchParams({
        uuid,
        conversation_uuid: `CON-${uuid}`,
        from_user: `${agent}-v`,
        to,
        custom_data: JSON.stringify(custom),
      });
      const res = await t.app.request(`/webhooks/answer?${query}`, {
        headers: { authorization: await signWebhook('') },
      });
      expect(res.status).toBe(200);
      return { uuid, ncco: (await res.json()) as Record<string, unknown>[] };
    }

    const wrapup = (id: string, agent: string) =>
      t.app.request(`/api/calls/${id}/wrapup`, {
        method: 'PUT',
        headers: {
          authorization: `Bearer ${tokens[agent]}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ outcome: 'Connected', notes: 'Spoke to Ada', followUpOn: null }),
      });

    const context = {
      contactName: 'Ada Lovelace',
      pageUrl: 'https://crm.example.com/contacts/42',
      pageTitle: 'Ada — Contacts',
    };

    it('records the contact, extension, page and the extension’s call id from the custom data', async () => {
      const callId = randomUUID();
      const { uuid, ncco } = await answer('alice', '14155552671', {
        type: 'phone',
        ext: '12',
        callId,
        context,
      });
      expect(ncco.find((a) => a.action === 'connect')).toMatchObject({
        endpoint: [{ type: 'phone', number: '14155552671', dtmfAnswer: '12' }],
      });
      expect(await t.store.getCall(uuid)).toMatchObject({
        agent: 'alice',
        extension: '12',
        contact_name: 'Ada Lovelace',
        page_url: context.pageUrl,
        page_title: context.pageTitle,
        client_call_id: callId,
      });
      const history = (await (
        await t.app.request('/api/calls', {
          headers: { authorization: `Bearer ${tokens.alice}` },
        })
      ).json()) as { items: Record<string, unknown>[] };
      expect(history.items.find((c) => c.uuid === uuid)).toMatchObject({
        contactName: 'Ada Lovelace',
        extension: '12',
        pageUrl: context.pageUrl,
        pageTitle: context.pageTitle,
      });
    });

    it('a refused call keeps its context too', async () => {
      const { uuid } = await answer('alice', '33612345678', { type: 'phone', context });
      expect(await t.store.getCall(uuid)).toMatchObject({
        status: 'refused',
        reason: 'country-not-allowed',
        contact_name: 'Ada Lovelace',
      });
    });

    it.each([
      ['a javascript: page', { ...context, pageUrl: 'javascript:alert(1)' }],
      ['a two-line name', { ...context, contactName: 'Ada\nLovelace' }],
      ['a control character in the title', { ...context, pageTitle: 'bell\u0007' }],
      ['an unknown key', { ...context, admin: true }],
      ['a name over 200 characters', { ...context, contactName: 'x'.repeat(201) }],
    ])(
      'a context with %s is not recorded, and the call is placed all the same',
      async (_w, bad) => {
        const { uuid, ncco } = await answer('alice', '14155552671', {
          type: 'phone',
          ext: '7',
          callId: 'not a call id!',
          context: bad,
        });
        expect(ncco.find((a) => a.action === 'connect')).toMatchObject({
          endpoint: [{ type: 'phone', number: '14155552671', dtmfAnswer: '7' }],
        });
        const row = (await t.store.getCall(uuid))!;
        expect(row.extension).toBe('7');
        for (const column of ['contact_name', 'page_url', 'page_title', 'client_call_id'] as const)
          expect(row[column] ?? null).toBeNull();
      },
    );

    it('the call bar’s wrap-up by the extension’s call id lands on the Vonage record', async () => {
      const callId = randomUUID();
      const { uuid } = await answer('alice', '14155552671', { type: 'phone', callId, context });
      const res = await wrapup(callId, 'alice');
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ uuid, outcome: 'Connected', notes: 'Spoke to Ada' });
      expect(await t.store.getCall(uuid)).toMatchObject({
        disposition: 'Connected',
        notes: 'Spoke to Ada',
        wrapup_by: 'alice',
      });
      // By Vonage's uuid (recent calls) it works as before.
      expect((await wrapup(uuid, 'alice')).status).toBe(200);
    });

    it('a wrap-up saved by the extension’s call id while the call is on survives the rest of its events', async () => {
      const callId = randomUUID();
      const { uuid } = await answer('alice', '14155552671', { type: 'phone', callId, context });
      const callee = randomUUID();
      const event = async (leg: string, status: string, extra: Record<string, unknown> = {}) => {
        const raw = JSON.stringify({
          uuid: leg,
          conversation_uuid: `CON-${uuid}`,
          status,
          direction: 'outbound',
          ...(leg === callee ? { to: '14155552671' } : {}),
          timestamp: new Date().toISOString(),
          ...extra,
        });
        const res = await t.app.request('/webhooks/event', {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: await signWebhook(raw) },
          body: raw,
        });
        expect(res.status).toBe(200);
      };
      await event(uuid, 'started');
      await event(uuid, 'answered');
      await event(callee, 'ringing');
      expect((await wrapup(callId, 'alice')).status).toBe(200);
      await event(callee, 'answered');
      await event(callee, 'completed', { duration: '12' });
      await event(uuid, 'completed', { duration: '20' });
      expect(await t.store.getCall(uuid)).toMatchObject({
        status: 'completed',
        duration: 12,
        disposition: 'Connected',
        notes: 'Spoke to Ada',
        contact_name: 'Ada Lovelace',
        client_call_id: callId,
      });
    });

    it('another agent cannot reach a call by its extension call id', async () => {
      const callId = randomUUID();
      const { uuid } = await answer('alice', '14155552671', { type: 'phone', callId });
      const res = await wrapup(callId, 'bob');
      expect(res.status).toBe(404);
      expect(await res.text()).toMatch(/No such call/);
      expect((await t.store.getCall(uuid))!.disposition ?? null).toBeNull();
    });
  });
});
