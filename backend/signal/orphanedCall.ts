// Closes the record of a call whose holding instance died: nobody else will write its end.
import { FINAL_STATUSES, type Store } from '../db/store';

export async function closeOrphanedRecord(
  store: Store,
  callId: string,
  agent: string | undefined,
): Promise<void> {
  const now = Date.now();
  await store.write(async (trx, notify) => {
    await store.changeCall(
      trx,
      notify,
      callId,
      (prev) => {
        if (!prev || FINAL_STATUSES.has(prev.status)) return null;
        const answered = prev.answered_at ?? null;
        return {
          ...prev,
          status: answered !== null ? 'completed' : 'failed',
          reason: 'disconnected',
          ended_at: now,
          duration: answered !== null ? Math.round((now - answered) / 1000) : 0,
          updated_at: now,
        };
      },
      [agent],
    );
  });
}
