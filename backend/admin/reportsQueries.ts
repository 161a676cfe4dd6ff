// The admin Reports' aggregates, computed in SQL over top-level calls in a date range, the same on
// SQLite and PostgreSQL: plain integer arithmetic on epoch ms (shifted into the asked time zone),
// counts and sums only (ratios are divided here, so neither engine's float rounding shows). Whole
// UTC hours are read from the hourly roll-ups (backend/db/callStatsTables.ts), the range's partial
// hours at either end from `calls`; a zone whose offset is not whole hours reads `calls` only.
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

function inRange(from: number, to: number): RawBuilder<boolean> {
  return sql<boolean>`parent_uuid is null and created_at >= ${int(from)} and created_at < ${int(to)}`;
}

/**
 * The whole UTC hours [first, end) of the range the roll-ups can answer: every call in such an hour
 * has the same local day, weekday and hour when the zone's offsets and transitions fall on whole
 * hours (true of all but a few zones, e.g. Asia/Kolkata, which read `calls`). Null: none.
 */
function rolledHours(range: ReportRange): { first: number; end: number } | null {
  const pieces = offsetPieces(range.zone, range.from, range.to);
  if (pieces.some((p, i) => p.offsetMs % HOUR_MS !== 0 || (i > 0 && p.start % HOUR_MS !== 0)))
    return null;
  const first = Math.ceil(range.from / HOUR_MS);
  const end = Math.floor(range.to / HOUR_MS);
  return first < end ? { first, end } : null;
}

/**
 * Rows `(created_at, <columns>)` covering the range's calls: roll-up rows (created_at = the hour's
 * start) for whole hours, one row per call for the rest. Reports sum `calls` instead of counting.
 */
function source(
  range: ReportRange,
  rollup: { table: string; columns: string },
  perCall: string,
): RawBuilder<unknown> {
  const hours = rolledHours(range);
  if (!hours)
    return sql`select created_at, ${sql.raw(perCall)} from calls where ${inRange(range.from, range.to)}`;
  const lo = hours.first * HOUR_MS;
  const hi = hours.end * HOUR_MS;
  return sql`
    select hour * ${int(HOUR_MS)} as created_at, ${sql.raw(rollup.columns)} from ${sql.table(rollup.table)}
      where hour >= ${int(hours.first)} and hour < ${int(hours.end)}
    union all
    select created_at, ${sql.raw(perCall)} from calls where ${inRange(range.from, lo)}
    union all
    select created_at, ${sql.raw(perCall)} from calls where ${inRange(hi, range.to)}`;
}

/** Per agent: calls, answered, talk. */
function agentSource(range: ReportRange): RawBuilder<unknown> {
  return source(
    range,
    {
      table: 'call_stats_hourly',
      columns: `nullif(agent, '') as agent, calls, answered, talk_seconds as talk`,
    },
    `agent, 1 as calls, case when answered_at is not null then 1 else 0 end as answered,
      case when answered_at is not null then coalesce(duration, 0) else 0 end as talk`,
  );
}

/** Per outcome: calls. */
function outcomeSource(range: ReportRange): RawBuilder<unknown> {
  return source(
    range,
    { table: 'call_outcomes_hourly', columns: 'outcome, calls' },
    'coalesce(disposition, status) as outcome, 1 as calls',
  );
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
    select ${localMs(range)} / ${int(DAY_MS)} as day, agent, sum(calls) as calls
    from (${agentSource(range)}) as s
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
    select agent, sum(calls) as calls, sum(answered) as answered, sum(talk) as talk
    from (${agentSource(range)}) as s
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
      sum(calls) as calls
    from (${outcomeSource(range)}) as s
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
    select outcome, sum(calls) as calls
    from (${outcomeSource(range)}) as s
    group by 1 order by 2 desc, 1`.execute(db);
  return rows.map((r) => ({ outcome: r.outcome, calls: Number(r.calls) }));
}
