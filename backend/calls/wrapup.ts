// Wrap-up after a call (outcome, notes, follow-up date) and the name of who it was with: the decisions
// (whose call, which outcomes) and the writes, which go through the call model so agents see them
// live and webhooks get `call.updated`.
import type { Wrapup } from '../../src/contract/call';
import type { CallRow } from '../db/schema';
import type { Store } from '../db/store';
import { emitCallUpdated } from '../outbox/events';
import { listDispositions } from './dispositions';
import { FINAL_STATUSES } from './status';

export type WrapupResult =
  { ok: true; call: CallRow } | { ok: false; status: 400 | 403 | 404; error: string };

type Trx = Parameters<Parameters<Store['write']>[0]>[0];

/**
 * The record (the row history shows) that `id` stands for: the record itself, or one of its
 * conversation's other legs (an inbound Vonage call is the caller's leg; the call bar knows it by
 * the agent's leg, the Client SDK's call id). Undefined when there is none.
 */
async function recordOf(store: Store, trx: Trx, id: string, agent?: string) {
  const row =
    (await store.getCall(id, trx)) ??
    (agent === undefined ? undefined : await store.getCallByClientId(agent, id, trx));
  return row?.parent_uuid ? store.getCall(row.parent_uuid, trx) : row;
}

/**
 * Saves the wrap-up of `uuid` (a record, a leg of one, or the extension's call id of one) on the
 * record, for `agent`, who may edit only their own calls (admins included: notes are the agent's). The outcome must be on the current list (or unchanged from what was saved);
 * when the admin requires one, it cannot be empty. An ended call's edit emits `call.updated`; a
 * wrap-up saved during the call goes out with `call.completed` instead.
 */
export async function saveWrapup(
  store: Store,
  agent: string,
  uuid: string,
  wrapup: Wrapup,
  now = Date.now(),
): Promise<WrapupResult> {
  const dispositions = await listDispositions(store);
  return store.write(async (trx, notify) => {
    // The call bar knows a Vonage call by the extension's own id or by the agent's leg.
    const prev = await recordOf(store, trx, uuid, agent);
    if (!prev) return { ok: false, status: 404, error: 'No such call' };
    if (prev.agent !== agent)
      return { ok: false, status: 403, error: 'You can wrap up only your own calls' };
    const { outcome } = wrapup;
    if (outcome === null && dispositions.requireOutcome)
      return { ok: false, status: 400, error: 'An outcome is required: choose one from the list' };
    if (outcome !== null && outcome !== prev.disposition && !dispositions.items.includes(outcome))
      return {
        ok: false,
        status: 400,
        error: `Unknown outcome "${outcome}": use one of ${dispositions.items.join(', ')}`,
      };
    const next: CallRow = {
      ...prev,
      disposition: outcome,
      notes: wrapup.notes === '' ? null : wrapup.notes,
      follow_up_on: wrapup.followUpOn,
      wrapup_by: agent,
      wrapup_at: now,
      updated_at: now,
    };
    await store.changeCall(trx, notify, prev.uuid, () => next, [], { prev });
    if (FINAL_STATUSES.has(prev.status)) await emitCallUpdated(store, prev.uuid, trx);
    return { ok: true, call: next };
  });
}

/**
 * Sets who a call was with once it is known (the caller-ID directory names an inbound caller) on the
 * record `uuid` is or is a leg of; the agent sees it live and, on an ended call, webhooks get
 * `call.updated`. False when there is no such call.
 */
export async function setContactName(
  store: Store,
  uuid: string,
  contactName: string | null,
  now = Date.now(),
): Promise<boolean> {
  return store.write(async (trx, notify) => {
    const prev = await recordOf(store, trx, uuid);
    if (!prev) return false;
    if ((prev.contact_name ?? null) === contactName) return true;
    await store.changeCall(
      trx,
      notify,
      prev.uuid,
      () => ({ ...prev, contact_name: contactName, updated_at: now }),
      [],
      { prev },
    );
    if (FINAL_STATUSES.has(prev.status)) await emitCallUpdated(store, prev.uuid, trx);
    return true;
  });
}
