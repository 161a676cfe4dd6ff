// The admin Reports' aggregates, computed in SQL over top-level calls in a date range, the same on
// SQLite and PostgreSQL: plain integer arithmetic on epoch ms (shifted into the asked time zone),
// counts and sums only (ratios are divided here, so neither engine's float rounding shows). Whole
// UTC hours are read from the hourly roll-ups (backend/db/callStatsTables.ts), whole UTC days of the
// per-agent figures from the daily one (./callStatsDaily.ts), the range's partial hours at either end
// from `calls`; a zone whose offset is not whole hours reads `calls` only for what it groups by time.
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../db/schema';
import { offsetPieces, type OffsetPiece } from './timeZone';

export interface ReportRange {
  /** Epoch ms, inclusive. */
  from: number;
  /** Epoch ms, exclusive. */
  to: number;
  /** IANA time zone the days, weekdays and hours are counted in. */
  zone: string;
}

/** A range with its zone's offsets, found once per report (finding them is the slow part in JS). */
interface Zoned extends ReportRange {
  pieces: OffsetPiece[];
}

function zoned(range: ReportRange): Zoned {
  return { ...range, pieces: offsetPieces(range.zone, range.from, range.to) };
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** An integer literal (never a parameter: PostgreSQL must see the same GROUP BY expression). */
function int(n: number): RawBuilder<number> {
  if (!Number.isSafeInteger(n)) throw new Error(`not an integer: ${n}`);
  return sql.raw<number>(String(n));
}

/** created_at as local wall-clock ms in the range's zone (offsets change at DST transitions). */
function localMs({ pieces }: Zoned): RawBuilder<number> {
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
function rolledHours(range: Zoned): { first: number; end: number } | null {
  const { pieces } = range;
  if (pieces.some((p, i) => p.offsetMs % HOUR_MS !== 0 || (i > 0 && p.start % HOUR_MS !== 0)))
    return null;
  return wholeHours(range);
}

/** The whole UTC hours [first, end) inside the range (what does not group by time can use them). */
function wholeHours(range: ReportRange): { first: number; end: number } | null {
  const first = Math.ceil(range.from / HOUR_MS);
  const end = Math.floor(range.to / HOUR_MS);
  return first < end ? { first, end } : null;
}

/** The whole UTC days [first, end) inside whole hours (the daily roll-up's rows), or null. */
function wholeDays(hours: { first: number; end: number }): { first: number; end: number } | null {
  const first = Math.ceil(hours.first / 24);
  const end = Math.floor(hours.end / 24);
  return first < end ? { first, end } : null;
}

/** The hours [first, end) split where the zone's offset changes: `offset` in whole hours. */
function offsetStretches(
  { pieces }: Zoned,
  first: number,
  end: number,
): { first: number; end: number; offset: number }[] {
  const stretches: { first: number; end: number; offset: number }[] = [];
  pieces.forEach((p, i) => {
    // The first piece starts at `from`, before every whole hour; the others on a whole hour.
    const lo = Math.max(first, i === 0 ? first : p.start / HOUR_MS);
    const hi = Math.min(end, i + 1 < pieces.length ? pieces[i + 1]!.start / HOUR_MS : end);
    if (lo < hi) stretches.push({ first: lo, end: hi, offset: p.offsetMs / HOUR_MS });
  });
  return stretches;
}

/**
 * Rows `(created_at, <columns>)` covering the range's calls: roll-up rows (created_at = the hour's
 * start) for whole hours, one row per call for the rest. Reports sum `calls` instead of counting.
 */
function source(
  range: Zoned,
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

/** What a report sums, as the daily and hourly roll-ups hold it and as one call adds it. */
interface Totals {
  daily: string;
  hourly: string;
  /** The roll-ups' columns, named as `perCall` names them. */
  rollup: string;
  perCall: string;
}

const AGENT_TOTALS: Totals = {
  daily: 'call_stats_daily',
  hourly: 'call_stats_hourly',
  rollup: `nullif(agent, '') as agent, calls, answered, talk_seconds as talk`,
  perCall: `agent, 1 as calls, case when answered_at is not null then 1 else 0 end as answered,
    case when answered_at is not null then coalesce(duration, 0) else 0 end as talk`,
};

const OUTCOME_TOTALS: Totals = {
  daily: 'call_outcomes_daily',
  hourly: 'call_outcomes_hourly',
  rollup: 'outcome, calls',
  perCall: 'coalesce(disposition, status) as outcome, 1 as calls',
};

/**
 * Totals over the range whatever the time of day (so in any zone): rows from the daily roll-up for
 * whole UTC days, the hourly one for the whole hours around them, `calls` for the range's ends.
 */
function totalsSource(range: ReportRange, totals: Totals): RawBuilder<unknown> {
  const perCall = (from: number, to: number) =>
    sql`select ${sql.raw(totals.perCall)} from calls where ${inRange(from, to)}`;
  const hours = wholeHours(range);
  if (!hours) return perCall(range.from, range.to);
  const hourly = (first: number, end: number) =>
    sql`select ${sql.raw(totals.rollup)} from ${sql.table(totals.hourly)}
      where hour >= ${int(first)} and hour < ${int(end)}`;
  const days = wholeDays(hours);
  const parts = days
    ? [
        sql`select ${sql.raw(totals.rollup)} from ${sql.table(totals.daily)}
          where day >= ${int(days.first)} and day < ${int(days.end)}`,
        hourly(hours.first, days.first * 24),
        hourly(days.end * 24, hours.end),
      ]
    : [hourly(hours.first, hours.end)];
  return sql.join(
    [...parts, perCall(range.from, hours.first * HOUR_MS), perCall(hours.end * HOUR_MS, range.to)],
    sql` union all `,
  );
}

/**
 * Rows `(day, agent, calls)`, `day` local: each whole UTC day's row from the daily roll-up counted
 * on its own date, then, from the hourly roll-up, the few hours the zone's offset puts on the next
 * (east of UTC) or previous (west) local day moved there; hours outside whole days from the hourly
 * roll-up, the range's ends from `calls`. Null when the zone's offsets are not whole hours.
 */
function perDaySource(range: Zoned): RawBuilder<unknown> | null {
  const hours = rolledHours(range);
  if (!hours) return null;
  const byHour = (first: number, end: number) =>
    offsetStretches(range, first, end).map(
      (s) => sql`select (hour + ${int(s.offset)}) / 24 as day, nullif(agent, '') as agent, calls
        from call_stats_hourly where hour >= ${int(s.first)} and hour < ${int(s.end)}`,
    );
  const days = wholeDays(hours);
  const parts: RawBuilder<unknown>[] = [];
  if (days) {
    parts.push(sql`select day, nullif(agent, '') as agent, calls from call_stats_daily
      where day >= ${int(days.first)} and day < ${int(days.end)}`);
    for (const s of offsetStretches(range, days.first * 24, days.end * 24)) {
      if (s.offset === 0) continue;
      // UTC hours of the day whose local date is another: the last `offset` hours east of UTC,
      // the first `-offset` west of it (the index on hour % 24 finds them).
      const moved = Array.from({ length: Math.abs(s.offset) }, (_, i) =>
        int(s.offset > 0 ? 24 - s.offset + i : i),
      );
      const where = sql`hour % 24 in (${sql.join(moved)})
        and hour >= ${int(s.first)} and hour < ${int(s.end)}`;
      // Read once: each such hour counts on its local day (+) and off its UTC day (-).
      parts.push(sql`select hour / 24 + k.shift as day, nullif(agent, '') as agent,
          calls * k.sign as calls
        from call_stats_hourly,
          (select ${int(s.offset > 0 ? 1 : -1)} as shift, 1 as sign union all select 0, -1) as k
        where ${where}`);
    }
    parts.push(...byHour(hours.first, days.first * 24), ...byHour(days.end * 24, hours.end));
  } else parts.push(...byHour(hours.first, hours.end));
  const perCall = (from: number, to: number) =>
    sql`select ${localMs(range)} / ${int(DAY_MS)} as day, agent, 1 as calls
      from calls where ${inRange(from, to)}`;
  parts.push(perCall(range.from, hours.first * HOUR_MS), perCall(hours.end * HOUR_MS, range.to));
  return sql.join(parts, sql` union all `);
}

/** Calls per whole hour (the heat map counts only calls). */
function countSource(range: Zoned): RawBuilder<unknown> {
  return source(range, { table: 'call_counts_hourly', columns: 'calls' }, '1 as calls');
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
export async function callsPerDay(db: Kysely<Database>, asked: ReportRange): Promise<PerDayRow[]> {
  const range = zoned(asked);
  const rolled = perDaySource(range);
  const { rows } = await (
    rolled
      ? sql<{ day: number; agent: string | null; calls: number }>`
    select day, agent, sum(calls) as calls from (${rolled}) as s
    group by 1, 2 having sum(calls) > 0 order by 1, 2`
      : sql<{ day: number; agent: string | null; calls: number }>`
    select ${localMs(range)} / ${int(DAY_MS)} as day, agent, count(*) as calls
    from calls where ${inRange(range.from, range.to)}
    group by 1, 2 order by 1, 2`
  ).execute(db);
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
    from (${totalsSource(range, AGENT_TOTALS)}) as s
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
export async function busiestHours(db: Kysely<Database>, asked: ReportRange): Promise<HourRow[]> {
  const range = zoned(asked);
  const local = localMs(range);
  // 1970-01-01 was a Thursday (3 counting from Monday = 0).
  const { rows } = await sql<{ weekday: number; hour: number; calls: number }>`
    select (${local} / ${int(DAY_MS)} + 3) % 7 as weekday, (${local} / ${int(HOUR_MS)}) % 24 as hour,
      sum(calls) as calls
    from (${countSource(range)}) as s
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
    from (${totalsSource(range, OUTCOME_TOTALS)}) as s
    group by 1 order by 2 desc, 1`.execute(db);
  return rows.map((r) => ({ outcome: r.outcome, calls: Number(r.calls) }));
}
