import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addAgent, createSession } from '../agents';
import { importDirectoryCsv } from '../directory/store';
import { forEachEngine, makeTestApp, type TestApp } from '../testing/support';
import { LOOKUPS_PER_MINUTE } from './directory';

forEachEngine((engine) => {
  describe('GET /api/directory/lookup', () => {
    let t: TestApp;
    let token: string;
    const lookup = (query: string, bearer: string | null = token) =>
      t.app.request(`/api/directory/lookup${query}`, {
        headers: bearer ? { authorization: `Bearer ${bearer}` } : {},
      });

    beforeAll(async () => {
      t = await makeTestApp(engine);
      await addAgent(t.store, 'ava');
      token = (await createSession(t.store, (await t.store.getAgentByName('ava'))!, 3600)).token;
      await importDirectoryCsv(
        t.store.db,
        'name,company,numbers,record_url\nAva Thompson,Acme,+14155552671,https://crm.example.com/r/1\n',
        'replace',
      );
    });
    afterAll(() => t.close());

    it('answers the one person with that number, and null for an unknown one', async () => {
      const res = await lookup(`?number=${encodeURIComponent('+14155552671')}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(await res.json()).toEqual({
        contact: {
          name: 'Ava Thompson',
          company: 'Acme',
          recordUrl: 'https://crm.example.com/r/1',
        },
      });
      const unknown = await lookup(`?number=${encodeURIComponent('+14155550000')}`);
      expect(await unknown.json()).toEqual({ contact: null });
    });

    it('refuses callers who are not signed in', async () => {
      expect((await lookup('?number=%2B14155552671', null)).status).toBe(401);
      expect((await lookup('?number=%2B14155552671', `c2c_${'x'.repeat(40)}`)).status).toBe(401);
    });

    it.each([
      ['no number', ''],
      ['a number that is not E.164', '?number=4155552671'],
      ['a prefix (no listing by pattern)', '?number=%2B1415%25'],
      ['two numbers', '?number=%2B14155552671&number=%2B14155550000'],
      ['an extra parameter', '?number=%2B14155552671&all=1'],
    ])('refuses %s', async (_label, query) => {
      expect((await lookup(query)).status).toBe(400);
    });

    it('has no list endpoint', async () => {
      expect((await lookup('/../')).status).toBe(404);
      const list = await t.app.request('/api/directory', {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(list.status).toBe(404);
    });

    it('rate-limits each agent', async () => {
      await addAgent(t.store, 'scraper');
      const row = (await t.store.getAgentByName('scraper'))!;
      const own = (await createSession(t.store, row, 3600)).token;
      let limited: Response | undefined;
      for (let i = 0; i <= LOOKUPS_PER_MINUTE; i++) {
        const res = await lookup(`?number=%2B1415555${String(1000 + i)}`, own);
        if (res.status === 429) {
          limited = res;
          break;
        }
        expect(res.status).toBe(200);
      }
      expect(limited?.status).toBe(429);
      expect(Number(limited?.headers.get('retry-after'))).toBeGreaterThan(0);
      // Another agent is not affected.
      expect((await lookup('?number=%2B14155552671')).status).toBe(200);
    });
  });
});
