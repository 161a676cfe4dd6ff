import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedCalls } from '../../scripts/seed';
import type { CallRow, NewCall } from '../db/schema';
import { callRow, forEachEngine, makeTestApp, type TestApp } from '../testing/support';
import { reportsRoutes } from './reports';
import type { AgentRow, HourRow, OutcomeRow, PerDayRow } from './reportsQueries';
import { offsetAt, offsetPieces, zonedMidnight } from './timeZone';

const HOUR = 3_600_000;

describe('time zones', () => {
  it('finds the DST transitions of a range to the minute', () => {
    const from = Date.UTC(2026, 0, 1);
    const to = Date.UTC(2027, 0, 1);
    expect(offsetPieces('Europe/Madrid', from, to)).toEqual([
      { start: from, offsetMs: HOUR },
      { start: Date.UTC(2026, 2, 29, 1), offsetMs: 2 * HOUR },
      { start: Date.UTC(2026, 9, 25, 1), offsetMs: HOUR },
    ]);
    expect(offsetPieces('UTC', from, to)).toEqual([{ start: from, offsetMs: 0 }]);
    expect(offsetPieces('Asia/Kolkata', from, to)).toEqual([{ start: from, offsetMs: 5.5 * HOUR }]);
  });

  it('starts a day at local midnight', () => {
    expect(zonedMidnight('2026-07-01', 'America/New_York')).toBe(Date.UTC(2026, 6, 1, 4));
    expect(zonedMidnight('2026-03-29', 'Europe/Madrid')).toBe(Date.UTC(2026, 2, 28, 23));
    expect(offsetAt('America/New_York', Date.UTC(2026, 0, 1))).toBe(-5 * HOUR);
  });
});

// A known dataset around the Madrid DST change of 2026-03-29 (02:00 → 03:00 local).
const M = (day: number, hour: number) => Date.UTC(2026, 2, day, hour); // UTC
const KNOWN: NewCall[] = [
  callRow('k1', M(27, 8)), // Fri 09:00 Madrid (+1)
  callRow('k2', M(27, 8) + 1000, { status: 'busy', answered_at: null, duration: null }),
  callRow('k3', M(28, 23) + 30 * 60_000, { agent: 'ben', duration: 30 }), // Sun 00:30 Madrid
  callRow('k4', M(29, 9), { agent: 'ben', duration: 90, disposition: 'Interested' }), // Sun 11:00 (+2)
  callRow('k5', M(30, 22), { status: 'unanswered', answered_at: null, duration: null }), // Tue 00:00
  callRow('k5-leg', M(30, 22), { parent_uuid: 'k5' }),
  callRow('out-of-range', M(31, 23)), // Wed 01:00 local, after the range
];

