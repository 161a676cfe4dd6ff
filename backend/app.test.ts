import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { verifySignature } from '@vonage/jwt';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addAgent, disableAgent, rotateAgentKey } from './agents';
import type { NewCall } from './db/schema';
import {
  EXTENSION_ORIGIN,
  forEachEngine,
  makeTestApp,
  tempDir,
  testVonageConfig,
  type TestApp,
} from './testing/support';

const json = (body: unknown, headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});
const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

function call(
  uuid: string,
  agent: string,
  createdAt: number,
  extra: Partial<NewCall> = {},
): NewCall {
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
    created_at: createdAt,
    started_at: createdAt,
    answered_at: createdAt + 1000,
    ended_at: createdAt + 5000,
    duration: 4,
    price: null,
    rate: null,
    network: null,
    updated_at: createdAt + 5000,
    ...extra,
  };
}

forEachEngine((engine) => {
  describe('sessions, auth and history', () => {
    let t: TestApp;
    let key: string;
    const signIn = async (accessKey: string) => t.app.request('/api/session', json({ accessKey }));

    beforeAll(async () => {
      t = await makeTestApp(engine, {
        clevertap: { accountId: 'CT-ACCOUNT', apiKey: 'ct-key', projectId: 'TEST-PROJ-1' },
      });
      key = (await addAgent(t.store, 'alice', { vonageUser: 'alice-v', cuid: 'cuid-alice' }))
        .accessKey;
      await addAgent(t.store, 'root', { admin: true });
    });
    afterAll(() => t.close());

    it('signs in with a valid key and returns token, expiry and agent', async () => {
      const res = await signIn(key);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { token: string; expiresAt: number; agent: unknown };
      expect(body.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(body.expiresAt).toBeGreaterThan(Date.now() + 3600_000);
      expect(body.agent).toEqual({
        name: 'alice',
        admin: false,
        vonageUser: 'alice-v',
        cuid: 'cuid-alice',
      });
      const me = await t.app.request('/api/session', bearer(body.token));
      expect(await me.json()).toMatchObject({ agent: { name: 'alice' } });
    });

    it.each([
      ['a wrong secret', () => key.slice(0, -4) + 'AAAA'],
      ['an unknown key', () => 'c2c_000000000000_' + 'A'.repeat(32)],
      ['garbage', () => 'hello'],
    ])('refuses %s with 401', async (_label, make) => {
      const res = await signIn(make());
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: expect.stringMatching(/access key/) });
    });

    it('answers 400 for a malformed body, never 500', async () => {
      for (const body of ['{', '[]', '{"accessKey": 5}', '']) {
        const res = await t.app.request('/api/session', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        });
        expect(res.status).toBe(400);
      }
    });

    it('rate-limits sign-in attempts per key', async () => {
      const { accessKey } = await addAgent(t.store, 'target');
      const wrong = accessKey.slice(0, -4) + 'ZZZZ';
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++) statuses.push((await signIn(wrong)).status);
      expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
      expect(statuses[6]).toBe(429);
      // Even the right key waits now: the limit is per key id, not per guess.
      const res = await signIn(accessKey);
      expect(res.status).toBe(429);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    });

    it('needs a bearer token on /api routes; sign-out, rotation and disabling end sessions', async () => {
      expect((await t.app.request('/api/calls')).status).toBe(401);
      expect((await t.app.request('/api/calls', bearer('x'.repeat(43)))).status).toBe(401);
      const { accessKey } = await addAgent(t.store, 'bob');
      const token = ((await (await signIn(accessKey)).json()) as { token: string }).token;
      expect((await t.app.request('/api/calls', bearer(token))).status).toBe(200);
      const out = await t.app.request('/api/session', { method: 'DELETE', ...bearer(token) });
      expect(out.status).toBe(204);
      expect((await t.app.request('/api/calls', bearer(token))).status).toBe(401);

      const token2 = ((await (await signIn(accessKey)).json()) as { token: string }).token;
      const { accessKey: rotated } = await rotateAgentKey(t.store, 'bob');
      expect((await t.app.request('/api/calls', bearer(token2))).status).toBe(401);
      expect((await signIn(accessKey)).status).toBe(401);
      const token3 = ((await (await signIn(rotated)).json()) as { token: string }).token;
      await disableAgent(t.store, 'bob');
      expect((await t.app.request('/api/calls', bearer(token3))).status).toBe(401);
      expect((await signIn(rotated)).status).toBe(401);
    });

    it('pages through the agent’s calls newest first; all=1 only for admins', async () => {
      const base = Date.now() - 100_000;
      await t.store.tx(async (trx, notify) => {
        for (let i = 0; i < 7; i++) {
          const row = call(`hist-alice-${i}`, 'alice', base + i * 10);
          await t.store.changeCall(trx, notify, row.uuid, () => row);
        }
        const other = call('hist-root-0', 'root', base + 5);
        await t.store.changeCall(trx, notify, other.uuid, () => other);
        const leg = call('hist-alice-leg', 'alice', base + 100, { parent_uuid: 'hist-alice-6' });
        await t.store.changeCall(trx, notify, leg.uuid, () => leg);
      });
      const token = ((await (await signIn(key)).json()) as { token: string }).token;
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res = await t.app.request(
          `/api/calls?limit=3${cursor ? `&cursor=${cursor}` : ''}`,
          bearer(token),
        );
        expect(res.status).toBe(200);
        const page = (await res.json()) as {
          items: { uuid: string; status: string; direction: string }[];
          nextCursor: string | null;
        };
        seen.push(...page.items.map((i) => i.uuid));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toEqual([6, 5, 4, 3, 2, 1, 0].map((i) => `hist-alice-${i}`));
      expect((await t.app.request('/api/calls?all=1', bearer(token))).status).toBe(403);
      expect((await t.app.request('/api/calls?limit=0', bearer(token))).status).toBe(400);
      expect((await t.app.request('/api/calls?cursor=%%%', bearer(token))).status).toBe(400);

      const { accessKey: rootKey } = await rotateAgentKey(t.store, 'root');
      const rootToken = ((await (await signIn(rootKey)).json()) as { token: string }).token;
      const all = (await (
        await t.app.request('/api/calls?all=1&limit=200', bearer(rootToken))
      ).json()) as {
        items: { uuid: string }[];
      };
      expect(all.items.map((i) => i.uuid)).toContain('hist-root-0');
      expect(all.items.map((i) => i.uuid)).toContain('hist-alice-0');
      const mine = (await (await t.app.request('/api/calls', bearer(rootToken))).json()) as {
        items: { uuid: string }[];
      };
      expect(mine.items.map((i) => i.uuid)).toEqual(['hist-root-0']);
    });

    it('returns the CleverTap settings to signed-in agents only', async () => {
      expect((await t.app.request('/api/token/clevertap')).status).toBe(401);
      const token = ((await (await signIn(key)).json()) as { token: string }).token;
      const res = await t.app.request('/api/token/clevertap', bearer(token));
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({
        accountId: 'CT-ACCOUNT',
        apiKey: 'ct-key',
        clevertapAccountId: 'TEST-PROJ-1',
        cuid: 'cuid-alice',
        displayName: 'alice',
      });
    });

    it('answers 503 with a clear message for Vonage tokens when Vonage is not configured', async () => {
      const token = ((await (await signIn(key)).json()) as { token: string }).token;
      const res = await t.app.request('/api/token/vonage', { method: 'POST', ...bearer(token) });
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({
        error: expect.stringMatching(/Vonage is not configured/),
      });
    });
  });
});

