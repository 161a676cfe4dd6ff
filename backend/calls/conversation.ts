// One call per conversation: the record history shows, derived from all of the conversation's legs
// by the rules in docs/calls.md.
import type { NewCall } from '../db/schema';
import { FINAL_STATUSES } from './status';

/** Statuses the answer webhook decides on its own: no leg was connected, nothing to derive. */
const DECIDED = new Set(['refused', 'missed']);

/** A callee leg that never answered, as the call's outcome for outbound calls. */
const OUTBOUND_OUTCOME: Record<string, string> = {
  busy: 'busy',
  timeout: 'unanswered',
  unanswered: 'unanswered',
  rejected: 'rejected',
  failed: 'failed',
  cancelled: 'cancelled',
};

function answered(leg: NewCall): boolean {
  return leg.status === 'answered' || leg.status === 'completed' || leg.answered_at != null;
}

/** When a leg was answered: its `answered` event, else its end minus its duration, else its start. */
function answeredAt(leg: NewCall): number | null {
  if (leg.answered_at != null) return leg.answered_at;
  if (leg.ended_at != null && leg.duration != null) return leg.ended_at - leg.duration * 1000;
  return leg.started_at ?? null;
}

/** Adds prices given as decimal strings (Vonage sends e.g. "0.01340000"); null when none is known. */
function totalPrice(legs: NewCall[]): string | null {
  const prices = legs.map((l) => l.price).filter((p): p is string => p != null && p !== '');
  if (prices.length === 0) return null;
  if (prices.length === 1) return prices[0]!;
  const sum = prices.reduce((total, p) => total + (Number.isFinite(Number(p)) ? Number(p) : 0), 0);
  return sum.toFixed(8).replace(/\.?0+$/, '');
}

/**
 * The call record from its first leg (`root`: the agent's SDK leg, or the inbound caller's leg, as
 * its own events left it) and the legs a `connect` created (`children`). Without children the call
 * is its first leg. Pure: the same legs give the same record whatever order their events came in.
 */
export function deriveCall(root: NewCall, children: NewCall[]): NewCall {
  if (children.length === 0 || DECIDED.has(root.status)) return root;
  const legs = [...children].sort((a, b) => a.created_at - b.created_at);
  const answeredLeg = legs
    .filter(answered)
    .sort((a, b) => (answeredAt(a) ?? Infinity) - (answeredAt(b) ?? Infinity))[0];
  // The conversation is over once the caller's leg or every connected leg has ended.
  const over = FINAL_STATUSES.has(root.status) || legs.every((l) => FINAL_STATUSES.has(l.status));
  const ends = [root, ...legs].map((l) => l.ended_at).filter((t): t is number => t != null);
  const endedAt = over && ends.length ? Math.max(...ends) : null;
  const last = legs[legs.length - 1]!;
  const next: NewCall = {
    ...root,
    price: totalPrice([root, ...legs]),
    rate: (answeredLeg ?? last).rate ?? root.rate ?? null,
    network: (answeredLeg ?? last).network ?? root.network ?? null,
    updated_at: Math.max(root.updated_at, ...legs.map((l) => l.updated_at)),
    ended_at: endedAt,
    answered_at: null,
    answered_by: null,
    duration: over ? 0 : null,
    reason: null,
  };
  if (answeredLeg) {
    const at = answeredAt(answeredLeg);
    next.status = over ? 'completed' : 'answered';
    next.answered_at = at;
    next.answered_by = root.direction === 'inbound' ? root.agent : (answeredLeg.to_addr ?? null);
    next.duration = !over
      ? null
      : (answeredLeg.duration ??
        (endedAt != null && at != null ? Math.max(0, Math.round((endedAt - at) / 1000)) : 0));
    return next;
  }
  if (!over) {
    next.status = legs.some((l) => l.status === 'ringing') ? 'ringing' : 'started';
    return next;
  }
  // Over and nobody answered: the connected leg's outcome (or the caller hung up first).
  const outcome = FINAL_STATUSES.has(last.status) ? last.status : 'cancelled';
  if (root.direction === 'inbound') {
    next.status = 'missed';
    next.reason = outcome;
  } else {
    next.status = OUTBOUND_OUTCOME[outcome] ?? outcome;
    next.reason = last.reason ?? null;
  }
  return next;
}