forEachEngine((engine) => {
  describe('admin reports', () => {
    let t: TestApp;
    let app: Hono;
    const get = async <T>(path: string) => {
      const res = await app.request(`/api/admin/reports${path}`);
      return { status: res.status, body: (await res.json()) as { rows: T; error?: string } };
    };

    beforeAll(async () => {
      t = await makeTestApp(engine);
      app = new Hono().route('/api/admin/reports', reportsRoutes(t.deps));
      await t.store.db.insertInto('calls').values(KNOWN).execute();
    });
    afterAll(() => t.close());

    const madrid = '?from=2026-03-27&to=2026-03-30&tz=Europe/Madrid';

    it('counts calls per local day per agent', async () => {
      const { status, body } = await get<PerDayRow[]>(`/per-day${madrid}`);
      expect(status).toBe(200);
      expect(body.rows).toEqual([
        { day: '2026-03-27', agent: 'ava', calls: 2 },
        { day: '2026-03-29', agent: 'ben', calls: 2 },
      ]);
      const utc = await get<PerDayRow[]>('/per-day?from=2026-03-27&to=2026-03-30');
      expect(utc.body.rows).toEqual([
        { day: '2026-03-27', agent: 'ava', calls: 2 },
        { day: '2026-03-28', agent: 'ben', calls: 1 },
        { day: '2026-03-29', agent: 'ben', calls: 1 },
        { day: '2026-03-30', agent: 'ava', calls: 1 },
      ]);
    });

    it('gives answer rate and average talk time per agent', async () => {
      const { body } = await get<AgentRow[]>('/agents?from=2026-03-27&to=2026-03-30');
      expect(body.rows).toEqual([
        {
          agent: 'ava',
          calls: 3,
          answered: 1,
          answerRate: 1 / 3,
          talkSeconds: 60,
          avgTalkSeconds: 60,
        },
        {
          agent: 'ben',
          calls: 2,
          answered: 2,
          answerRate: 1,
          talkSeconds: 120,
          avgTalkSeconds: 60,
        },
      ]);
    });

    it('puts calls in the local weekday × hour, across a DST change', async () => {
      const { body } = await get<HourRow[]>(`/hours${madrid}`);
      expect(body.rows).toEqual([
        { weekday: 4, hour: 9, calls: 2 },
        { weekday: 6, hour: 0, calls: 1 },
        { weekday: 6, hour: 11, calls: 1 },
      ]);
      const tokyo = await get<HourRow[]>('/hours?from=2026-03-31&to=2026-03-31&tz=Asia/Tokyo');
      expect(tokyo.body.rows).toEqual([{ weekday: 1, hour: 7, calls: 1 }]);
    });

    it('splits outcomes: the wrap-up outcome, else the status', async () => {
      const { body } = await get<OutcomeRow[]>('/outcomes?from=2026-03-27&to=2026-03-30');
      expect(body.rows).toEqual([
        { outcome: 'completed', calls: 2 },
        { outcome: 'Interested', calls: 1 },
        { outcome: 'busy', calls: 1 },
        { outcome: 'unanswered', calls: 1 },
      ]);
    });

    it.each([
      ['/agents?tz=Mars/Olympus'],
      ['/agents?from=2026-02-30'],
      ['/agents?from=2026-03-05&to=2026-03-01'],
      ['/agents?from=2024-01-01&to=2026-01-01'],
    ])('refuses %s with a reason', async (path) => {
      const { status, body } = await get(path);
      expect(status).toBe(400);
      expect(body.error).toMatch(/\w{4}/);
    });

    it('defaults to the last 30 days', async () => {
      const res = await app.request('/api/admin/reports/outcomes');
      const body = (await res.json()) as { from: number; to: number; tz: string };
      expect(body.tz).toBe('UTC');
      expect(body.to - body.from).toBe(30 * 86_400_000);
      expect(body.to).toBeGreaterThan(Date.now());
    });
  });

  describe('admin reports on seeded data agree with a count in JavaScript', () => {
    let t: TestApp;
    let app: Hono;
    let rows: CallRow[];
    const now = Date.UTC(2026, 10, 30, 12);
    const zone = 'America/New_York';
    const query = `?from=2026-09-01&to=2026-11-30&tz=${zone}`;
    const from = zonedMidnight('2026-09-01', zone);
    const to = zonedMidnight('2026-12-01', zone);

    beforeAll(async () => {
      t = await makeTestApp(engine);
      app = new Hono().route('/api/admin/reports', reportsRoutes(t.deps));
      await seedCalls(t.store.db, { calls: 3000, days: 120, agents: 6, now, seed: 7 });
      rows = (await t.store.db.selectFrom('calls').selectAll().execute()).filter(
        (r) => r.created_at >= from && r.created_at < to,
      );
    });
    afterAll(() => t.close());

    const local = (ms: number) => new Date(ms + offsetAt(zone, ms));
    const count = <K>(keys: K[]) => {
      const map = new Map<string, number>();
      for (const k of keys) map.set(JSON.stringify(k), (map.get(JSON.stringify(k)) ?? 0) + 1);
      return map;
    };

    it('per day, per agent, per hour and per outcome', async () => {
      expect(rows.length).toBeGreaterThan(1500);
      const perDay = (await (await app.request(`/api/admin/reports/per-day${query}`)).json()) as {
        rows: PerDayRow[];
      };
      expect(new Map(perDay.rows.map((r) => [JSON.stringify([r.day, r.agent]), r.calls]))).toEqual(
        count(rows.map((r) => [local(r.created_at).toISOString().slice(0, 10), r.agent])),
      );
      const hours = (await (await app.request(`/api/admin/reports/hours${query}`)).json()) as {
        rows: HourRow[];
      };
      expect(
        new Map(hours.rows.map((r) => [JSON.stringify([r.weekday, r.hour]), r.calls])),
      ).toEqual(
        count(
          rows.map((r) => {
            const d = local(r.created_at);
            return [(d.getUTCDay() + 6) % 7, d.getUTCHours()];
          }),
        ),
      );
      const outcomes = (await (
        await app.request(`/api/admin/reports/outcomes${query}`)
      ).json()) as {
        rows: OutcomeRow[];
      };
      expect(new Map(outcomes.rows.map((r) => [JSON.stringify(r.outcome), r.calls]))).toEqual(
        count(rows.map((r) => r.disposition ?? r.status)),
      );
      const agents = (await (await app.request(`/api/admin/reports/agents${query}`)).json()) as {
        rows: AgentRow[];
      };
      for (const a of agents.rows) {
        const mine = rows.filter((r) => r.agent === a.agent);
        const answered = mine.filter((r) => r.answered_at !== null);
        const talk = answered.reduce((s, r) => s + (r.duration ?? 0), 0);
        expect(a).toEqual({
          agent: a.agent,
          calls: mine.length,
          answered: answered.length,
          answerRate: answered.length / mine.length,
          talkSeconds: talk,
          avgTalkSeconds: talk / answered.length,
        });
      }
      expect(agents.rows.reduce((s, a) => s + a.calls, 0)).toBe(rows.length);
    });
  });
});
