import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addAgent } from '../agents';
import { forEachEngine, makeTestApp, type TestApp } from '../testing/support';
import { adminRequest, consoleSignIn, signedInAdmin } from '../testing/adminConsole';

interface Endpoint {
  method: string;
  path: string;
  body?: unknown;
  /** The status an admin gets. */
  ok: number;
}

/** Every admin API, in an order that keeps each one valid for the admin run. */
const ENDPOINTS: Endpoint[] = [
  { method: 'GET', path: '/api/admin/session', ok: 200 },
  { method: 'GET', path: '/api/admin/live', ok: 200 },
  { method: 'GET', path: '/api/admin/agents', ok: 200 },
  { method: 'POST', path: '/api/admin/agents', body: { name: 'm-new' }, ok: 201 },
  { method: 'GET', path: '/api/admin/agents/m-target', ok: 200 },
  {
    method: 'POST',
    path: '/api/admin/agents/m-target/lines',
    body: { address: 'tel:+14155550101' },
    ok: 200,
  },
  {
    method: 'DELETE',
    path: `/api/admin/agents/m-target/lines/${encodeURIComponent('tel:+14155550101')}`,
    ok: 200,
  },
  { method: 'GET', path: '/api/admin/settings', ok: 200 },
  { method: 'GET', path: '/api/admin/webhooks', ok: 200 },
  { method: 'GET', path: '/api/admin/audit', ok: 200 },
  { method: 'GET', path: '/api/admin/audit/export', ok: 200 },
  { method: 'GET', path: '/api/admin/dispositions', ok: 200 },
  { method: 'GET', path: '/api/admin/history', ok: 200 },
  { method: 'GET', path: '/api/admin/reports/outcomes', ok: 200 },
  { method: 'GET', path: '/api/admin/calls/export?format=csv', ok: 200 },
  { method: 'POST', path: '/api/admin/session/everywhere', ok: 200 },
];

/** Endpoints that need a fresh If-Match (checked apart below). */
const VERSIONED = ['/api/admin/agents/m-target', '/api/admin/agents/m-target/rotate-key'];

