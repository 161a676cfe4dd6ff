// The deployment's disposition list (the outcomes agents choose after a call) and whether one is
// required: read by the API, written by the admin CLI (and later the admin console).
import { CALL_LIMITS, type Dispositions } from '../../src/contract/call';
import type { Store } from '../db/store';

const REQUIRE_OUTCOME = 'require_outcome';

/** A refused change to the list; the message says what to fix. */
export class DispositionError extends Error {}

export async function listDispositions(store: Store): Promise<Dispositions> {
  const [rows, setting] = await Promise.all([
    store.db.selectFrom('dispositions').select('label').orderBy('position').execute(),
    store.db
      .selectFrom('wrapup_settings')
      .select('value')
      .where('key', '=', REQUIRE_OUTCOME)
      .executeTakeFirst(),
  ]);
  return { items: rows.map((r) => r.label), requireOutcome: setting?.value === '1' };
}

/** Checks and tidies a new list: trimmed labels, 1–30 of them, none empty, too long or repeated. */
export function checkDispositions(labels: string[]): string[] {
  const tidy = labels.map((l) => l.trim().replace(/\s+/g, ' '));
  if (tidy.length === 0)
    throw new DispositionError('The disposition list needs at least one label');
  if (tidy.length > CALL_LIMITS.dispositions)
    throw new DispositionError(
      `At most ${CALL_LIMITS.dispositions} dispositions (got ${tidy.length})`,
    );
  const seen = new Set<string>();
  for (const label of tidy) {
    if (!label) throw new DispositionError('A disposition label is empty');
    if (label.length > CALL_LIMITS.outcome)
      throw new DispositionError(
        `Disposition "${label.slice(0, 20)}…" is too long (${CALL_LIMITS.outcome} characters at most)`,
      );
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f\u007f]/.test(label))
      throw new DispositionError(`Disposition "${label}" has control characters`);
    const key = label.toLocaleLowerCase('en');
    if (seen.has(key)) throw new DispositionError(`Disposition "${label}" is listed twice`);
    seen.add(key);
  }
  return tidy;
}

/**
 * Replaces the list (in this order). Calls keep the outcome they were saved with, even one that is
 * no longer listed.
 */
export async function setDispositions(store: Store, labels: string[]): Promise<string[]> {
  const tidy = checkDispositions(labels);
  await store.write(async (trx) => {
    await trx.deleteFrom('dispositions').execute();
    await trx
      .insertInto('dispositions')
      .values(tidy.map((label, position) => ({ label, position })))
      .execute();
  });
  return tidy;
}

export async function setRequireOutcome(store: Store, required: boolean): Promise<void> {
  const value = required ? '1' : '0';
  await store.write(async (trx) => {
    await trx
      .insertInto('wrapup_settings')
      .values({ key: REQUIRE_OUTCOME, value })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
      .execute();
  });
}
