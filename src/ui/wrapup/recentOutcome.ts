// How a call ended, in the six words the recent-calls list uses (issue 12 item 2).
import type { RecentCall } from '../../messaging/background';

export type RecentOutcome = 'answered' | 'busy' | 'noAnswer' | 'missed' | 'failed' | 'refused';

const NOT_ANSWERED = new Set(['unanswered', 'cancelled', 'rejected', 'timeout', 'missed']);

/** Null while the call is still on (or for a status this version does not know). */
export function recentOutcome(
  call: Pick<RecentCall, 'direction' | 'status'>,
): RecentOutcome | null {
  const { status } = call;
  if (status === 'completed') return 'answered';
  if (status === 'busy') return call.direction === 'inbound' ? 'missed' : 'busy';
  if (NOT_ANSWERED.has(status)) return call.direction === 'inbound' ? 'missed' : 'noAnswer';
  if (status === 'failed') return 'failed';
  if (status === 'refused') return 'refused';
  return null;
}
