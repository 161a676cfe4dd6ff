// Agent presence: what an agent chose, what others see (on a call, offline), and its changes on the
// bus for the admins' live view. Routing by presence lives in the store (pickInboundAgent) and the
// relay (claimLongestIdle).
import type { Kysely } from 'kysely';
import {
  PRESENCE_OFFLINE_AFTER_MS,
  isPresenceChoice,
  type AgentPresence,
  type OwnPresence,
  type Presence,
  type PresenceChoice,
} from '../src/contract/presence';
import { PRESENCE_TOPIC } from './bus';
import { presenceRows, savePresence, type PresenceRow } from './db/presenceStore';
import type { AgentRow, Database } from './db/schema';
import type { Store } from './db/store';

function choiceOf(row: PresenceRow): PresenceChoice {
  return isPresenceChoice(row.presence) ? row.presence : 'available';
}

/** What others see: signed out or silent past the heartbeat timeout is offline; a live call wins next. */
export function effectivePresence(row: PresenceRow, now: number): Presence {
  const silent = row.seen_at !== null && row.seen_at <= now - PRESENCE_OFFLINE_AFTER_MS;
  if (!row.signed_in || silent) return 'offline';
  if (row.on_call) return 'on-call';
  return choiceOf(row);
}

function toAgentPresence(row: PresenceRow, now: number): AgentPresence {
  const presence = effectivePresence(row, now);
  return {
    name: row.name,
    presence,
    since: presence === 'offline' && row.seen_at !== null ? row.seen_at : row.presence_at,
    onCall: row.on_call,
  };
}

/** Every enabled agent's presence, by name (the admin console's live list). */
export async function listPresence(
  db: Kysely<Database>,
  now = Date.now(),
): Promise<AgentPresence[]> {
  return (await presenceRows(db, now)).map((row) => toAgentPresence(row, now));
}

export async function getOwnPresence(
  store: Store,
  agent: AgentRow,
  now = Date.now(),
): Promise<OwnPresence> {
  const [row] = await presenceRows(store.db, now, agent.name);
  if (!row) throw new Error(`No enabled agent named "${agent.name}"`);
  return { choice: choiceOf(row), presence: effectivePresence(row, now), since: row.presence_at };
}

/**
 * Sets the agent's choice and counts as a heartbeat. A change is published (PRESENCE_TOPIC, across
 * instances on PostgreSQL) once committed.
 */
export async function setPresence(
  store: Store,
  agent: AgentRow,
  choice: PresenceChoice,
  now = Date.now(),
): Promise<OwnPresence> {
  await store.write(async (trx, notify) => {
    if (await savePresence(trx, agent.id, choice, now)) notify.add(PRESENCE_TOPIC);
  });
  return getOwnPresence(store, agent, now);
}
