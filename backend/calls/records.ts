// Building call records: one shape for the built-in relay and the Vonage webhooks.
import type { CallDirection, CallProvider, CallTable, NewCall } from '../db/schema';
import { FINAL_STATUSES } from './status';

export interface NewRecordFields {
  uuid: string;
  provider: CallProvider;
  direction: CallDirection;
  agent: string | null;
  from: string | null;
  to: string | null;
  status: string;
  reason?: string | null;
  conversationUuid?: string | null;
  parentUuid?: string | null;
  /** Epoch ms of the first sign of the call. */
  now: number;
  /** When the call started ringing; `now` unless given (null when not known yet). */
  startedAt?: number | null;
}

/** A fresh call record; a final status also marks it ended. */
export function newCallRecord(fields: NewRecordFields): NewCall {
  const { now } = fields;
  return {
    uuid: fields.uuid,
    provider: fields.provider,
    agent: fields.agent,
    direction: fields.direction,
    from_addr: fields.from,
    to_addr: fields.to,
    status: fields.status,
    reason: fields.reason ?? null,
    conversation_uuid: fields.conversationUuid ?? null,
    parent_uuid: fields.parentUuid ?? null,
    created_at: now,
    started_at: fields.startedAt === undefined ? now : fields.startedAt,
    answered_at: null,
    ended_at: FINAL_STATUSES.has(fields.status) ? now : null,
    duration: null,
    price: null,
    rate: null,
    network: null,
    updated_at: now,
  };
}

/**
 * Columns of the record that no leg's event decides: who and where the call was with (set by the
 * answer webhook, or later by caller ID) and the agent's wrap-up. A leg's stored state may hold an
 * old copy of them, so the record derived from its legs leaves them as the record has them.
 */
const RECORD_ONLY = [
  'contact_name',
  'extension',
  'page_url',
  'page_title',
  'client_call_id',
  'disposition',
  'notes',
  'follow_up_on',
  'wrapup_by',
  'wrapup_at',
] as const satisfies readonly (keyof CallTable)[];

/** `record` without the columns only the record owns (`RECORD_ONLY`). */
export function withoutRecordOnly(record: NewCall): NewCall {
  const next = { ...record };
  for (const column of RECORD_ONLY) delete next[column];
  return next;
}
