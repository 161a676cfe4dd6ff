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

type Ncco = Record<string, unknown>[];

async function signedIn(t: TestApp, name: string, vonageUser: string) {
  await addAgent(t.store, name, { vonageUser });
  await createSession(t.store, (await t.store.getAgentByName(name))!, 3600);
}

forEachEngine((engine) => {
  describe('Vonage webhooks', () => {
    let t: TestApp;
    let dir: ReturnType<typeof tempDir>;
    let seq = 0;
    const uuid = () => `${engine}-leg-${Date.now().toString(36)}-${++seq}`;

    beforeAll(async () => {
      dir = tempDir();
      const { vonage } = testVonageConfig(dir.path, { callsPerMinute: 3 });
      t = await makeTestApp(engine, {
        vonage,
        allowedCountries: ['GB', 'US', 'FR', 'CH'],
        publicUrl: 'https://c2c.example.com',
      });
      // Signed in: the answer webhook connects only agents with a live session.
      await signedIn(t, 'alice', 'alice-v');
      await signedIn(t, 'limited', 'limited-v');
    });
    afterAll(async () => {
      await t.close();
      dir.remove();
    });

    const postSigned = async (
      path: string,
      body: unknown,
      claims: Record<string, unknown> = {},
    ) => {
      const raw = typeof body === 'string' ? body : JSON.stringify(body);
      return t.app.request(path, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: await signWebhook(raw, claims),
        },
        body: raw,
      });
    };
    const answer = async (params: Record<string, string>) => {
      const res = await t.app.request(`/webhooks/answer?${new URLSearchParams(params)}`, {
        headers: { authorization: await signWebhook('') },
      });
      expect(res.status).toBe(200);
      return (await res.json()) as Ncco;
    };

    describe('signatures', () => {
      const body = JSON.stringify({ uuid: 'sig-1', status: 'started' });
      it.each([
        ['no signature', async () => ({})],
        [
          'a forged secret',
          async () => ({
            authorization: await signWebhook(body, {}, 'some-other-secret-0123456789'),
          }),
        ],
        [
          'a tampered body',
          async () => ({ authorization: await signWebhook(body.replace('sig-1', 'sig-2')) }),
        ],
        [
          'an old token',
          async () => ({
            authorization: await signWebhook(body, { iat: Math.floor(Date.now() / 1000) - 3600 }),
          }),
        ],
        [
          'a wrong api key',
          async () => ({ authorization: await signWebhook(body, { api_key: 'other' }) }),
        ],
        [
          'a wrong application',
          async () => ({ authorization: await signWebhook(body, { application_id: 'x' }) }),
        ],
        [
          'no payload hash',
          async () => ({ authorization: await signWebhook(body, { payload_hash: undefined }) }),
        ],
        [
          'alg none',
          async () => ({
            authorization: `Bearer ${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{}').toString('base64url')}.`,
          }),
        ],
      ])('refuses %s with 401', async (_label, headers) => {
        const res = await t.app.request('/webhooks/event', {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(await headers()) },
          body,
        });
        expect(res.status).toBe(401);
        if (_label === 'no payload hash') return; // a GET has no body to hash
        const get = await t.app.request('/webhooks/answer?uuid=x&to=447700900000', {
          headers: await headers(),
        });
        expect(get.status).toBe(401);
      });

      it.each(['{', 'null', '[1,2]', '"str"', '{"uuid": 5}', '{"status": {}}'])(
        'answers 400 to a signed garbage event %s',
        async (garbage) => {
          expect((await postSigned('/webhooks/event', garbage)).status).toBe(400);
        },
      );

      it('answers 400 to a signed answer webhook without uuid', async () => {
        expect((await postSigned('/webhooks/answer', '{')).status).toBe(400);
        expect((await postSigned('/webhooks/answer', { to: '1' })).status).toBe(400);
      });
    });

    describe('answer: outbound from an agent', () => {
      it('connects an allowed number with talk, caller ID, timeout, limit and event URL', async () => {
        const leg = uuid();
        const ncco = await answer({
          uuid: leg,
          conversation_uuid: `CON-${leg}`,
          from_user: 'alice-v',
          to: '447400123456',
          custom_data: JSON.stringify({ type: 'phone', ext: '12' }),
        });
        expect(ncco).toEqual([
          { action: 'talk', text: 'Thank you for calling. Transferring you now.' },
          {
            action: 'connect',
            from: '447700900000',
            eventUrl: ['https://c2c.example.com/webhooks/event'],
            timeout: 45,
            limit: 3600,
            endpoint: [{ type: 'phone', number: '447400123456', dtmfAnswer: '12' }],
          },
        ]);
        const record = await t.store.getCall(leg);
        expect(record).toMatchObject({
          agent: 'alice',
          direction: 'outbound',
          status: 'started',
          to_addr: '447400123456',
        });
      });

      it('takes POST JSON with custom_data as an object', async () => {
        const res = await postSigned('/webhooks/answer', {
          uuid: uuid(),
          from_user: 'alice-v',
          to: '14155552671',
          custom_data: { type: 'phone' },
        });
        expect(res.status).toBe(200);
        const ncco = (await res.json()) as Ncco;
        expect(ncco[1]).toMatchObject({ endpoint: [{ type: 'phone', number: '14155552671' }] });
      });

      it('connects a contact-ID call to the app endpoint', async () => {
        const ncco = await answer({
          uuid: uuid(),
          from_user: 'alice-v',
          to: 'contact-42',
          custom_data: '{"type":"app"}',
        });
        expect(ncco).toEqual([
          expect.objectContaining({
            action: 'connect',
            endpoint: [{ type: 'app', user: 'contact-42' }],
          }),
        ]);
      });

      it.each([
        ['an invalid number', '4412', 'invalid-number'],
        ['a country not allowed', '4915112345678', 'country-not-allowed'],
        ['a premium-rate number', '449012345678', 'premium-rate'],
        ['a US premium-rate number', '19005551234', 'premium-rate'],
        ['a shared-cost number', '33810123456', 'premium-rate'],
        ['a Swiss shared-cost number', '41840123456', 'premium-rate'],
      ])('refuses %s with a spoken reason and records it', async (_label, to, code) => {
        const leg = uuid();
        const ncco = await answer({
          uuid: leg,
          from_user: 'alice-v',
          to,
          custom_data: '{"type":"phone"}',
        });
        expect(ncco).toHaveLength(1);
        expect(ncco[0]).toMatchObject({
          action: 'talk',
          text: expect.stringMatching(/cannot be placed/),
        });
        expect(await t.store.getCall(leg)).toMatchObject({
          status: 'refused',
          reason: code,
          agent: 'alice',
        });
      });

      it('refuses Crown-dependency numbers when only GB is allowed (same +44 code)', async () => {
        const leg = uuid();
        await answer({ uuid: leg, from_user: 'alice-v', to: '447911123456' });
        expect(await t.store.getCall(leg)).toMatchObject({
          status: 'refused',
          reason: 'country-not-allowed',
        });
      });

      it('refuses unknown Vonage users', async () => {
        const leg = uuid();
        const ncco = await answer({ uuid: leg, from_user: 'intruder', to: '447400123456' });
        expect(ncco).toEqual([{ action: 'talk', text: expect.stringMatching(/not allowed/) }]);
        expect(await t.store.getCall(leg)).toMatchObject({
          status: 'refused',
          reason: 'unknown-agent',
        });
      });

      it('applies the per-agent call-rate limit', async () => {
        const results: string[] = [];
        for (let i = 0; i < 4; i++) {
          const leg = uuid();
          await answer({ uuid: leg, from_user: 'limited-v', to: '447400123456' });
          results.push((await t.store.getCall(leg))!.status);
        }
        expect(results).toEqual(['started', 'started', 'started', 'refused']);
      });
    });

    describe('answer: inbound to the Vonage number', () => {
      it('connects available agents round robin, skips busy ones, and records missed calls', async () => {
        // A separate app: agents of the other tests must not take part.
        const d2 = tempDir();
        const { vonage } = testVonageConfig(d2.path);
        const t2 = await makeTestApp(engine, { vonage, allowedCountries: ['GB'] });
        try {
          const inbound = async (leg: string) => {
            const res = await t2.app.request(
              `/webhooks/answer?${new URLSearchParams({ uuid: leg, conversation_uuid: `CON-${leg}`, from: '447400123456', to: '447700900000' })}`,
              { headers: { authorization: await signWebhook('') } },
            );
            expect(res.status).toBe(200);
            return (await res.json()) as Ncco;
          };
          // Nobody signed in yet: missed.
          const first = uuid();
          expect(await inbound(first)).toEqual([
            { action: 'talk', text: expect.stringMatching(/agents are busy/) },
          ]);
          expect(await t2.store.getCall(first)).toMatchObject({
            status: 'missed',
            direction: 'inbound',
          });

          const { agent: _a } = await addAgent(t2.store, 'ann', { vonageUser: 'ann-v' });
          await addAgent(t2.store, 'ben', { vonageUser: 'ben-v' });
          await addAgent(t2.store, 'off', { vonageUser: 'off-v' }); // never signs in
          for (const name of ['ann', 'ben'])
            await createSession(t2.store, (await t2.store.getAgentByName(name))!, 3600);

          const legs = [uuid(), uuid()];
          const users = [];
          for (const leg of legs) {
            const ncco = await inbound(leg);
            expect(ncco[0]).toEqual({
              action: 'talk',
              text: 'Please wait while we connect you to an agent.',
            });
            users.push((ncco[1] as { endpoint: { user: string }[] }).endpoint[0]!.user);
          }
          expect(users.sort()).toEqual(['ann-v', 'ben-v']);
          // Both are on a call now: the next caller is missed.
          const third = uuid();
          expect(await inbound(third)).toHaveLength(1);
          expect(await t2.store.getCall(third)).toMatchObject({ status: 'missed' });
          // One call ends (event webhook): that agent is offered the next one.
          const ended = legs[0]!;
          const endedAgent = (await t2.store.getCall(ended))!.agent;
          const body = JSON.stringify({
            uuid: ended,
            conversation_uuid: `CON-${ended}`,
            status: 'completed',
            duration: '12',
            timestamp: new Date().toISOString(),
          });
          const res = await t2.app.request('/webhooks/event', {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: await signWebhook(body) },
            body,
          });
          expect(res.status).toBe(200);
          const next = await inbound(uuid());
          expect((next[1] as { endpoint: { user: string }[] }).endpoint[0]!.user).toBe(
            `${endedAgent}-v`,
          );
        } finally {
          await t2.close();
          d2.remove();
        }
      });
    });

    describe('event webhook', () => {
      it('stores every event once, keeps the call record per uuid, and never moves status backwards', async () => {
        await signedIn(t, 'evan', 'evan-v');
        const leg = uuid();
        await answer({
          uuid: leg,
          conversation_uuid: `CON-${leg}`,
          from_user: 'evan-v',
          to: '447400123456',
        });
        const ev = (status: string, extra: Record<string, unknown> = {}) => ({
          uuid: leg,
          conversation_uuid: `CON-${leg}`,
          status,
          direction: 'outbound',
          from: 'evan-v',
          to: '447400123456',
          timestamp: new Date().toISOString(),
          ...extra,
        });
        const before = await t.store.countEvents();
        const ringing = ev('ringing');
        expect((await postSigned('/webhooks/event', ringing)).status).toBe(200);
        expect((await postSigned('/webhooks/event', ringing)).status).toBe(200); // repeated delivery
        const completed = ev('completed', {
          duration: '42',
          price: '0.01',
          rate: '0.0134',
          network: '23410',
          start_time: '2026-01-01T10:00:00.000Z',
          end_time: '2026-01-01T10:00:42.000Z',
        });
        // Re-ordered keys: still the same delivery.
        const reordered = Object.fromEntries(Object.entries(completed).reverse());
        expect((await postSigned('/webhooks/event', completed)).status).toBe(200);
        expect((await postSigned('/webhooks/event', reordered)).status).toBe(200);
        // A late "answered" after "completed" must not reopen the call.
        expect((await postSigned('/webhooks/event', ev('answered'))).status).toBe(200);
        expect(await t.store.countEvents()).toBe(before + 3);
        const record = await t.store.getCall(leg);
        expect(record).toMatchObject({
          status: 'completed',
          duration: 42,
          price: '0.01',
          rate: '0.0134',
          network: '23410',
          agent: 'evan',
          direction: 'outbound',
          ended_at: Date.parse('2026-01-01T10:00:42.000Z'),
        });
        // The second leg of the same conversation hangs off the agent's call.
        const other = `${leg}-b`;
        expect(
          (await postSigned('/webhooks/event', { ...ev('ringing'), uuid: other })).status,
        ).toBe(200);
        expect(await t.store.getCall(other)).toMatchObject({ parent_uuid: leg, agent: 'evan' });
        // Events without a call (record, input…) are stored too.
        expect(
          (
            await postSigned('/webhooks/event', {
              recording_url: 'https://x',
              conversation_uuid: `CON-${leg}`,
            })
          ).status,
        ).toBe(200);
        expect(await t.store.countEvents()).toBe(before + 5);
      });

      it('checks a GET event like a GET answer: signature, application, age and a fresh jti', async () => {
        await signedIn(t, 'gina', 'gina-v');
        const leg = uuid();
        await answer({ uuid: leg, from_user: 'gina-v', to: '447400123456' });
        const get = (params: Record<string, string>, authorization?: string) =>
          t.app.request(`/webhooks/event?${new URLSearchParams(params)}`, {
            headers: authorization ? { authorization } : {},
          });
        const ringing = { uuid: leg, status: 'ringing', timestamp: new Date().toISOString() };
        const token = await signWebhook('');
        expect((await get(ringing, token)).status).toBe(200);
        const before = await t.store.countEvents();
        // The query string is not signed: a captured token with other parameters is a replay.
        const forged = { uuid: leg, status: 'completed', duration: '999' };
        const refusals: [string, string | undefined][] = [
          ['replayed token', token],
          ['no signature', undefined],
          ['wrong secret', await signWebhook('', {}, 'another-secret-0123456789abcdef0123')],
          ['no application_id', await signWebhook('', { application_id: undefined })],
          [
            'another application',
            await signWebhook('', { application_id: '11111111-2222-4333-8444-555555555555' }),
          ],
          ['no jti', await signWebhook('', { jti: undefined })],
          ['too old', await signWebhook('', { iat: Math.floor(Date.now() / 1000) - 3600 })],
        ];
        for (const [label, authorization] of refusals) {
          const res = await get(forged, authorization);
          expect([label, res.status]).toEqual([label, 401]);
          expect(await res.json()).toEqual({ error: 'Invalid or missing webhook signature' });
        }
        expect(await t.store.countEvents()).toBe(before);
        expect(await t.store.getCall(leg)).toMatchObject({ status: 'ringing', duration: null });
      });
    });
  });
});

describe('without Vonage configuration', () => {
  it('answers 503 with a clear message', async () => {
    const t = await makeTestApp('sqlite');
    try {
      for (const [path, method] of [
        ['/webhooks/answer', 'GET'],
        ['/webhooks/answer', 'POST'],
        ['/webhooks/event', 'POST'],
      ] as const) {
        const res = await t.app.request(path, {
          method,
          ...(method === 'POST' ? { body: '{}' } : {}),
        });
        expect(res.status).toBe(503);
        expect(await res.json()).toEqual({
          error: expect.stringMatching(/Vonage is not configured/),
        });
      }
    } finally {
      await t.close();
    }
  });
});
