import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewCall } from '../db/schema';
import { callRow, forEachEngine, makeTestApp, type TestApp } from '../testing/support';
import { historyRoutes } from './history';
import type { CallDetail, HistoryPage } from './historyQueries';

const T0 = Date.UTC(2026, 10, 2, 9, 0, 0);
const MIN = 60_000;

const call = (uuid: string, created: number, extra: Partial<NewCall> = {}) =>
  callRow(uuid, created, { from_addr: 'tel:+14155550100', ...extra });

forEachEngine((engine) => {
  describe('admin history', () => {
    let t: TestApp;
    let app: Hono;
    const get = async <T>(path: string) => {
      const res = await app.request(`/api/admin/history${path}`);
      return { status: res.status, body: (await res.json()) as T };
    };

    beforeAll(async () => {
      t = await makeTestApp(engine);
      app = new Hono().route('/api/admin/history', historyRoutes(t.deps));
      const rows: NewCall[] = [
        call('c-01', T0, { contact_name: 'Ava Thompson', notes: 'Wants a 50% discount' }),
        call('c-02', T0 + MIN, {
          agent: 'ben',
          direction: 'inbound',
          status: 'busy',
          answered_at: null,
          duration: null,
        }),
        call('c-03', T0 + 2 * MIN, { to_addr: '+34911234567', disposition: 'Interested' }),
        call('c-04', T0 + 3 * MIN, {
          agent: 'ben',
          status: 'unanswered',
          answered_at: null,
          contact_name: '山田 太郎',
        }),
        // Second leg of c-03: never listed on its own.
        call('c-03-leg2', T0 + 2 * MIN, { parent_uuid: 'c-03' }),
        call('c-05', T0 + 86_400_000, { notes: 'under_score test', disposition: 'Call back' }),
      ];
      // 30 calls at the very same millisecond: paging must neither repeat nor skip one.
      for (let i = 0; i < 30; i++)
        rows.push(call(`tie-${String(i).padStart(2, '0')}`, T0 + 10 * MIN, { agent: 'cy' }));
      await t.store.db.insertInto('calls').values(rows).execute();
      await t.store.db
        .updateTable('calls')
        .set({ conversation_uuid: 'CON-1' })
        .where('uuid', '=', 'c-03')
        .execute();
      await t.store.db
        .insertInto('call_legs')
        .values([
          { uuid: 'c-03', call_uuid: 'c-03', state: JSON.stringify(call('c-03', T0 + 2 * MIN)) },
          {
            uuid: 'c-03-leg2',
            call_uuid: 'c-03',
            state: JSON.stringify(call('c-03-leg2', T0 + 2 * MIN, { status: 'answered' })),
          },
        ])
        .execute();
      await t.store.db
        .insertInto('vonage_events')
        .values([
          {
            dedupe_key: 'e1',
            uuid: 'c-03',
            conversation_uuid: 'CON-1',
            status: 'started',
            received_at: T0 + 2 * MIN,
            body: '{}',
          },
          {
            dedupe_key: 'e2',
            uuid: 'c-03-leg2',
            conversation_uuid: 'CON-1',
            status: 'answered',
            received_at: T0 + 2 * MIN + 4000,
            body: '{}',
          },
          {
            dedupe_key: 'e3',
            uuid: 'other',
            conversation_uuid: 'CON-2',
            status: 'started',
            received_at: T0,
            body: '{}',
          },
        ])
        .execute();
      await t.store.db
        .insertInto('call_updates')
        .values({
          agent: 'ava',
          call_uuid: 'c-03',
          data: JSON.stringify({ status: 'completed' }),
          created_at: T0 + 3 * MIN,
        })
        .execute();
    });
    afterAll(() => t.close());

    const uuids = (page: HistoryPage) => page.items.map((i) => i.uuid);

    it('lists top-level calls newest first, legs left out', async () => {
      const { status, body } = await get<HistoryPage>('?limit=200');
      expect(status).toBe(200);
      expect(body.items).toHaveLength(35);
      expect(uuids(body)[0]).toBe('c-05');
      expect(uuids(body)).not.toContain('c-03-leg2');
      expect(uuids(body).slice(-4)).toEqual(['c-04', 'c-03', 'c-02', 'c-01']);
      expect(body.nextCursor).toBeNull();
      expect(body.prevCursor).toBeNull();
    });

    it.each([
      ['?agent=ben', ['c-04', 'c-02']],
      ['?direction=inbound', ['c-02']],
      ['?status=busy,unanswered', ['c-04', 'c-02']],
      ['?outcome=Interested', ['c-03']],
      ['?from=2026-11-03', ['c-05']],
      ['?to=2026-11-02&agent=ava', ['c-03', 'c-01']],
      ['?from=2026-11-02T09:01:00Z&to=2026-11-02T09:03:00Z', ['c-03', 'c-02']],
      ['?q=thompson', ['c-01']],
      ['?q=山田', ['c-04']],
      ['?q=3491123', ['c-03']],
      ['?q=50%25', ['c-01']],
      ['?q=a_T', []],
      ['?q=under_', ['c-05']],
      ['?q=BEN', ['c-04', 'c-02']],
    ])('filters and searches: %s', async (query, expected) => {
      const { status, body } = await get<HistoryPage>(
        `${query}${query.includes('?') ? '&' : '?'}limit=200`,
      );
      expect(status).toBe(200);
      expect(uuids(body).filter((u) => !u.startsWith('tie-'))).toEqual(expected);
    });

    it('pages through ties at one timestamp without repeating or skipping, forward and back', async () => {
      const seen: string[] = [];
      const pages: HistoryPage[] = [];
      let cursor: string | null = null;
      do {
        const { body }: { body: HistoryPage } = await get<HistoryPage>(
          `?agent=cy&limit=7${cursor ? `&after=${cursor}` : ''}`,
        );
        pages.push(body);
        seen.push(...uuids(body));
        cursor = body.nextCursor;
      } while (cursor);
      expect(pages).toHaveLength(5);
      expect(seen).toEqual(
        Array.from({ length: 30 }, (_, i) => `tie-${String(29 - i).padStart(2, '0')}`),
      );
      expect(pages[0]!.prevCursor).toBeNull();
      // Back from the last page: the same pages, in the same order.
      let back = pages[pages.length - 1]!.prevCursor;
      for (let i = pages.length - 2; i >= 0; i--) {
        const { body } = await get<HistoryPage>(`?agent=cy&limit=7&before=${back}`);
        expect(uuids(body)).toEqual(uuids(pages[i]!));
        back = body.prevCursor;
      }
      expect(back).toBeNull();
    });

    it.each([
      ['?limit=0'],
      ['?limit=500'],
      ['?direction=sideways'],
      ['?status=exploded'],
      ['?from=2026-13-01'],
      ['?from=2026-11-03&to=2026-11-01'],
      ['?after=bm90LWEtY3Vyc29y'],
      ['?after=x&before=y'],
      [`?q=${'x'.repeat(101)}`],
    ])('refuses %s with a reason', async (query) => {
      const { status, body } = await get<{ error: string }>(query);
      expect(status).toBe(400);
      expect(body.error).toMatch(/\w{4}/);
    });

    it("shows a call's detail: record, legs, timeline, notes", async () => {
      const { status, body } = await get<CallDetail>('/c-03');
      expect(status).toBe(200);
      expect(body.call).toMatchObject({
        uuid: 'c-03',
        conversationUuid: 'CON-1',
        disposition: 'Interested',
      });
      expect(body.legs.map((l) => [l.uuid, l.status])).toEqual([
        ['c-03', 'completed'],
        ['c-03-leg2', 'answered'],
      ]);
      expect(body.timeline.map((e) => [e.source, e.status, e.leg])).toEqual([
        ['vonage', 'started', 'c-03'],
        ['vonage', 'answered', 'c-03-leg2'],
        ['update', 'completed', null],
      ]);
      const notes = await get<CallDetail>('/c-01');
      expect(notes.body.call.notes).toBe('Wants a 50% discount');
      expect(notes.body.legs).toEqual([]);
    });

    it('answers 404 for an unknown call and for a second leg', async () => {
      expect((await get('/nope')).status).toBe(404);
      expect((await get('/c-03-leg2')).status).toBe(404);
    });
  });
});
