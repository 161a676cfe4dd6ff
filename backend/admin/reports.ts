// The admin console's Reports: four aggregates over a date range (in a time zone the request
// names, UTC by default). Mounted behind the admin check: every request here is an admin's.
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import type { AppDeps, AppEnv } from '../context';
import { DATE_ERROR, parseDate } from './params';
import { busiestHours, callsPerDay, outcomes, perAgent, type ReportRange } from './reportsQueries';
import { isTimeZone } from './timeZone';

const rangeSchema = z.object({
  from: z.string().max(40).optional(),
  to: z.string().max(40).optional(),
  tz: z.string().max(64).default('UTC'),
});

const DAY_MS = 86_400_000;
/** The longest range a report covers: a year and a bit, so one request cannot sweep decades. */
export const MAX_RANGE_DAYS = 400;
const DEFAULT_DAYS = 30;

/** The request's range, or the error to answer. Without from/to: the last 30 days up to today. */
export function parseRange(
  query: Record<string, string | undefined>,
  now = Date.now(),
): { range: ReportRange } | { error: string } {
  const parsed = rangeSchema.safeParse(query);
  if (!parsed.success) return { error: 'Report range: from, to (dates), tz (an IANA time zone)' };
  const { tz } = parsed.data;
  if (!isTimeZone(tz))
    return { error: `Unknown time zone "${tz}": use an IANA name such as Europe/Madrid` };
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: tz }).format(now);
  const to = parseDate(parsed.data.to ?? today, true, tz);
  const fromDay =
    parsed.data.from ??
    new Date(Date.parse(`${parsed.data.to ?? today}T00:00:00Z`) - (DEFAULT_DAYS - 1) * DAY_MS)
      .toISOString()
      .slice(0, 10);
  const from = parseDate(fromDay, false, tz);
  if (from === null || to === null) return { error: DATE_ERROR };
  if (from >= to) return { error: 'from must be before to' };
  if (to - from > (MAX_RANGE_DAYS + 1) * DAY_MS)
    return { error: `A report covers at most ${MAX_RANGE_DAYS} days` };
  return { range: { from, to, zone: tz } };
}

export function reportsRoutes(deps: Pick<AppDeps, 'store'>) {
  const db = deps.store.db;
  /** Answers one report: the range it covered and its rows. */
  const report =
    <R>(compute: (range: ReportRange) => Promise<R[]>) =>
    async (c: Context<AppEnv>) => {
      const parsed = parseRange(c.req.query());
      if ('error' in parsed) return c.json({ error: parsed.error }, 400);
      const { range } = parsed;
      const rows = await compute(range);
      c.header('Cache-Control', 'no-store');
      return c.json({ from: range.from, to: range.to, tz: range.zone, rows }, 200);
    };
  return new Hono<AppEnv>()
    .get(
      '/per-day',
      report((r) => callsPerDay(db, r)),
    )
    .get(
      '/agents',
      report((r) => perAgent(db, r)),
    )
    .get(
      '/hours',
      report((r) => busiestHours(db, r)),
    )
    .get(
      '/outcomes',
      report((r) => outcomes(db, r)),
    );
}
