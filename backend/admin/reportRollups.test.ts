import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { random } from '../../scripts/seed';
import { DEFAULT_DISPOSITIONS } from '../../src/contract/call';
import type { CallRow } from '../db/schema';
import { callRow, forEachEngine, makeTestApp, type TestApp } from '../testing/support';
import { rebuildReportRollups } from './reportRollups';
import { busiestHours, callsPerDay, outcomes, perAgent, type ReportRange } from './reportsQueries';
import { offsetAt, zonedMidnight } from './timeZone';

const HOUR = 3_600_000;
// Twelve days across both 2026 autumn DST changes (Europe 25 October, the US 1 November).
const T0 = Date.UTC(2026, 9, 22);
const DAYS = 12;
const STATUSES = ['ringing', 'answered', 'completed', 'busy', 'unanswered', 'failed'];
const OUTCOMES = [null, ...DEFAULT_DISPOSITIONS.slice(0, 3)];

forEachEngine((engine) => {
  describe('the daily and hour-count roll-ups', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await makeTestApp(engine);
    });
    afterAll(() => t.close());

    const snapshot = async () => {
      const read = async (table: string, keys: string[]) =>
        (
          await t.store.db
            .selectFrom(table as 'calls')
            .selectAll()
            .execute()
        )
          .map((r) =>
            Object.fromEntries(
              Object.entries(r).map(([k, v]) => [
                k,
                typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v,
              ]),
            ),
          )
          .sort((a, b) =>
            JSON.stringify(keys.map((k) => a[k])).localeCompare(
              JSON.stringify(keys.map((k) => b[k])),
            ),
          );
      return {
        agents: await read('call_stats_daily', ['day', 'agent']),
        outcomes: await read('call_outcomes_daily', ['day', 'outcome']),
        hours: await read('call_counts_hourly', ['hour']),
      };
    };

    it('stay equal to a fresh count, and the reports read from them agree with the calls in every zone', async () => {
      const rand = random(5); // the same sequence each run, so a failure replays
      const pick = <T>(items: readonly T[]) => items[Math.floor(rand() * items.length)]!;
      const agents = ['ava', 'ben', null];
      const when = () => T0 + Math.floor(rand() * DAYS * 24) * HOUR + Math.floor(rand() * HOUR);
      const uuids: string[] = [];
      for (let step = 0; step < 900; step++) {
        const r = rand();
        if (r < 0.45 || uuids.length < 5) {
          const uuid = `c${step}`;
          const row = callRow(uuid, when(), {
            agent: pick(agents),
            status: pick(STATUSES),
            disposition: pick(OUTCOMES),
          });
          if (rand() < 0.4) Object.assign(row, { answered_at: null, duration: null });
          if (rand() < 0.1) row.parent_uuid = pick(uuids);
          uuids.push(uuid);
          await t.store.db.insertInto('calls').values(row).execute();
        } else if (r < 0.85) {
          // An edit: another status or outcome, now and then another day, agent, or leg-ness.
          const uuid = pick(uuids);
          const prev = (await t.store.getCall(uuid)) as CallRow;
          await t.store.db
            .updateTable('calls')
            .set({
              status: pick(STATUSES),
              ...(rand() < 0.3 ? { disposition: pick(OUTCOMES) } : {}),
              ...(rand() < 0.3
                ? { answered_at: prev.answered_at ? null : prev.created_at, duration: 42 }
                : {}),
              ...(rand() < 0.15 ? { created_at: when() } : {}),
              ...(rand() < 0.1 ? { agent: pick(agents) } : {}),
              ...(rand() < 0.05 ? { parent_uuid: prev.parent_uuid ? null : pick(uuids) } : {}),
            })
            .where('uuid', '=', uuid)
            .execute();
        } else {
          const uuid = pick(uuids);
          await t.store.db.deleteFrom('calls').where('uuid', '=', uuid).execute();
          uuids.splice(uuids.indexOf(uuid), 1);
        }
      }
      const kept = await snapshot();
      expect(kept.agents.length).toBeGreaterThan(20);
      expect(kept.hours.length).toBeGreaterThan(100);
      expect(
        [...kept.agents, ...kept.outcomes, ...kept.hours].every((r) => Number(r.calls) > 0),
      ).toBe(true);
      await rebuildReportRollups(t.store.db);
      expect(await snapshot()).toEqual(kept);

      const rows = (await t.store.db.selectFrom('calls').selectAll().execute()).filter(
        (c) => c.parent_uuid === null,
      );
      const count = (keys: unknown[]) => {
        const map = new Map<string, number>();
        for (const k of keys) map.set(JSON.stringify(k), (map.get(JSON.stringify(k)) ?? 0) + 1);
        return map;
      };
      const ranges: ReportRange[] = [
        // Whole local days: east and west of UTC, across a DST change, at the date line's edges.
        ...[
          'UTC',
          'Europe/Madrid',
          'America/New_York',
          'Asia/Tokyo',
          'Pacific/Kiritimati',
          'Pacific/Pago_Pago',
        ].map((zone) => ({
          from: zonedMidnight('2026-10-23', zone),
          to: zonedMidnight('2026-11-02', zone),
          zone,
        })),
        // Ends that cut hours and days; a zone whose offset is not whole hours (calls only).
        {
          from: T0 + 5 * HOUR + 17 * 60_000,
          to: T0 + 9 * 24 * HOUR + 3 * 60_000,
          zone: 'America/New_York',
        },
        { from: T0 + 30 * 60_000, to: T0 + DAYS * 24 * HOUR, zone: 'Asia/Kolkata' },
        { from: T0 + 2 * HOUR, to: T0 + 20 * HOUR, zone: 'Asia/Tokyo' },
      ];
      for (const range of ranges) {
        const mine = rows.filter((c) => c.created_at >= range.from && c.created_at < range.to);
        const local = (ms: number) => new Date(ms + offsetAt(range.zone, ms));
        const perDay = await callsPerDay(t.store.db, range);
        expect(new Map(perDay.map((r) => [JSON.stringify([r.day, r.agent]), r.calls]))).toEqual(
          count(mine.map((c) => [local(c.created_at).toISOString().slice(0, 10), c.agent])),
        );
        const hours = await busiestHours(t.store.db, range);
        expect(new Map(hours.map((r) => [JSON.stringify([r.weekday, r.hour]), r.calls]))).toEqual(
          count(
            mine.map((c) => {
              const d = local(c.created_at);
              return [(d.getUTCDay() + 6) % 7, d.getUTCHours()];
            }),
          ),
        );
        expect(
          new Map(
            (await outcomes(t.store.db, range)).map((o) => [JSON.stringify(o.outcome), o.calls]),
          ),
        ).toEqual(count(mine.map((c) => c.disposition ?? c.status)));
        const byAgent = await perAgent(t.store.db, range);
        expect(byAgent.reduce((s, a) => s + a.calls, 0)).toBe(mine.length);
        for (const a of byAgent) {
          const theirs = mine.filter((c) => c.agent === a.agent);
          const answered = theirs.filter((c) => c.answered_at !== null);
          expect([a.calls, a.answered, a.talkSeconds]).toEqual([
            theirs.length,
            answered.length,
            answered.reduce((s, c) => s + (c.duration ?? 0), 0),
          ]);
        }
      }
    });
  });
});
