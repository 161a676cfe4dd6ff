// Call statuses: which are final, which mean "on a call", and the order a status may move in.

/** Statuses after which a call record never changes status again. */
export const FINAL_STATUSES = new Set([
  'completed',
  'busy',
  'cancelled',
  'unanswered',
  'rejected',
  'failed',
  'timeout',
  'refused',
  'missed',
]);
export const ACTIVE_STATUSES = ['started', 'ringing', 'answered'] as const;
const RANK: Record<string, number> = { started: 0, ringing: 1, answered: 2, disconnected: 2 };

/** Whether `next` may replace `prev`: events arrive out of order and repeat; never move backwards. */
export function statusAdvances(prev: string, next: string): boolean {
  if (FINAL_STATUSES.has(prev)) return false;
  if (FINAL_STATUSES.has(next)) return true;
  return (RANK[next] ?? -1) >= (RANK[prev] ?? 0) && next !== prev;
}
