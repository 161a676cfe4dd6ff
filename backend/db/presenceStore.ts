// Presence queries (one section of the store, kept apart so the store file stays one table per
// section): the agent's choice and heartbeat, everyone's presence for admins, and the routing order.
import {
  sql,
  type ExpressionBuilder,
  type Kysely,
  type RawBuilder,
  type SqlBool,
  type Transaction,
} from 'kysely';
import { PRESENCE_OFFLINE_AFTER_MS, type PresenceChoice } from '../../src/contract/presence';
import { ACTIVE_STATUSES } from '../calls/status';
import type { Dialect } from './dialect';
import type { Database } from './schema';

type Q = Kysely<Database> | Transaction<Database>;

/** A call record older than this with an active status is stale (its final event was lost). */
export const STALE_ACTIVE_MS = 4 * 3600_000;

/**
 * Since when an agent has been free: the latest of their last offer, their last call's end and
 * the moment they became Available. The smallest value waited longest.
 */
export function idleSince(dialect: Dialect): RawBuilder<number> {
  const latest = dialect === 'pg' ? sql.raw('greatest') : sql.raw('max');
  return sql<number>`${latest}(agents.last_offered_at, agents.last_call_ended_at, agents.presence_at)`;
}

/**
 * Chose Available, has not missed a heartbeat (or never sent one: an older extension) and did not
 * lose its signalling connection for good.
 */
export function routable(now: number): RawBuilder<SqlBool> {
  return sql<SqlBool>`(agents.presence = 'available' and (agents.seen_at is null or agents.seen_at > ${now - PRESENCE_OFFLINE_AFTER_MS}) and agents.gone_at is null)`;
}

export interface PresenceRow {
  name: string;
  presence: string;
  presence_at: number;
  seen_at: number | null;
  /** When the agent's signalling connection closed for good (see markGone). */
  gone_at: number | null;
  signed_in: boolean;
  on_call: boolean;
}

/** Every enabled agent's presence columns, whether they are signed in and whether on a call. */
export async function presenceRows(db: Q, now: number, name?: string): Promise<PresenceRow[]> {
  let query = db
    .selectFrom('agents')
    .select([
      'agents.name',
      'agents.presence',
      'agents.presence_at',
      'agents.seen_at',
      'agents.gone_at',
    ])
    .select(({ exists, selectFrom }) => [
      exists(
        selectFrom('sessions')
          .select('sessions.token_hash')
          .whereRef('sessions.agent_id', '=', 'agents.id')
          .where('sessions.expires_at', '>', now)
          .where('sessions.revoked_at', 'is', null),
      ).as('signed_in'),
      exists(
        selectFrom('calls')
          .select('calls.uuid')
          .whereRef('calls.agent', '=', 'agents.name')
          .where('calls.parent_uuid', 'is', null)
          .where('calls.status', 'in', [...ACTIVE_STATUSES])
          .where('calls.updated_at', '>', now - STALE_ACTIVE_MS),
      ).as('on_call'),
    ])
    .where('agents.disabled', '=', 0);
  if (name !== undefined) query = query.where('agents.name', '=', name);
  const rows = await query.orderBy('agents.name').execute();
  return rows.map((row) => ({
    name: row.name,
    presence: row.presence,
    presence_at: Number(row.presence_at),
    seen_at: row.seen_at === null ? null : Number(row.seen_at),
    gone_at: row.gone_at === null ? null : Number(row.gone_at),
    signed_in: Boolean(Number(row.signed_in)),
    on_call: Boolean(Number(row.on_call)),
  }));
}

/** Records the agent's choice (its time only when it changes) and a heartbeat. */
export async function savePresence(
  db: Q,
  agentId: number,
  choice: PresenceChoice,
  now: number,
): Promise<boolean> {
  const before = await db
    .selectFrom('agents')
    .select('presence')
    .where('id', '=', agentId)
    .executeTakeFirst();
  const changed = before?.presence !== choice;
  await db
    .updateTable('agents')
    .set(
      changed
        ? { presence: choice, presence_at: now, seen_at: now, gone_at: null }
        : { seen_at: now, gone_at: null },
    )
    .where('id', '=', agentId)
    .execute();
  return changed;
}

/** A call of the agent ended: they go to the back of the routing order. */
export async function markCallEnded(db: Q, agent: string, now: number): Promise<void> {
  await db
    .updateTable('agents')
    .set({ last_call_ended_at: now })
    .where('name', '=', agent)
    .execute();
}

/**
 * Of `names` (agents connected to the built-in relay and free there), claims the one that waited
 * longest among those Available and not offered a call that has not ended yet (within `ringMs`):
 * marks it offered in the same transaction, so concurrent invites on any instance never pick the
 * same agent twice.
 */
export async function claimLongestIdle(
  trx: Transaction<Database>,
  dialect: Dialect,
  names: string[],
  now: number,
  ringMs: number,
): Promise<string | undefined> {
  if (names.length === 0) return undefined;
  const chosen = await trx
    .selectFrom('agents')
    .select(['id', 'name'])
    .where('disabled', '=', 0)
    .where('name', 'in', names)
    .where(routable(now))
    .where(
      sql<SqlBool>`not (agents.last_offered_at > agents.last_call_ended_at and agents.last_offered_at > ${now - ringMs})`,
    )
    .orderBy(idleSince(dialect))
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  if (!chosen) return undefined;
  await trx
    .updateTable('agents')
    .set({ last_offered_at: now })
    .where('id', '=', chosen.id)
    .execute();
  return chosen.name;
}

/**
 * The agent's signalling connection opened (or is still open: `names`) at `now`: a heartbeat for
 * each. A heartbeat older than what is stored (a write that waited its turn while the connection
 * closed and was marked gone, or while a newer heartbeat landed) changes nothing. Returns the agents
 * that were offline until now (gone, or silent past the heartbeat timeout).
 */
export async function markLinked(db: Q, names: string[], now: number): Promise<string[]> {
  if (names.length === 0) return [];
  const current = (eb: ExpressionBuilder<Database, 'agents'>) =>
    eb.and([
      eb.or([eb('gone_at', 'is', null), eb('gone_at', '<=', now)]),
      eb.or([eb('seen_at', 'is', null), eb('seen_at', '<=', now)]),
    ]);
  const revived = await db
    .selectFrom('agents')
    .select('name')
    .where('name', 'in', names)
    .where(current)
    .where((eb) =>
      eb.or([eb('gone_at', 'is not', null), eb('seen_at', '<=', now - PRESENCE_OFFLINE_AFTER_MS)]),
    )
    .execute();
  await db
    .updateTable('agents')
    .set({ seen_at: now, gone_at: null })
    .where('name', 'in', names)
    .where(current)
    .execute();
  return revived.map((r) => r.name);
}

/**
 * The agent's signalling connection closed at `closedAt` and did not come back: offline from then,
 * unless it was heard from since (a heartbeat, another connection). Returns whether it changed.
 */
export async function markGone(db: Q, name: string, closedAt: number): Promise<boolean> {
  const result = await db
    .updateTable('agents')
    .set({ gone_at: closedAt })
    .where('name', '=', name)
    .where('gone_at', 'is', null)
    .where((eb) => eb.or([eb('seen_at', 'is', null), eb('seen_at', '<=', closedAt)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