describe('Vonage SDK token', () => {
  let t: TestApp;
  let publicKeyPem: string;
  const dir = tempDir();

  beforeAll(async () => {
    const fixture = testVonageConfig(dir.path, { jwtTtlSec: 900 });
    publicKeyPem = fixture.publicKeyPem;
    t = await makeTestApp('sqlite', { vonage: fixture.vonage, clevertap: undefined });
  });
  afterAll(async () => {
    await t.close();
    dir.remove();
  });

  it('issues an RS256 JWT per agent that Vonage’s own library verifies', async () => {
    const { accessKey } = await addAgent(t.store, 'vera', { vonageUser: 'vera-v' });
    const token = (
      (await (await t.app.request('/api/session', json({ accessKey }))).json()) as { token: string }
    ).token;
    const res = await t.app.request('/api/token/vonage', { method: 'POST', ...bearer(token) });
    expect(res.status).toBe(200);
    const { jwt, expiresAt } = (await res.json()) as { jwt: string; expiresAt: number };
    expect(verifySignature(jwt, publicKeyPem)).toBe(true);
    const other = createPublicKey(readFileSync(t.deps.config.vonage!.privateKeyPath)).export({
      type: 'spki',
      format: 'pem',
    });
    expect(verifySignature(jwt, other)).toBe(true);
    const claims = decodeJwt(jwt);
    expect(claims).toMatchObject({
      application_id: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee',
      sub: 'vera-v',
    });
    expect(claims.exp! - claims.iat!).toBe(900);
    expect(expiresAt).toBe(claims.exp! * 1000);
    expect(typeof claims.jti).toBe('string');
    expect(Object.keys((claims.acl as { paths: object }).paths)).toContain('/*/rtc/**');
    // A second token has its own jti.
    const again = (await (
      await t.app.request('/api/token/vonage', { method: 'POST', ...bearer(token) })
    ).json()) as { jwt: string };
    expect(decodeJwt(again.jwt).jti).not.toBe(claims.jti);
    // Without a signed-in agent: nothing.
    expect((await t.app.request('/api/token/vonage', { method: 'POST' })).status).toBe(401);
  });

  it('tells an agent without a Vonage user what is missing', async () => {
    const { accessKey } = await addAgent(t.store, 'novonage');
    const token = (
      (await (await t.app.request('/api/session', json({ accessKey }))).json()) as { token: string }
    ).token;
    const res = await t.app.request('/api/token/vonage', { method: 'POST', ...bearer(token) });
    expect(res.status).toBe(409);
    expect(await res.json()).toEqual({ error: expect.stringMatching(/--vonage-user/) });
  });
});

