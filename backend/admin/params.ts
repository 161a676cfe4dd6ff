// Query parameters History and Reports share: dates (a day or an ISO date-time) and status lists.
import { ACTIVE_STATUSES, FINAL_STATUSES } from '../calls/status';
import { zonedMidnight } from './timeZone';

export const KNOWN_STATUSES: ReadonlySet<string> = new Set<string>([
  ...FINAL_STATUSES,
  ...ACTIVE_STATUSES,
  'disconnected',
]);

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:\d{2})$/;

/**
 * Epoch ms from `2026-12-01` (that day's start in `zone`, or with `end` the next day's) or an ISO
 * date-time with its offset; null when it is neither.
 */
export function parseDate(value: string, end: boolean, zone = 'UTC'): number | null {
  if (DAY.test(value)) {
    const ms = Date.parse(`${value}T00:00:00Z`);
    if (!Number.isFinite(ms) || new Date(ms).toISOString().slice(0, 10) !== value) return null;
    if (!end) return zonedMidnight(value, zone);
    return zonedMidnight(new Date(ms + 86_400_000).toISOString().slice(0, 10), zone);
  }
  if (!DATE_TIME.test(value)) return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}

export const DATE_ERROR = 'from and to take a date (2026-12-01) or an ISO date-time (…T10:00:00Z)';

/** `completed,busy` → the statuses, or the unknown ones as an error. */
export function parseStatuses(value: string | undefined): { statuses?: string[]; error?: string } {
  if (!value) return {};
  const statuses = value.split(',').map((s) => s.trim());
  const unknown = statuses.filter((s) => !KNOWN_STATUSES.has(s));
  if (unknown.length)
    return { error: `Unknown status ${unknown.join(', ')}: use ${[...KNOWN_STATUSES].join(', ')}` };
  return { statuses };
}
