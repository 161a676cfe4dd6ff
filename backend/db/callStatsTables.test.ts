import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DISPOSITIONS } from '../../src/contract/call';
import { busiestHours, callsPerDay, outcomes, perAgent } from '../admin/reportsQueries';
import { saveWrapup } from '../calls/wrapup';
import { forEachEngine, makeTestApp, type TestApp } from '../testing/support';
import { rebuildCallStats } from './callStatsTables';
import type { CallRow, NewCall } from './schema';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 5, 1);
const STATUSES = ['ringing', 'answered', 'completed', 'busy', 'unanswered', 'failed'];
const OUTCOMES = [null, ...DEFAULT_DISPOSITIONS.slice(0, 3)];

/** mulberry32, so a failure replays. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function call(uuid: string, created: number, agent: string | null): NewCall {
  return {
    uuid,
    provider: 'builtin',
    agent,
    direction: 'outbound',
    from_addr: null,
    to_addr: '+14155552671',
    status: 'ringing',
    reason: null,
    conversation_uuid: null,
    parent_uuid: null,
    created_at: created,
    started_at: created,
    answered_at: null,
    ended_at: null,
    duration: null,
    price: null,
    rate: null,
    network: null,
    updated_at: created,
  };
}

forEachEngine((engine) => {
  describe('the hourly roll-ups', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await makeTestApp(engine);
    });
    afterAll(() => t.close());

    const snapshot = async () => ({
      agents: (
        await t.store.db
          .selectFrom('call_stats_hourly')
          .selectAll()
          .orderBy('hour')
          .orderBy('agent')
          .execute()
      ).map((r) => ({ ...r, hour: Number(r.hour), talk_seconds: Number(r.talk_seconds) })),
      outcomes: (
        await t.store.db
          .selectFrom('call_outcomes_hourly')
          .selectAll()
          .orderBy('hour')
          .orderBy('outcome')
          .execute()
      ).map((r) => ({ ...r, hour: Number(r.hour) })),
    });

    it('stay equal to a fresh aggregate through random inserts, updates, wrap-ups and deletes', async () => {
      const rand = random(11);
      const pick = <T>(items: readonly T[]) => items[Math.floor(rand() * items.length)]!;
      const agents = ['ava', 'ben', null];
      const uuids: string[] = [];
      for (let step = 0; step < 400; step++) {
        const r = rand();
        // Calls land in a handful of hours, in no order, so buckets are shared and revisited.
        const created = T0 + Math.floor(rand() * 6) * HOUR + Math.floor(rand() * HOUR);
        if (r < 0.25 || uuids.length < 5) {
          const uuid = `c${step}`;
          uuids.push(uuid);
          await t.store.write((trx, notify) =>
            t.store.changeCall(trx, notify, uuid, () => call(uuid, created, pick(agents))),
          );
        } else if (r < 0.3) {
          // A raw insert (an import, the seed script) counts too; some are second legs.
          const uuid = `raw${step}`;
          uuids.push(uuid);
          const row = call(uuid, created, pick(agents));
          if (rand() < 0.5) row.parent_uuid = pick(uuids);
          await t.store.db.insertInto('calls').values(row).execute();
        } else if (r < 0.75) {
          const uuid = pick(uuids);
          const status = pick(STATUSES);
          const answered = status === 'answered' || status === 'completed';
          await t.store.write((trx, notify) =>
            t.store.changeCall(trx, notify, uuid, (prev) => ({
              ...(prev as CallRow),
              status,
              answered_at: answered ? (prev?.answered_at ?? created) : null,
              duration:
                status === 'completed' ? Math.floor(rand() * 300) : (prev?.duration ?? null),
              // Now and then an edit moves the call to another hour or agent, or makes it a leg.
              ...(rand() < 0.15 ? { created_at: created } : {}),
              ...(rand() < 0.1 ? { agent: pick(agents) } : {}),
              ...(rand() < 0.05 ? { parent_uuid: prev?.parent_uuid ? null : pick(uuids) } : {}),
              updated_at: created,
            })),
          );
        } else if (r < 0.95) {
          const uuid = pick(uuids);
          const prev = await t.store.getCall(uuid);
          if (!prev?.agent || prev.parent_uuid) continue;
          const result = await saveWrapup(t.store, prev.agent, uuid, {
            outcome: pick(OUTCOMES),
            notes: '',
            followUpOn: null,
          });
          expect(result.ok).toBe(true);
        } else {
          const uuid = pick(uuids);
          await t.store.db.deleteFrom('calls').where('uuid', '=', uuid).execute();
          uuids.splice(uuids.indexOf(uuid), 1);
        }
      }
      const kept = await snapshot();
      expect(kept.agents.length).toBeGreaterThan(3);
      expect(kept.agents.every((r) => r.calls > 0)).toBe(true);
      await rebuildCallStats(t.store.db);
      expect(kept).toEqual(await snapshot());

      // The reports over ranges whose ends cut hours (roll-up plus partial hours from `calls`) and
      // in a zone with a half-hour offset (calls only) agree with a count of the rows.
      const rows = (await t.store.db.selectFrom('calls').selectAll().execute()).filter(
        (c) => c.parent_uuid === null,
      );
      for (const range of [
        { from: T0 + HOUR / 3, to: T0 + 5 * HOUR + 7 * 60_000, zone: 'Europe/Madrid' },
        { from: T0, to: T0 + 6 * HOUR, zone: 'UTC' },
        { from: T0 + 10 * 60_000, to: T0 + 20 * 60_000, zone: 'UTC' },
        { from: T0 - HOUR, to: T0 + 7 * HOUR, zone: 'Asia/Kolkata' },
      ]) {
        const mine = rows.filter((c) => c.created_at >= range.from && c.created_at < range.to);
        const total = (xs: { calls: number }[]) => xs.reduce((s, x) => s + x.calls, 0);
        const agentRows = await perAgent(t.store.db, range);
        expect(total(agentRows)).toBe(mine.length);
        for (const a of agentRows) {
          const theirs = mine.filter((c) => c.agent === a.agent);
          const answered = theirs.filter((c) => c.answered_at !== null);
          expect([a.calls, a.answered, a.talkSeconds]).toEqual([
            theirs.length,
            answered.length,
            answered.reduce((s, c) => s + (c.duration ?? 0), 0),
          ]);
        }
        const byOutcome = new Map<string, number>();
        for (const c of mine) {
          const o = c.disposition ?? c.status;
          byOutcome.set(o, (byOutcome.get(o) ?? 0) + 1);
        }
        expect(
          new Map((await outcomes(t.store.db, range)).map((o) => [o.outcome, o.calls])),
        ).toEqual(byOutcome);
        expect(total(await callsPerDay(t.store.db, range))).toBe(mine.length);
        expect(total(await busiestHours(t.store.db, range))).toBe(mine.length);
      }
    });
  });
});
