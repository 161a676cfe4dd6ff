// The admin Reports' aggregates, computed in SQL over top-level calls in a date range, the same on
// SQLite and PostgreSQL: plain integer arithmetic on epoch ms (shifted into the asked time zone),
// counts and sums only (ratios are divided here, so neither engine's float rounding shows).
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../db/schema';
import { offsetPieces } from './timeZone';

export interface ReportRange {
  /** Epoch ms, inclusive. */
  from: number;
  /** Epoch ms, exclusive. */
  to: number;
  /** IANA time zone the days, weekdays and hours are counted in. */
  zone: string;
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** An integer literal (never a parameter: PostgreSQL must see the same GROUP BY expression). */
function int(n: number): RawBuilder<number> {
  if (!Number.isSafeInteger(n)) throw new Error(`not an integer: ${n}`);
  return sql.raw<number>(String(n));
}

/** created_at as local wall-clock ms in the range's zone (offsets change at DST transitions). */
function localMs(range: ReportRange): RawBuilder<number> {
  const pieces = offsetPieces(range.zone, range.from, range.to);
  if (pieces.length === 1) return sql<number>`(created_at + ${int(pieces[0]!.offsetMs)})`;
  const whens = pieces
    .slice(1)
    .map((p, i) => sql`when created_at < ${int(p.start)} then ${int(pieces[i]!.offsetMs)}`);
  const last = pieces[pieces.length - 1]!.offsetMs;
  return sql<number>`(created_at + case ${sql.join(whens, sql` `)} else ${int(last)} end)`;
}

function inRange(range: ReportRange): RawBuilder<boolean> {
  return sql<boolean>`parent_uuid is null and created_at >= ${int(range.from)} and created_at < ${int(range.to)}`;
}

/** `YYYY-MM-DD` of a local day number (days since 1970-01-01). */
function dayName(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export interface PerDayRow {
  day: string;
  agent: string | null;
  calls: number;
}

/** Calls per local day per agent. */
export async function callsPerDay(db: Kysely<Database>, range: ReportRange): Promise<PerDayRow[]> {
  const { rows } = await sql<{ day: number; agent: string | null; calls: number }>`
    select ${localMs(range)} / ${int(DAY_MS)} as day, agent, count(*) as calls
    from calls where ${inRange(range)}
    group by 1, 2 order by 1, 2`.execute(db);
  return rows.map((r) => ({ day: dayName(Number(r.day)), agent: r.agent, calls: Number(r.calls) }));
}

export interface AgentRow {
  agent: string | null;
  calls: number;
  answered: number;
  /** answered / calls, 0 without calls. */
  answerRate: number;
  /** Seconds talked on answered calls. */
  talkSeconds: number;
  /** talkSeconds / answered, 0 when none was answered. */
  avgTalkSeconds: number;
}

/** Answer rate and average talk time per agent. */
export async function perAgent(db: Kysely<Database>, range: ReportRange): Promise<AgentRow[]> {
  const { rows } = await sql<{
    agent: string | null;
    calls: number;
    answered: number;
    talk: number;
  }>`
    select agent, count(*) as calls,
      sum(case when answered_at is not null then 1 else 0 end) as answered,
      sum(case when answered_at is not null then coalesce(duration, 0) else 0 end) as talk
    from calls where ${inRange(range)}
    group by agent order by agent`.execute(db);
  return rows.map((r) => {
    const calls = Number(r.calls);
    const answered = Number(r.answered ?? 0);
    const talk = Number(r.talk ?? 0);
    return {
      agent: r.agent,
      calls,
      answered,
      answerRate: calls ? answered / calls : 0,
      talkSeconds: talk,
      avgTalkSeconds: answered ? talk / answered : 0,
    };
  });
}

export interface HourRow {
  /** 0 = Monday … 6 = Sunday. */
  weekday: number;
  /** 0–23, local. */
  hour: number;
  calls: number;
}

/** Calls per local weekday × hour (cells without calls left out). */
export async function busiestHours(db: Kysely<Database>, range: ReportRange): Promise<HourRow[]> {
  const local = localMs(range);
  // 1970-01-01 was a Thursday (3 counting from Monday = 0).
  const { rows } = await sql<{ weekday: number; hour: number; calls: number }>`
    select (${local} / ${int(DAY_MS)} + 3) % 7 as weekday, (${local} / ${int(HOUR_MS)}) % 24 as hour,
      count(*) as calls
    from calls where ${inRange(range)}
    group by 1, 2 order by 1, 2`.execute(db);
  return rows.map((r) => ({
    weekday: Number(r.weekday),
    hour: Number(r.hour),
    calls: Number(r.calls),
  }));
}

export interface OutcomeRow {
  /** The wrap-up's outcome (disposition) when the agent chose one, else the call's status. */
  outcome: string;
  calls: number;
}

/** How calls ended: counts per outcome, most first. */
export async function outcomes(db: Kysely<Database>, range: ReportRange): Promise<OutcomeRow[]> {
  const { rows } = await sql<{ outcome: string; calls: number }>`
    select coalesce(disposition, status) as outcome, count(*) as calls
    from calls where ${inRange(range)}
    group by 1 order by 2 desc, 1`.execute(db);
  return rows.map((r) => ({ outcome: r.outcome, calls: Number(r.calls) }));
}
