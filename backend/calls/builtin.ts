// The built-in provider's call records: how a relayed call's answer and hang-up change its record.
import type { Address, ClientMessage } from '../../src/call/signalling';
import type { CallContext } from '../../src/contract/call';
import type { NewCall } from '../db/schema';
import type { Store } from '../db/store';
import { withDirectoryName } from '../directory/store';
import { newCallRecord } from './records';
import { FINAL_STATUSES } from './status';

export type HangupReason = Extract<ClientMessage, { t: 'hangup' }>['reason'];

/**
 * The record of a new relayed call. Direction is relative to the agent: a call from a softphone line
 * to an agent is inbound (and belongs to the agent who takes it).
 */
export function relayedCallRecord(call: {
  callId: string;
  callerAgent: string;
  callerHasLines: boolean;
  callee?: { agent: string; hasLines: boolean };
  from: Address;
  to: Address;
  now: number;
  /** What the caller's extension said about an outbound call: the extension, the CRM row and page. */
  ext?: string;
  context?: CallContext;
}): NewCall {
  const inbound = call.callerHasLines && !!call.callee && !call.callee.hasLines;
  // Only the agent who placed the call says who it is with; an inbound caller's name comes later.
  const context = inbound ? undefined : call.context;
  const record = newCallRecord({
    uuid: call.callId,
    provider: 'builtin',
    agent: inbound ? call.callee!.agent : call.callerAgent,
    direction: inbound ? 'inbound' : 'outbound',
    from: call.from,
    to: call.to,
    status: 'ringing',
    now: call.now,
  });
  return {
    ...record,
    ...(!inbound && call.ext ? { extension: call.ext } : {}),
    ...(context?.contactName ? { contact_name: context.contactName } : {}),
    ...(context?.pageUrl ? { page_url: context.pageUrl } : {}),
    ...(context?.pageTitle ? { page_title: context.pageTitle } : {}),
  };
}

export function answeredRecord(record: NewCall, answeredBy: string | null, now: number): NewCall {
  return {
    ...record,
    status: 'answered',
    answered_at: now,
    answered_by: answeredBy,
    updated_at: now,
  };
}

/** The final record of a relayed call, from whether it was answered and how it was hung up. */
export function endedRecord(
  record: NewCall,
  end: { answered: boolean; reason: HangupReason; byCallee: boolean; now: number },
): NewCall {
  const { answered, reason, now } = end;
  let status: string;
  if (answered) status = 'completed';
  else if (reason === 'declined') status = 'rejected';
  else if (reason === 'busy') status = 'busy';
  else if (reason === 'disconnected') status = 'failed';
  else if (reason === 'hangup' && end.byCallee) status = 'rejected';
  else status = 'unanswered';
  const answeredAt = record.answered_at ?? null;
  return {
    ...record,
    status,
    reason: answered && reason === 'hangup' ? null : reason,
    ended_at: now,
    duration: answeredAt !== null ? Math.round((now - answeredAt) / 1000) : 0,
    updated_at: now,
  };
}

/**
 * Writes `record` in its own transaction unless the stored one is already final (a late write must
 * not reopen an ended call), and tells `agents` about the change.
 */
export async function saveCallRecord(
  store: Store,
  record: NewCall,
  agents: (string | null | undefined)[],
): Promise<void> {
  if (record.status === 'answered') record = await withDirectoryName(store.db, record);
  await store.write(async (trx, notify) => {
    await store.changeCall(
      trx,
      notify,
      record.uuid,
      (prev) => (prev && FINAL_STATUSES.has(prev.status) ? null : record),
      agents,
    );
  });
}
