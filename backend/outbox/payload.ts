// The JSON body of an outgoing webhook event (docs/webhooks.md documents it; fields are only ever added).
import { randomUUID } from 'node:crypto';
import type { CallRecord } from '../../src/contract/call';

export type CallEventType = 'call.completed' | 'call.updated';
export const CALL_EVENT_TYPES: readonly CallEventType[] = ['call.completed', 'call.updated'];

/** Version of the body's shape; bumped only for a change a receiver could trip on (none so far). */
export const PAYLOAD_VERSION = 1;

export interface CallEventBody {
  /** The idempotency key: the same on every attempt (also sent as `Idempotency-Key`). */
  id: string;
  type: CallEventType;
  version: typeof PAYLOAD_VERSION;
  /** ISO 8601, when the event was recorded (the call's end for `call.completed`). */
  createdAt: string;
  data: {
    call: CallRecord;
    /** The call's other legs (Vonage's callee or agent leg), oldest first; [] when none. */
    legs: CallRecord[];
    /** Wrap-up (issue 12 item 3): null until the product records them. */
    outcome: string | null;
    notes: string | null;
  };
}

/** Builds an event with a fresh id; `body` is the exact text every attempt sends (and signs). */
export function callEvent(
  type: CallEventType,
  call: CallRecord,
  legs: CallRecord[],
  now: number,
): { id: string; body: string } {
  const id = `evt_${randomUUID()}`;
  const record = call as CallRecord & { outcome?: unknown; notes?: unknown };
  const body: CallEventBody = {
    id,
    type,
    version: PAYLOAD_VERSION,
    createdAt: new Date(now).toISOString(),
    data: {
      call,
      legs,
      outcome: typeof record.outcome === 'string' ? record.outcome : null,
      notes: typeof record.notes === 'string' ? record.notes : null,
    },
  };
  return { id, body: JSON.stringify(body) };
}
