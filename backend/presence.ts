// Agent presence: what an agent chose, what others see (on a call, offline), the built-in
// provider's signalling connection as the heartbeat, and changes on the bus for the admins' live
// view. Routing by presence lives in the store (pickInboundAgent) and the relay (claimLongestIdle).
import type { Kysely } from 'kysely';
import {
  PRESENCE_HEARTBEAT_MS,
  PRESENCE_OFFLINE_AFTER_MS,
  isPresenceChoice,
  type AgentPresence,
  type OwnPresence,
  type Presence,
  type PresenceChoice,
} from '../src/contract/presence';
import { PRESENCE_TOPIC } from './bus';
import {
  markGone,
  markLinked,
  presenceRows,
  savePresence,
  type PresenceRow,
} from './db/presenceStore';
import type { AgentRow, Database } from './db/schema';
import type { Store } from './db/store';
import type { Logger } from './log';

function choiceOf(row: PresenceRow): PresenceChoice {
  return isPresenceChoice(row.presence) ? row.presence : 'available';
}

/**
 * What others see: signed out, silent past the heartbeat timeout or its signalling connection gone
 * is offline; a live call wins next.
 */
export function effectivePresence(row: PresenceRow, now: number): Presence {
  const silent = row.seen_at !== null && row.seen_at <= now - PRESENCE_OFFLINE_AFTER_MS;
  if (!row.signed_in || silent || row.gone_at !== null) return 'offline';
  if (row.on_call) return 'on-call';
  return choiceOf(row);
}

function toAgentPresence(row: PresenceRow, now: number): AgentPresence {
  const presence = effectivePresence(row, now);
  return {
    name: row.name,
    presence,
    since:
      presence === 'offline' ? (row.gone_at ?? row.seen_at ?? row.presence_at) : row.presence_at,
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

/**
 * A closed signalling connection that does not come back within this long turns its agent offline.
 * It covers a reload of the call host and a network blip (the client's first reconnects come after
 * 0.25, 0.5, 1, 2 and 4 s), while a closed browser shows as offline within seconds, not after the
 * HTTP heartbeat's 90 s timeout.
 */
export const PRESENCE_LINK_GRACE_MS = 15_000;
/** Agents per heartbeat write. */
const REFRESH_CHUNK = 200;

/** What the signalling relay reports: an agent's connection authenticated, or closed. */
export interface PresenceLink {
  opened(agent: string): void;
  /** `shuttingDown`: this instance is stopping, the client reconnects to another one. */
  closed(agent: string, shuttingDown: boolean): void;
}

/**
 * The built-in provider's heartbeat: while an agent's signalling connection is open on this
 * instance it counts as alive (refreshed every PRESENCE_HEARTBEAT_MS, so a crashed instance's agents
 * still time out); when the last one closes and none is back within the grace, on this instance or
 * (PostgreSQL) another, the agent is offline and the change is published.
 */
export class ConnectionPresence implements PresenceLink {
  private readonly open = new Map<string, number>();
  private readonly pending = new Map<string, NodeJS.Timeout>();
  private readonly beat: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly store: Store,
    private readonly log: Logger,
    private readonly opts: {
      /** Whether the agent is connected on another instance (the cross-instance signal bus). */
      connectedElsewhere?(agent: string): Promise<boolean>;
      graceMs?: number;
      beatMs?: number;
    } = {},
  ) {
    this.beat = setInterval(
      () => void this.refresh([...this.open.keys()]),
      opts.beatMs ?? PRESENCE_HEARTBEAT_MS,
    );
    this.beat.unref();
  }

  opened(agent: string): void {
    if (this.stopped) return;
    this.open.set(agent, (this.open.get(agent) ?? 0) + 1);
    clearTimeout(this.pending.get(agent));
    this.pending.delete(agent);
    void this.refresh([agent]);
  }

  closed(agent: string, shuttingDown: boolean): void {
    const left = (this.open.get(agent) ?? 1) - 1;
    if (left > 0) return void this.open.set(agent, left);
    this.open.delete(agent);
    if (shuttingDown || this.stopped) return;
    const closedAt = Date.now();
    clearTimeout(this.pending.get(agent));
    const timer = setTimeout(() => {
      this.pending.delete(agent);
      void this.expire(agent, closedAt);
    }, this.opts.graceMs ?? PRESENCE_LINK_GRACE_MS);
    timer.unref();
    this.pending.set(agent, timer);
  }

  /** Stops the timers (shutdown): agents whose connection closed are left to the heartbeat timeout. */
  stop(): void {
    this.stopped = true;
    clearInterval(this.beat);
    for (const timer of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
  }

  private async refresh(names: string[]): Promise<void> {
    if (names.length === 0 || this.stopped) return;
    // Heard from now, while the connections are open: the write may run later (queued behind others),
    // after one of them closed, and must not stamp the agent as heard from after that close.
    const heardAt = Date.now();
    // A write of its own per chunk: one write is never split, and the heartbeat of thousands of
    // agents in one would hold the event loop (SQLite is synchronous) ahead of an urgent webhook.
    const chunks: string[][] = [];
    for (let i = 0; i < names.length; i += REFRESH_CHUNK)
      chunks.push(names.slice(i, i + REFRESH_CHUNK));
    const results = await Promise.allSettled(
      chunks.map((chunk) =>
        this.store.write(
          async (trx, notify) => {
            if ((await markLinked(trx, chunk, heardAt)).length > 0) notify.add(PRESENCE_TOPIC);
          },
          { durable: false },
        ),
      ),
    );
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) this.log.warn('presence heartbeat write failed', { error: failed.reason });
  }

  private async expire(agent: string, closedAt: number): Promise<void> {
    try {
      if (this.open.has(agent) || this.stopped) return;
      if (await this.opts.connectedElsewhere?.(agent)) return;
      if (this.open.has(agent) || this.stopped) return;
      await this.store.write(
        async (trx, notify) => {
          if (await markGone(trx, agent, closedAt)) notify.add(PRESENCE_TOPIC);
        },
        { durable: false },
      );
    } catch (error) {
      this.log.warn('presence: marking a disconnected agent offline failed', { error, agent });
    }
  }
}
