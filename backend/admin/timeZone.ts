// Time-zone arithmetic for the reports: an IANA zone's UTC offset over a range, as constant pieces,
// so SQL on both engines can shift epoch milliseconds with integer arithmetic (SQLite knows no zones).

/** Whether `zone` is an IANA time zone this runtime knows (`UTC`, `Europe/Madrid`, …). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The zone's offset from UTC at `ms`, in milliseconds (+3,600,000 for Madrid in winter). */
export function offsetAt(zone: string, ms: number): number {
  let format = formatters.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, format);
  }
  const parts: Record<string, number> = {};
  for (const p of format.formatToParts(ms))
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const local = Date.UTC(
    parts.year!,
    parts.month! - 1,
    parts.day!,
    parts.hour!,
    parts.minute!,
    parts.second!,
  );
  return local - (ms - (((ms % 1000) + 1000) % 1000));
}

/** The instant local midnight starts `date` (`YYYY-MM-DD`) in `zone`. */
export function zonedMidnight(date: string, zone: string): number {
  const wall = Date.parse(`${date}T00:00:00Z`);
  let guess = wall - offsetAt(zone, wall);
  // Twice: the first guess may sit across a transition from the answer.
  guess = wall - offsetAt(zone, guess);
  return wall - offsetAt(zone, guess);
}

/** From `start` on, the zone's offset is `offsetMs` (until the next piece's start). */
export interface OffsetPiece {
  start: number;
  offsetMs: number;
}

const HOUR = 3_600_000;

/** The zone's offsets over [from, to): one piece per stretch between transitions, first at `from`. */
export function offsetPieces(zone: string, from: number, to: number): OffsetPiece[] {
  const pieces: OffsetPiece[] = [{ start: from, offsetMs: offsetAt(zone, from) }];
  // Zones change offset at most a few times a year, never twice within a day: step by 12 hours
  // and find each change to the minute by bisection.
  let at = from;
  let current = pieces[0]!.offsetMs;
  while (at < to) {
    const next = Math.min(at + 12 * HOUR, to);
    const offset = offsetAt(zone, next);
    if (offset !== current) {
      let lo = at;
      let hi = next;
      while (hi - lo > 60_000) {
        const mid = lo + Math.floor((hi - lo) / 2);
        if (offsetAt(zone, mid) === current) lo = mid;
        else hi = mid;
      }
      // Transitions fall on whole minutes: the last one up to `hi` is it (it lies after `lo`).
      const minute = Math.floor(hi / 60_000) * 60_000;
      const start = minute > lo ? minute : hi;
      if (start < to) pieces.push({ start, offsetMs: offset });
      current = offset;
    }
    at = next;
  }
  return pieces;
}
