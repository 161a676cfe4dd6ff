import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listDispositions } from '../calls/dispositions';
import { adminRequest, signedInAdmin, type ConsoleSession } from '../testing/adminConsole';
import { forEachEngine, makeTestApp, type TestApp } from '../testing/support';

forEachEngine((engine) => {
  describe('admin outcome list (/api/admin/dispositions)', () => {
    let t: TestApp;
    let admin: ConsoleSession;
    let other: ConsoleSession;

    beforeAll(async () => {
      t = await makeTestApp(engine);
      admin = await signedInAdmin(t, 'out-admin');
      other = await signedInAdmin(t, 'out-other');
    });
    afterAll(() => t.close());

    const read = async (session: ConsoleSession) => {
      const res = await adminRequest(t, '/api/admin/dispositions', { session });
      expect(res.status).toBe(200);
      return { tag: res.headers.get('etag')!, body: (await res.json()) as unknown };
    };
    const put = (session: ConsoleSession, body: unknown, ifMatch?: string) =>
      adminRequest(t, '/api/admin/dispositions', {
        method: 'PUT',
        session,
        body,
        ...(ifMatch ? { headers: { 'if-match': ifMatch } } : {}),
      });

    it('replaces the list with If-Match, and the audit log says who', async () => {
      const { tag } = await read(admin);
      const res = await put(admin, { items: ['Sold', ' Call  back '], requireOutcome: true }, tag);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ items: ['Sold', 'Call back'], requireOutcome: true });
      expect(await listDispositions(t.store)).toEqual({
        items: ['Sold', 'Call back'],
        requireOutcome: true,
      });
      const audit = await adminRequest(t, '/api/admin/audit?action=dispositions.set', {
        session: admin,
      });
      const { items } = (await audit.json()) as { items: { actor: string }[] };
      expect(items[0]).toMatchObject({ actor: 'out-admin' });
    });

    it('refuses a change without If-Match (428) or made on an older list (412), keeping the list', async () => {
      const { tag } = await read(admin);
      expect((await put(admin, { items: ['A'], requireOutcome: false })).status).toBe(428);
      const first = await put(other, { items: ['First'], requireOutcome: false }, tag);
      expect(first.status).toBe(200);
      const stale = await put(admin, { items: ['Second'], requireOutcome: false }, tag);
      expect(stale.status).toBe(412);
      expect((await listDispositions(t.store)).items).toEqual(['First']);
    });

    it('refuses a list that is empty, repeats a label or has a bad shape, with a message', async () => {
      const before = await listDispositions(t.store);
      for (const body of [
        { items: [], requireOutcome: false },
        { items: ['Yes', 'yes'], requireOutcome: false },
        { items: 'Yes', requireOutcome: false },
      ]) {
        const { tag } = await read(admin);
        const res = await put(admin, body, tag);
        expect(res.status).toBe(400);
        expect(((await res.json()) as { error: string }).error).toBeTruthy();
      }
      expect(await listDispositions(t.store)).toEqual(before);
    });

    it('needs the CSRF token for a change', async () => {
      const { tag } = await read(admin);
      const res = await adminRequest(t, '/api/admin/dispositions', {
        method: 'PUT',
        session: admin,
        csrf: null,
        body: { items: ['X'], requireOutcome: false },
        headers: { 'if-match': tag },
      });
      expect(res.status).toBe(403);
    });
  });
});