describe('HTTP hardening', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeTestApp('sqlite', { allowedOrigins: ['https://crm.example.com'] });
  });
  afterAll(() => t.close());

  it('allows CORS only for the extension (Chrome id, any Firefox install) and ALLOWED_ORIGINS', async () => {
    const preflight = (origin: string) =>
      t.app.request('/api/session', {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type',
        },
      });
    expect((await preflight(EXTENSION_ORIGIN)).headers.get('access-control-allow-origin')).toBe(
      EXTENSION_ORIGIN,
    );
    expect(
      (await preflight('https://crm.example.com')).headers.get('access-control-allow-origin'),
    ).toBe('https://crm.example.com');
    expect(
      (await preflight('https://evil.example')).headers.get('access-control-allow-origin'),
    ).toBeNull();
    // Any Firefox install's random origin; nothing that only looks like one.
    const firefox = 'moz-extension://0b7e2a4c-9d3f-4e1a-8c6b-5f2d1e0a9b37';
    expect((await preflight(firefox)).headers.get('access-control-allow-origin')).toBe(firefox);
    for (const origin of ['moz-extension://evil.example', `${firefox}.evil.example`]) {
      expect((await preflight(origin)).headers.get('access-control-allow-origin')).toBeNull();
    }
  });

  it('sets security headers; pages may use the microphone, same-origin scripts and WebSocket', async () => {
    const api = await t.app.request('/healthz');
    expect(api.headers.get('x-content-type-options')).toBe('nosniff');
    expect(api.headers.get('content-security-policy')).toContain("default-src 'none'");
    const page = await t.app.request('/softphone');
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(page.headers.get('permissions-policy')).toContain('microphone=(self)');
    expect(page.headers.get('x-request-id')).toBeTruthy();
  });

  it('limits body size and hides internals', async () => {
    const big = await t.app.request('/api/session', json({ accessKey: 'x'.repeat(70_000) }));
    expect(big.status).toBe(413);
    const missing = await t.app.request('/nope');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: 'Not found' });
  });

  it('does not mount the demo unless DEMO=1', async () => {
    expect((await t.app.request('/demo')).status).toBe(404);
    const demo = await makeTestApp('sqlite', { demo: true });
    try {
      expect((await demo.app.request('/demo')).status).toBe(200);
    } finally {
      await demo.close();
    }
  });

  it('reports health and readiness', async () => {
    expect(await (await t.app.request('/healthz')).json()).toEqual({ ok: true });
    expect((await t.app.request('/readyz')).status).toBe(200);
  });
});
