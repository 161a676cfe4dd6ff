// Attacks on the answer webhook (issue 11, items 7–10), each performed against the real routes and
// database: a burst past the call limit, unwanted number types, replayed tokens, revoked agents.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addAgent, createSession, disableAgent, rotateAgentKey } from '../agents';
import type { Config, VonageConfig } from '../config';
import {
  forEachEngine,
  makeTestApp,
  signWebhook,
  tempDir,
  testVonageConfig,
  type TestApp,
} from '../testing/support';

type Ncco = Record<string, unknown>[];

const connects = (ncco: Ncco) => ncco.some((action) => action.action === 'connect');

forEachEngine((engine) => {
  describe('answer webhook attacks', () => {
    const dir = tempDir();
    const apps: TestApp[] = [];
    let seq = 0;
    const leg = () => `${engine}-sec-${Date.now().toString(36)}-${++seq}`;

    afterAll(async () => {
      for (const app of apps.reverse()) await app.close();
      dir.remove();
    });

    async function app(
      vonage: Partial<VonageConfig> = {},
      config: Partial<Config> = {},
      on: 'own' | TestApp = 'own',
    ): Promise<TestApp> {
      const fixture = testVonageConfig(dir.path, vonage);
      const shared = on === 'own' ? undefined : on.deps.config;
      const made = shared
        ? // A second instance on the first one's database.
          await makeTestApp(shared.databaseUrl ? 'sqlite' : engine, {
            vonage: fixture.vonage,
            allowedCountries: ['GB'],
            ...(shared.databaseUrl
              ? { databaseUrl: shared.databaseUrl }
              : { dataDir: shared.dataDir }),
            ...config,
          })
        : await makeTestApp(engine, {
            vonage: fixture.vonage,
            allowedCountries: ['GB'],
            ...config,
          });
      apps.push(made);
      return made;
    }

    async function agent(t: TestApp, name: string) {
      await addAgent(t.store, name, { vonageUser: `${name}-v` });
      const row = (await t.store.getAgentByName(name))!;
      return createSession(t.store, row, 3600);
    }

    async function post(t: TestApp, params: Record<string, unknown>, auth?: string) {
      const raw = JSON.stringify(params);
      return t.app.request('/webhooks/answer', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: auth ?? (await signWebhook(raw)),
        },
        body: raw,
      });
    }

    async function answer(t: TestApp, params: Record<string, unknown>): Promise<Ncco> {
      const res = await post(t, params);
      expect(res.status).toBe(200);
      return (await res.json()) as Ncco;
    }

    describe('7: per-agent call limit under a concurrent burst', () => {
      it('connects exactly the limit of 100 concurrent answers for one agent', async () => {
        const t = await app({ callsPerMinute: 6 });
        await agent(t, 'burst');
        const legs = Array.from({ length: 100 }, leg);
        const nccos = await Promise.all(
          legs.map((uuid) => answer(t, { uuid, from_user: 'burst-v', to: '447400123456' })),
        );
        expect(nccos.filter(connects)).toHaveLength(6);
        const records = await Promise.all(legs.map((uuid) => t.store.getCall(uuid)));
        expect(records.filter((r) => r?.status === 'started')).toHaveLength(6);
        expect(records.filter((r) => r?.reason === 'rate-limited')).toHaveLength(94);
      });

      it('connects exactly the limit when the burst is spread over two instances', async () => {
        const a = await app({ callsPerMinute: 6 });
        const b = await app({ callsPerMinute: 6 }, {}, a);
        await agent(a, 'spread');
        const nccos = await Promise.all(
          Array.from({ length: 100 }, (_, i) =>
            answer(i % 2 ? a : b, { uuid: leg(), from_user: 'spread-v', to: '447400123456' }),
          ),
        );
        expect(nccos.filter(connects)).toHaveLength(6);
      });
    });

    describe('8: number types', () => {
      let t: TestApp;
      beforeAll(async () => {
        t = await app({ callsPerMinute: 100 });
        await agent(t, 'typer');
      });

      it.each([
        ['a personal number (070)', '447012345678'],
        ['a pager (076)', '447640123456'],
        ['a VoIP number (056)', '445612345678'],
        ['a UAN (0300)', '443001234567'],
      ])('refuses %s by default', async (_label, to) => {
        const uuid = leg();
        const ncco = await answer(t, { uuid, from_user: 'typer-v', to });
        expect(ncco).toEqual([{ action: 'talk', text: expect.stringMatching(/cannot be placed/) }]);
        expect(await t.store.getCall(uuid)).toMatchObject({
          status: 'refused',
          reason: 'number-type-not-allowed',
        });
      });

      it.each([
        ['a fixed line', '442071234567'],
        ['a mobile', '447400123456'],
        ['a toll-free number', '448001234567'],
      ])('connects %s', async (_label, to) => {
        expect(connects(await answer(t, { uuid: leg(), from_user: 'typer-v', to }))).toBe(true);
      });

      it('connects a type the admin added, and still refuses the others', async () => {
        const wide = await app({}, { allowedNumberTypes: ['MOBILE', 'VOIP'] });
        await agent(wide, 'wide');
        const call = (to: string) => answer(wide, { uuid: leg(), from_user: 'wide-v', to });
        expect(connects(await call('445612345678'))).toBe(true);
        expect(connects(await call('447012345678'))).toBe(false);
        expect(connects(await call('442071234567'))).toBe(false);
      });
    });

    describe('9: replayed and GET answer webhooks', () => {
      it('refuses a captured GET token replayed with other parameters', async () => {
        const t = await app();
        await agent(t, 'victim');
        const token = await signWebhook('');
        const get = (params: Record<string, string>) =>
          t.app.request(`/webhooks/answer?${new URLSearchParams(params)}`, {
            headers: { authorization: token },
          });
        const first = leg();
        expect((await get({ uuid: first, from_user: 'victim-v', to: '447400123456' })).status).toBe(
          200,
        );
        const forged = leg();
        const replay = await get({ uuid: forged, from_user: 'victim-v', to: '447400999999' });
        expect(replay.status).toBe(401);
        expect(await t.store.getCall(forged)).toBeUndefined();
      });

      it('refuses a replayed POST, also at another instance', async () => {
        const a = await app();
        const b = await app({}, {}, a);
        await agent(a, 'poster');
        const params = { uuid: leg(), from_user: 'poster-v', to: '447400123456' };
        const auth = await signWebhook(JSON.stringify(params));
        expect((await post(a, params, auth)).status).toBe(200);
        expect((await post(a, params, auth)).status).toBe(401);
        expect((await post(b, params, auth)).status).toBe(401);
      });

      it('claims the token and records the answer in one write; a replay changes nothing', async () => {
        // Under signalling load each write waits its turn in the group commit: one per answer.
        const t = await app();
        await agent(t, 'onewrite');
        const writes: string[] = [];
        const write = t.store.write.bind(t.store);
        t.store.write = ((job, opts) => {
          writes.push('write');
          return write(job, opts);
        }) as typeof t.store.write;
        const cases: Record<string, unknown>[] = [
          { uuid: leg(), from_user: 'onewrite-v', to: '447400123456' }, // connects
          { uuid: leg(), from_user: 'onewrite-v', to: '15550100' }, // refused destination
          { uuid: leg(), from_user: 'nobody-v', to: '447400123456' }, // unknown agent
          { uuid: leg(), from: '447400111111', to: '447700900000' }, // inbound
          { uuid: leg(), from: '447400111111', to: '447700900999' }, // unknown destination
        ];
        for (const params of cases) {
          writes.length = 0;
          const auth = await signWebhook(JSON.stringify(params));
          expect((await post(t, params, auth)).status).toBe(200);
          expect(writes).toHaveLength(1);
          expect(await t.store.getCall(String(params.uuid))).toBeDefined();
          const recorded = await t.store.getCall(String(params.uuid));
          writes.length = 0;
          expect((await post(t, params, auth)).status).toBe(401);
          expect(writes).toHaveLength(1);
          expect(await t.store.getCall(String(params.uuid))).toEqual(recorded);
        }
      });

      it.each([
        ['without application_id', { application_id: undefined }],
        ['without jti', { jti: undefined }],
      ])('refuses a token %s', async (_label, claims) => {
        const t = await app();
        await agent(t, 'claims');
        const params = { uuid: leg(), from_user: 'claims-v', to: '447400123456' };
        const res = await post(t, params, await signWebhook(JSON.stringify(params), claims));
        expect(res.status).toBe(401);
        expect(await t.store.getCall(params.uuid)).toBeUndefined();
      });

      it('refuses GET answers unless the admin allows them; POST works', async () => {
        const t = await app({ allowGetAnswer: false });
        await agent(t, 'getter');
        const uuid = leg();
        const res = await t.app.request(
          `/webhooks/answer?${new URLSearchParams({ uuid, from_user: 'getter-v', to: '447400123456' })}`,
          { headers: { authorization: await signWebhook('') } },
        );
        expect(res.status).toBe(403);
        expect(await res.json()).toEqual({ error: expect.stringMatching(/POST/) });
        expect(await t.store.getCall(uuid)).toBeUndefined();
        expect(connects(await answer(t, { uuid, from_user: 'getter-v', to: '447400123456' }))).toBe(
          true,
        );
      });

      it('forgets token ids once their tokens are too old to be accepted', async () => {
        const t = await app();
        const now = Date.now();
        expect(await t.store.claimJti('jti-1', now + 1000, now)).toBe(true);
        expect(await t.store.claimJti('jti-1', now + 1000, now)).toBe(false);
        expect(await t.store.claimJti('jti-1', now + 5000, now + 2000)).toBe(true);
      });
    });

    describe('10: revoked agents', () => {
      let t: TestApp;
      beforeAll(async () => {
        t = await app();
      });
      const call = async (user: string) => {
        const uuid = leg();
        const ncco = await answer(t, { uuid, from_user: user, to: '447400123456' });
        return { ncco, record: await t.store.getCall(uuid) };
      };

      it('refuses an agent who signed out', async () => {
        const { token } = await agent(t, 'leaver');
        expect(connects((await call('leaver-v')).ncco)).toBe(true);
        const out = await t.app.request('/api/session', {
          method: 'DELETE',
          headers: { authorization: `Bearer ${token}` },
        });
        expect(out.status).toBeLessThan(300);
        const after = await call('leaver-v');
        expect(connects(after.ncco)).toBe(false);
        expect(after.record).toMatchObject({ status: 'refused', reason: 'session-ended' });
      });

      it('refuses an agent whose key was rotated', async () => {
        await agent(t, 'rotated');
        await rotateAgentKey(t.store, 'rotated');
        expect((await call('rotated-v')).record).toMatchObject({ reason: 'session-ended' });
      });

      it('refuses a disabled agent', async () => {
        await agent(t, 'gone');
        await disableAgent(t.store, 'gone');
        expect(connects((await call('gone-v')).ncco)).toBe(false);
      });

      it('refuses an agent who never signed in', async () => {
        await addAgent(t.store, 'never', { vonageUser: 'never-v' });
        expect((await call('never-v')).record).toMatchObject({ reason: 'session-ended' });
      });
    });
  });
});
