import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditPage, LiveSnapshot } from '../../src/contract/admin';
import { runAdmin } from '../admin';
import { addAgent, checkAccessKey } from '../agents';
import { newCallRecord } from '../calls/records';
import {
  adminRequest,
  consoleSignIn,
  signedInAdmin,
  type ConsoleSession,
} from '../testing/adminConsole';
import { forEachEngine, makeTestApp, type TestApp } from '../testing/support';

async function saveCall(
  t: TestApp,
  uuid: string,
  agent: string,
  status: string,
  direction = 'outbound',
) {
  const record = {
    ...newCallRecord({
      uuid,
      provider: 'builtin',
      direction: direction as 'inbound' | 'outbound',
      agent,
      from: `agent:${agent}`,
      to: 'tel:+14155552671',
      status,
      now: Date.now(),
    }),
    ...(status === 'answered' ? { answered_at: Date.now() } : {}),
  };
  await t.store.write((trx, notify) => t.store.changeCall(trx, notify, uuid, () => record));
}

/** Reads SSE events from a streaming response until `count` `call` events arrived. */
async function readCalls(res: Response, count: number): Promise<{ id: string; data: string }[]> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const out: { id: string; data: string }[] = [];
  while (out.length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      if (!/^event: call$/m.test(block)) continue;
      out.push({ id: /^id: (.*)$/m.exec(block)![1]!, data: /^data: (.*)$/m.exec(block)![1]! });
    }
  }
  await reader.cancel();
  return out;
}

async function etagOf(t: TestApp, session: ConsoleSession, name: string): Promise<string> {
  return (await adminRequest(t, `/api/admin/agents/${name}`, { session })).headers.get('etag')!;
}