forEachEngine((engine) => {
  describe('admin API authorization', () => {
    let t: TestApp;
    let agentToken: string;
    let agentKey: string;

    beforeAll(async () => {
      t = await makeTestApp(engine);
      await addAgent(t.store, 'm-target');
      agentKey = (await addAgent(t.store, 'm-agent')).accessKey;
      agentToken = await signIn2(t, agentKey);
    });
    afterAll(() => t.close());

    it.each(ENDPOINTS)('$method $path: refused signed out', async ({ method, path, body }) => {
      const res = await adminRequest(t, path, { method, body });
      expect(res.status).toBe(401);
    });

    it.each(ENDPOINTS)(
      '$method $path: refused with an agent’s (or an admin’s) bearer token',
      async ({ method, path, body }) => {
        const admin = await addAgent(t.store, `bearer-${Math.random().toString(36).slice(2, 8)}`, {
          admin: true,
        });
        for (const token of [agentToken, await signIn2(t, admin.accessKey)]) {
          const res = await adminRequest(t, path, {
            method,
            body,
            headers: { authorization: `Bearer ${token}` },
          });
          expect(res.status).toBe(401);
        }
      },
    );

    it('a non-admin agent cannot open a console session', async () => {
      const res = await adminRequest(t, '/api/admin/session', {
        method: 'POST',
        body: { accessKey: agentKey },
      });
      expect(res.status).toBe(401);
      expect(res.headers.get('set-cookie')).toBeNull();
    });

    it.each(ENDPOINTS.filter((e) => e.method !== 'GET'))(
      '$method $path: refused without the CSRF token, with a wrong one, or from another origin',
      async ({ method, path, body }) => {
        const session = await signedInAdmin(t, `csrf-${Math.random().toString(36).slice(2, 8)}`);
        const attempts = [
          { csrf: null },
          { csrf: 'x'.repeat(32) },
          { csrf: session.csrf.slice(0, -1) + (session.csrf.endsWith('A') ? 'B' : 'A') },
          { origin: 'https://evil.example' },
          { origin: null },
        ];
        for (const attempt of attempts) {
          const res = await adminRequest(t, path, { method, body, session, ...attempt });
          expect([attempt, res.status]).toEqual([attempt, 403]);
        }
      },
    );

    it.each(ENDPOINTS)(
      '$method $path: allowed for an admin',
      async ({ method, path, body, ok }) => {
        const session = await signedInAdmin(t, `ok-${Math.random().toString(36).slice(2, 8)}`);
        const res = await adminRequest(t, path, { method, body, session });
        expect([path, res.status]).toEqual([path, ok]);
        if (method === 'POST' && path === '/api/admin/agents')
          expect(((await res.json()) as { accessKey: string }).accessKey).toMatch(/^c2c_/);
      },
    );

    it.each(VERSIONED)(
      '%s: allowed with the current If-Match, refused for others',
      async (path) => {
        const session = await signedInAdmin(t, `v-${Math.random().toString(36).slice(2, 8)}`);
        const method = path.endsWith('rotate-key') ? 'POST' : 'PATCH';
        const body = method === 'PATCH' ? { cuid: 'cuid-12345' } : undefined;
        const current = await adminRequest(t, '/api/admin/agents/m-target', { session });
        const etag = current.headers.get('etag')!;
        for (const req of [
          { session: undefined },
          { session, csrf: null },
          { session, origin: 'https://evil.example' },
          { session: undefined, headers: { authorization: `Bearer ${agentToken}` } },
        ]) {
          const res = await adminRequest(t, path, {
            method,
            body,
            ...req,
            headers: { 'if-match': etag, ...req.headers },
          });
          expect([401, 403]).toContain(res.status);
        }
        const res = await adminRequest(t, path, {
          method,
          body,
          session,
          headers: { 'if-match': etag },
        });
        expect(res.status).toBe(200);
      },
    );

    it('a disabled admin’s console session stops working at once', async () => {
      const first = await signedInAdmin(t, 'dis-first');
      const second = await signedInAdmin(t, 'dis-second');
      const etag = (
        await adminRequest(t, '/api/admin/agents/dis-second', { session: first })
      ).headers.get('etag')!;
      const res = await adminRequest(t, '/api/admin/agents/dis-second', {
        method: 'PATCH',
        body: { disabled: true },
        session: first,
        headers: { 'if-match': etag },
      });
      expect(res.status).toBe(200);
      for (const { method, path, body } of ENDPOINTS) {
        const denied = await adminRequest(t, path, { method, body, session: second });
        expect([path, denied.status]).toEqual([path, 401]);
      }
      // Enabled again, the old session stays ended (disabling signed it out); a new sign-in works.
      const etag2 = (
        await adminRequest(t, '/api/admin/agents/dis-second', { session: first })
      ).headers.get('etag')!;
      await adminRequest(t, '/api/admin/agents/dis-second', {
        method: 'PATCH',
        body: { disabled: false },
        session: first,
        headers: { 'if-match': etag2 },
      });
      expect((await adminRequest(t, '/api/admin/agents', { session: second })).status).toBe(401);
      const again = await consoleSignIn(t, second.accessKey);
      expect((await adminRequest(t, '/api/admin/agents', { session: again })).status).toBe(200);
    });

    it('removing the admin flag ends the console session; the extension session stays', async () => {
      const first = await signedInAdmin(t, 'flag-first');
      const second = await signedInAdmin(t, 'flag-second');
      const token = await signIn2(t, second.accessKey);
      const etag = (
        await adminRequest(t, '/api/admin/agents/flag-second', { session: first })
      ).headers.get('etag')!;
      await adminRequest(t, '/api/admin/agents/flag-second', {
        method: 'PATCH',
        body: { admin: false },
        session: first,
        headers: { 'if-match': etag },
      });
      expect((await adminRequest(t, '/api/admin/agents', { session: second })).status).toBe(401);
      const ext = await t.app.request('/api/session', {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(ext.status).toBe(200);
      expect(
        (
          await adminRequest(t, '/api/admin/session', {
            method: 'POST',
            body: { accessKey: second.accessKey },
          })
        ).status,
      ).toBe(401);
    });
  });
});

/** Signs in to the extension API through app.request (no server). */
async function signIn2(t: TestApp, accessKey: string): Promise<string> {
  const res = await t.app.request('/api/session', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ accessKey }),
  });
  return ((await res.json()) as { token: string }).token;
}
