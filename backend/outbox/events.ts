// Emitting call events outside a status change: `call.updated` after a call's notes change.
import type { Transaction } from 'kysely';
import type { Database } from '../db/schema';
import type { Store } from '../db/store';

/**
 * Records `call.updated` for a call, in the edit's own transaction when `trx` is given (the notes
 * editor of issue 12 item 3 calls this where it saves). False when there is no such call.
 */
export function emitCallUpdated(
  store: Store,
  uuid: string,
  trx?: Transaction<Database>,
): Promise<boolean> {
  return trx
    ? store.enqueueCallUpdated(trx, uuid)
    : store.write((t) => store.enqueueCallUpdated(t, uuid));
}
