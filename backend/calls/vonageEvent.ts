// How one Vonage event changes its leg's call record (events arrive out of order and repeat).
import type { CallRow, NewCall } from '../db/schema';
import { newCallRecord } from './records';
import { FINAL_STATUSES, statusAdvances } from './status';

/** A short printable string from an untrusted field, else null (both engines store it as text). */
export function str(value: unknown, max = 256): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return null;
  // PostgreSQL text cannot hold NUL; control characters have no business in these fields.
  // eslint-disable-next-line no-control-regex -- stripping control characters is the point
  const clean = value.replace(/[\u0000-\u001f\u007f]/g, '');
  return clean.slice(0, max);
}

/** Epoch ms from an ISO string or a number, within what a JS Date can hold; else null. */
export function time(value: unknown): number | null {
  if (typeof value !== 'string' && typeof value !== 'number') return null;
  const ms = typeof value === 'number' ? value : Date.parse(value);
  return Number.isFinite(ms) && ms >= 0 && ms <= 8.64e15 ? Math.round(ms) : null;
}

/**
 * The leg's record after `body` (an event with a uuid and a status). A leg seen for the first time
 * hangs off `parent`, the conversation's first leg, and takes its agent and direction.
 */
export function recordAfterEvent(
  prev: NewCall | undefined,
  body: Record<string, unknown>,
  parent: CallRow | undefined,
  receivedAt: number,
): NewCall {
  const uuid = str(body.uuid)!;
  const status = str(body.status)!;
  const at = time(body.timestamp) ?? receivedAt;
  const conversation = str(body.conversation_uuid);
  const base: NewCall =
    prev ??
    newCallRecord({
      uuid,
      provider: 'vonage',
      agent: parent?.agent ?? null,
      direction: parent?.direction ?? (body.direction === 'inbound' ? 'inbound' : 'outbound'),
      from: str(body.from),
      to: str(body.to),
      status: 'started',
      conversationUuid: conversation,
      parentUuid: parent?.uuid ?? null,
      now: at,
      startedAt: null,
    });
  if (!prev) base.updated_at = receivedAt;
  const next: NewCall = { ...base, updated_at: Math.max(base.updated_at, receivedAt) };
  if (!prev || statusAdvances(prev.status, status)) next.status = status;
  if (!next.conversation_uuid && conversation) next.conversation_uuid = conversation;
  const startTime = time(body.start_time);
  if (status === 'started' || status === 'ringing') next.started_at ??= startTime ?? at;
  if (status === 'answered') next.answered_at ??= startTime ?? at;
  if (FINAL_STATUSES.has(status)) {
    next.ended_at ??= time(body.end_time) ?? at;
    if (startTime !== null) next.started_at ??= startTime;
  }
  const duration = str(body.duration);
  if (duration !== null && /^\d{1,9}$/.test(duration)) next.duration = Number(duration);
  next.price = str(body.price) ?? next.price ?? null;
  next.rate = str(body.rate) ?? next.rate ?? null;
  next.network = str(body.network) ?? next.network ?? null;
  if (status !== 'answered' && FINAL_STATUSES.has(status) && !next.reason) {
    next.reason = str(body.reason) ?? str(body.detail) ?? null;
  }
  return next;
}
