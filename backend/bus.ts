// Wakes live subscribers (SSE streams) when an agent's call updates change, within and across instances.
import pg from 'pg';
import type { Logger } from './log';
import { pgPoolConfig } from './db/connect';

export const NOTIFY_CHANNEL = 'c2c_call_updates';
/** The bus topic for presence changes (not an agent name: those never start with `#`). */
export const PRESENCE_TOPIC = '#presence';

/** A call update as committed: what an agent's live stream sends. */
export interface CallUpdate {
  id: number;
  data: string;
}

/**
 * `updates`: everything this agent's streams have not seen from this commit, in id order, when the
 * committer knows it is all (SQLite: one writer, ids in commit order); absent, read from the cursor.
 */
type Listener = (updates?: readonly CallUpdate[]) => void;

export class Bus {
  private readonly listeners = new Map<string, Set<Listener>>();
  /** Woken for every agent's updates (the admin console's live stream). */
  private readonly everyone = new Set<Listener>();

  subscribe(agent: string, listener: Listener): () => void {
    let set = this.listeners.get(agent);
    if (!set) this.listeners.set(agent, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(agent);
    };
  }

  subscribeAll(listener: Listener): () => void {
    this.everyone.add(listener);
    return () => this.everyone.delete(listener);
  }

  wake(agent: string, updates?: readonly CallUpdate[]): void {
    for (const listener of this.listeners.get(agent) ?? []) listener(updates);
    for (const listener of this.everyone) listener();
  }

  wakeAll(): void {
    for (const set of this.listeners.values()) for (const listener of set) listener();
    for (const listener of this.everyone) listener();
  }
}

/**
 * PostgreSQL LISTEN on a dedicated connection: every instance's commits wake this instance's streams.
 * Reconnects with backoff; after a reconnect every stream re-reads from its cursor, so nothing is lost.
 */
export function listenForUpdates(
  url: string,
  bus: Bus,
  log: Logger,
): { ready: Promise<void>; close(): Promise<void> } {
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  let client: pg.Client | undefined;
  let closed = false;
  let delay = 250;
  let timer: NodeJS.Timeout | undefined;

  const connect = async () => {
    if (closed) return;
    const c = new pg.Client(pgPoolConfig(url));
    client = c;
    c.on('notification', (msg) => {
      if (msg.channel === NOTIFY_CHANNEL && msg.payload) bus.wake(msg.payload);
    });
    c.on('error', (error) => {
      log.warn('LISTEN connection lost', { error: error.message });
      retry();
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${NOTIFY_CHANNEL}`);
      delay = 250;
      markReady();
      bus.wakeAll();
    } catch (error) {
      log.warn('LISTEN connection failed', { error: (error as Error).message });
      retry();
    }
  };
  const retry = () => {
    const old = client;
    client = undefined;
    old?.end().catch(() => {});
    if (closed || timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      void connect();
    }, delay);
    delay = Math.min(delay * 2, 5000);
  };
  void connect();
  return {
    ready,
    async close() {
      closed = true;
      markReady();
      if (timer) clearTimeout(timer);
      await client?.end().catch(() => {});
    },
  };
}