forEachEngine((engine) => {
  describe('admin console', () => {
    let t: TestApp;
    let admin: ConsoleSession & { accessKey: string };

    beforeAll(async () => {
      t = await makeTestApp(engine, { adminIdleSec: 60 });
      admin = await signedInAdmin(t, 'boss');
    });
    afterAll(() => t.close());

    it('sets an HttpOnly, SameSite=Strict cookie on path /, Secure except on loopback http', async () => {
      const { accessKey } = await addAgent(t.store, 'cookie-admin', { admin: true });
      const local = await adminRequest(t, '/api/admin/session', {
        method: 'POST',
        body: { accessKey },
      });
      const cookie = local.headers.get('set-cookie')!;
      expect(cookie).toMatch(/HttpOnly/);
      expect(cookie).toMatch(/SameSite=Strict/);
      expect(cookie).toMatch(/Path=\//);
      expect(cookie).not.toMatch(/Secure/);
      const remote = await t.app.request('https://admin.example.com/api/admin/session', {
        method: 'POST',
        headers: { origin: 'https://admin.example.com', 'content-type': 'application/json' },
        body: JSON.stringify({ accessKey }),
      });
      expect(remote.status).toBe(200);
      expect(remote.headers.get('set-cookie')).toMatch(/Secure/);
      const plainRemote = await t.app.request('http://admin.example.com/api/admin/session', {
        method: 'POST',
        headers: { origin: 'http://admin.example.com', 'content-type': 'application/json' },
        body: JSON.stringify({ accessKey }),
      });
      expect(plainRemote.headers.get('set-cookie')).toMatch(/Secure/);
    });

    it('refuses sign-in posted from another site (login CSRF)', async () => {
      const res = await adminRequest(t, '/api/admin/session', {
        method: 'POST',
        body: { accessKey: admin.accessKey },
        origin: 'https://evil.example',
      });
      expect(res.status).toBe(403);
    });

    it('ends a session left idle longer than the timeout', async () => {
      const session = await consoleSignIn(t, admin.accessKey);
      expect((await adminRequest(t, '/api/admin/agents', { session })).status).toBe(200);
      await sql`update admin_sessions set last_seen_at = ${Date.now() - 61_000}`.execute(
        t.store.db,
      );
      expect((await adminRequest(t, '/api/admin/agents', { session })).status).toBe(401);
      admin = { ...(await consoleSignIn(t, admin.accessKey)), accessKey: admin.accessKey };
    });

    it('signs out this session, and everywhere', async () => {
      const a = await consoleSignIn(t, admin.accessKey);
      const b = await consoleSignIn(t, admin.accessKey);
      expect(
        (await adminRequest(t, '/api/admin/session', { method: 'DELETE', session: a })).status,
      ).toBe(204);
      expect((await adminRequest(t, '/api/admin/agents', { session: a })).status).toBe(401);
      expect((await adminRequest(t, '/api/admin/agents', { session: b })).status).toBe(200);
      const c = await consoleSignIn(t, admin.accessKey);
      const res = await adminRequest(t, '/api/admin/session/everywhere', {
        method: 'POST',
        session: b,
      });
      expect(res.status).toBe(200);
      for (const s of [b, c, admin])
        expect((await adminRequest(t, '/api/admin/agents', { session: s })).status).toBe(401);
      admin = { ...(await consoleSignIn(t, admin.accessKey)), accessKey: admin.accessKey };
    });

    it('detects conflicting edits with If-Match: 428 without, 412 when stale', async () => {
      await addAgent(t.store, 'edited');
      const etag = await etagOf(t, admin, 'edited');
      const patch = (body: unknown, ifMatch?: string) =>
        adminRequest(t, '/api/admin/agents/edited', {
          method: 'PATCH',
          body,
          session: admin,
          ...(ifMatch ? { headers: { 'if-match': ifMatch } } : {}),
        });
      expect((await patch({ cuid: 'first-cuid' })).status).toBe(428);
      const first = await patch({ cuid: 'first-cuid' }, etag);
      expect(first.status).toBe(200);
      expect(first.headers.get('etag')).not.toBe(etag);
      const second = await patch({ vonageUser: 'second-user' }, etag);
      expect(second.status).toBe(412);
      expect(await second.json()).toMatchObject({
        code: 'adminErrConflict',
        error: expect.stringMatching(/changed by someone else/),
      });
      // The CLI changes bump the version too: the console's copy is then stale.
      const fresh = first.headers.get('etag')!;
      await runAdmin(t.store, ['agent', 'disable', 'edited']);
      expect((await patch({ cuid: 'third-cuid' }, fresh)).status).toBe(412);
      const row = await t.store.getAgentByName('edited');
      expect(row).toMatchObject({ cuid: 'first-cuid', vonage_user: null, disabled: 1 });
    });

    it('validates with the shared schemas and answers field keys', async () => {
      const res = await adminRequest(t, '/api/admin/agents', {
        method: 'POST',
        body: { name: 'bad name!', vonageUser: 'has space' },
        session: admin,
      });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({
        code: 'adminErrAgentName',
        fields: { name: 'adminErrAgentName', vonageUser: 'adminErrVonageUser' },
      });
      const dup = await adminRequest(t, '/api/admin/agents', {
        method: 'POST',
        body: { name: 'boss' },
        session: admin,
      });
      expect(dup.status).toBe(409);
    });

    it('refuses to let an admin disable themself or drop their own flag', async () => {
      for (const body of [{ disabled: true }, { admin: false }]) {
        const res = await adminRequest(t, '/api/admin/agents/boss', {
          method: 'PATCH',
          body,
          session: admin,
          headers: { 'if-match': await etagOf(t, admin, 'boss') },
        });
        expect(res.status).toBe(403);
      }
    });

    it('adds an agent whose one-time key signs in to the extension; rotation replaces it', async () => {
      const added = await adminRequest(t, '/api/admin/agents', {
        method: 'POST',
        body: { name: 'newbie', vonageUser: 'newbie-v' },
        session: admin,
      });
      expect(added.status).toBe(201);
      expect(added.headers.get('cache-control')).toBe('no-store');
      const { accessKey, agent } = (await added.json()) as {
        accessKey: string;
        agent: { version: number };
      };
      const ext = await t.app.request('/api/session', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ accessKey }),
      });
      expect(ext.status).toBe(200);
      const rotated = await adminRequest(t, '/api/admin/agents/newbie/rotate-key', {
        method: 'POST',
        session: admin,
        headers: { 'if-match': `"${agent.version}"` },
      });
      expect(rotated.status).toBe(200);
      const { accessKey: newKey } = (await rotated.json()) as { accessKey: string };
      expect(await checkAccessKey(t.store, accessKey)).toBeUndefined();
      expect((await checkAccessKey(t.store, newKey))?.name).toBe('newbie');
      const { token } = (await ext.json()) as { token: string };
      const old = await t.app.request('/api/session', {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(old.status).toBe(401);
    });

    it('binds and unbinds lines, listed with their agent', async () => {
      const bind = await adminRequest(t, '/api/admin/agents/newbie/lines', {
        method: 'POST',
        body: { address: 'tel:+14155550199' },
        session: admin,
      });
      expect(bind.status).toBe(200);
      const list = (await (
        await adminRequest(t, '/api/admin/agents', { session: admin })
      ).json()) as {
        agents: { name: string; lines: string[] }[];
      };
      expect(list.agents.find((a) => a.name === 'newbie')?.lines).toEqual(['tel:+14155550199']);
      const bad = await adminRequest(t, '/api/admin/agents/newbie/lines', {
        method: 'POST',
        body: { address: 'tel:12' },
        session: admin,
      });
      expect(bad.status).toBe(400);
      const taken = await adminRequest(t, '/api/admin/agents/boss/lines', {
        method: 'POST',
        body: { address: 'tel:+14155550199' },
        session: admin,
      });
      expect(taken.status).toBe(409);
    });

    it('writes every change to an append-only audit log, from the console and the CLI', async () => {
      await runAdmin(t.store, ['agent', 'add', 'from-cli']);
      const page = (await (
        await adminRequest(t, '/api/admin/audit?limit=200', { session: admin })
      ).json()) as AuditPage;
      const actions = page.items.map(
        (e) =>
          `${e.source} ${e.actor.startsWith('cli:') ? 'cli' : e.actor} ${e.action} ${e.target}`,
      );
      expect(actions).toEqual(
        expect.arrayContaining([
          'console boss admin.sign-in boss',
          'console boss admin.sign-out-everywhere boss',
          'console boss agent.update edited',
          'cli cli agent.disable edited',
          'console boss agent.add newbie',
          'console boss agent.rotate-key newbie',
          'console boss line.add tel:+14155550199',
          'cli cli agent.add from-cli',
        ]),
      );
      expect(JSON.stringify(page)).not.toMatch(/c2c_[0-9a-f]{12}_/);
      const filtered = (await (
        await adminRequest(t, '/api/admin/audit?action=agent.rotate-key', { session: admin })
      ).json()) as AuditPage;
      expect(filtered.items.map((e) => e.target)).toEqual(['newbie']);
      await expect(sql`update audit_log set actor = 'someone'`.execute(t.store.db)).rejects.toThrow(
        /append-only/,
      );
      await expect(sql`delete from audit_log`.execute(t.store.db)).rejects.toThrow(/append-only/);
    });

    it('exports the filtered audit log as CSV with a BOM', async () => {
      const res = await adminRequest(t, '/api/admin/audit/export?actor=boss', { session: admin });
      expect(res.headers.get('content-type')).toMatch(/text\/csv/);
      const bytes = new Uint8Array(await res.arrayBuffer());
      expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const text = new TextDecoder().decode(bytes);
      expect(text.startsWith('id,at,actor,source,action,target,detail\r\n')).toBe(true);
      expect(text).toContain(',boss,console,agent.add,newbie,');
      expect(text).not.toContain('from-cli');
    });

    it('keeps a disabled agent’s calls in history under their name', async () => {
      await addAgent(t.store, 'leaver');
      await saveCall(t, 'call-leaver-1', 'leaver', 'completed');
      await runAdmin(t.store, ['agent', 'disable', 'leaver']);
      const page = await t.store.listCalls({ agent: null, limit: 50 });
      expect(page.items.find((c) => c.uuid === 'call-leaver-1')?.agent).toBe('leaver');
    });

    it('shows each agent’s presence as they set it', async () => {
      const { accessKey } = await addAgent(t.store, 'live-bo');
      const signIn = await t.app.request('/api/session', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ accessKey }),
      });
      const { token } = (await signIn.json()) as { token: string };
      const set = await t.app.request('/api/presence', {
        method: 'PUT',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ presence: 'dnd' }),
      });
      expect(set.status).toBe(200);
      const snap = (await (
        await adminRequest(t, '/api/admin/live', { session: admin })
      ).json()) as LiveSnapshot;
      expect(snap.agents.find((a) => a.name === 'live-bo')).toEqual({
        name: 'live-bo',
        signedIn: true,
        onCall: false,
        presence: 'dnd',
      });
    });

    it('shows live agents, calls and the inbound queue, then streams updates and resumes', async () => {
      const { accessKey } = await addAgent(t.store, 'live-ava');
      await t.app.request('/api/session', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ accessKey }),
      });
      await saveCall(t, 'call-live-1', 'live-ava', 'answered');
      await saveCall(t, 'call-queue-1', 'live-ava', 'ringing', 'inbound');
      const snap = (await (
        await adminRequest(t, '/api/admin/live', { session: admin })
      ).json()) as LiveSnapshot;
      expect(snap.agents.find((a) => a.name === 'live-ava')).toEqual({
        name: 'live-ava',
        signedIn: true,
        onCall: true,
        presence: 'on-call',
      });
      expect(snap.agents.find((a) => a.name === 'leaver')).toBeUndefined();
      expect(snap.calls.map((c) => c.uuid)).toContain('call-live-1');
      expect(snap.queue.map((c) => c.uuid)).toEqual(['call-queue-1']);

      const stream = await adminRequest(t, `/api/admin/live/events?after=${snap.cursor}`, {
        session: admin,
      });
      expect(stream.status).toBe(200);
      const reading = readCalls(stream, 2);
      await saveCall(t, 'call-live-1', 'live-ava', 'completed');
      await saveCall(t, 'call-queue-1', 'live-ava', 'missed', 'inbound');
      const events = await reading;
      expect(
        events.map((e) => (JSON.parse(e.data) as { uuid: string; status: string }).status),
      ).toEqual(['completed', 'missed']);
      // After a drop, Last-Event-ID resumes after the last event seen: nothing lost, nothing repeated.
      const resumed = await adminRequest(t, '/api/admin/live/events', {
        session: admin,
        headers: { 'last-event-id': events[0]!.id },
      });
      const again = await readCalls(resumed, 1);
      expect(again.map((e) => e.id)).toEqual([events[1]!.id]);
      const after = (await (
        await adminRequest(t, '/api/admin/live', { session: admin })
      ).json()) as LiveSnapshot;
      expect(after.calls.map((c) => c.uuid)).not.toContain('call-live-1');
      expect(after.queue).toEqual([]);
    });

    it('shows the environment’s settings read-only and the webhook endpoints', async () => {
      const res = await adminRequest(t, '/api/admin/settings', { session: admin });
      const settings = (await res.json()) as Record<string, unknown>;
      expect(settings).toMatchObject({
        allowedCountries: { value: [], env: 'ALLOWED_COUNTRIES', fixed: true },
        adminIdleSec: { value: 60, fixed: true },
        webhooks: [],
      });
      const bad = await adminRequest(t, '/api/admin/webhooks', {
        method: 'POST',
        body: { url: 'https://192.168.0.10/hook' },
        session: admin,
      });
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { error: string }).error).toMatch(/private|Refused/);
      const short = await adminRequest(t, '/api/admin/webhooks', {
        method: 'POST',
        body: { url: 'https://93.184.216.34/hook', secret: 'short' },
        session: admin,
      });
      expect(await short.json()).toMatchObject({ code: 'adminErrWebhookSecret' });
    });
  });
});
