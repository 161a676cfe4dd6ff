// Live call status for the signed-in agent as Server-Sent Events, resumable with Last-Event-ID; a few
// streams per session, ended when the session is. Admins' streams also carry everyone's presence.
import { Hono } from 'hono';
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';
import { hashToken } from '../agents';
import { bearerToken } from '../auth';
import type { AppDeps, AppEnv } from '../context';
import { LiveSessions } from '../liveSessions';
import { PRESENCE_TOPIC, type CallUpdate } from '../bus';
import { listPresence } from '../presence';

const HEARTBEAT_MS = 15_000;

/**
 * A call update as one SSE event, as `writeSSE` writes it: the data is stored JSON (one line) and
 * the id a number, so neither needs splitting or escaping.
 */
const callEvent = (row: CallUpdate) => `event: call\ndata: ${row.data}\nid: ${row.id}\n\n`;

/**
 * Sends the updates after `cursor` in one write (the changes of a call often commit, or are read,
 * together); returns the new cursor.
 */
async function sendUpdates(
  stream: SSEStreamingApi,
  rows: readonly CallUpdate[],
  cursor: number,
): Promise<number> {
  const fresh = rows.filter((row) => row.id > cursor);
  if (fresh.length) await stream.write(fresh.map(callEvent).join(''));
  return fresh.at(-1)?.id ?? cursor;
}

/**
 * The open streams' wake-ups at shutdown, behind ONE listener on the signal: a stream joins and
 * leaves in O(1) (a listener each made every open and close scan all the others').
 */
function drainList(shutdown: AbortSignal | undefined): Set<() => void> {
  const streams = new Set<() => void>();
  shutdown?.addEventListener(
    'abort',
    () => {
      for (const stop of [...streams]) stop();
    },
    { once: true },
  );
  return streams;
}

export function eventsRoutes(deps: AppDeps) {
  const live = new LiveSessions(deps.store);
  const draining = drainList(deps.shutdown);
  return new Hono<AppEnv>().get('/', async (c) => {
    // EventSource cannot send headers, so the token may also come as ?access_token= (never logged).
    const token =
      bearerToken(c.req.header('authorization')) ??
      bearerToken(`Bearer ${c.req.query('access_token') ?? ''}`);
    const tokenHash = token ? hashToken(token) : undefined;
    const session = tokenHash ? await deps.store.getSession(tokenHash, Date.now()) : undefined;
    if (!session || !tokenHash)
      return c.json({ error: 'Sign in first: missing, expired or revoked session token' }, 401);
    let wake: (() => void) | undefined;
    let ended = false;
    const handle = live.open(tokenHash, () => {
      ended = true;
      wake?.();
    });
    if (!handle) {
      c.header('Retry-After', '15');
      return c.json(
        {
          error: `Too many live streams for this session (${live.maxPerSession} at once): close one first`,
        },
        429,
      );
    }
    const agent = session.agent.name;
    const lastId = c.req.header('last-event-id') ?? c.req.query('lastEventId') ?? '0';
    let cursor = /^\d{1,15}$/.test(lastId) ? Number(lastId) : 0;
    c.header('Cache-Control', 'no-store');
    c.header('X-Accel-Buffering', 'no');
    return streamSSE(c, async (stream) => {
      let pending = true; // read once at start
      // Updates handed over with a wake (this instance's SQLite commits): sent without a read. A
      // read from the cursor covers whatever was handed over before it started; the ones handed
      // over while it ran are sent after it, skipping what it already sent.
      const handed: CallUpdate[] = [];
      const unsubscribe = deps.store.bus.subscribe(agent, (updates) => {
        if (updates && !pending) handed.push(...updates);
        else pending = true;
        wake?.();
      });
      // Admins: every agent's presence, sent whole at start, on each change and with each keep-alive
      // (an agent whose heartbeat stops turns offline without an event of its own).
      let presencePending = session.agent.admin === 1;
      const unsubscribePresence =
        session.agent.admin === 1
          ? deps.store.bus.subscribe(PRESENCE_TOPIC, () => {
              presencePending = true;
              wake?.();
            })
          : () => {};
      const stop = () => wake?.();
      draining.add(stop);
      stream.onAbort(stop);
      try {
        await stream.writeSSE({ event: 'hello', data: JSON.stringify({ agent }), retry: 2000 });
        while (!stream.aborted && !stream.closed && !deps.shutdown?.aborted) {
          // Signed out, key rotated or agent disabled (here or on another instance), or expired.
          if (ended || Date.now() > session.expiresAt) {
            await stream.writeSSE({ event: 'expired', data: '{}' });
            break;
          }
          if (presencePending) {
            presencePending = false;
            const agents = await listPresence(deps.store.db);
            await stream.writeSSE({ event: 'presence', data: JSON.stringify({ agents }) });
            continue;
          }
          if (pending) {
            pending = false;
            handed.length = 0;
            for (;;) {
              const rows = await deps.store.updatesSince(agent, cursor);
              cursor = await sendUpdates(stream, rows, cursor);
              if (rows.length < 500) break;
            }
            continue;
          }
          if (handed.length) {
            cursor = await sendUpdates(stream, handed.splice(0), cursor);
            continue;
          }
          const quiet = await new Promise<boolean>((resolve) => {
            const timer = setTimeout(() => resolve(true), HEARTBEAT_MS);
            wake = () => {
              clearTimeout(timer);
              resolve(false);
            };
          });
          wake = undefined;
          if (quiet && !stream.aborted) {
            // Quiet for a while: check the session still stands (sign-out, key rotation, disabling).
            if (!(await deps.store.getSession(tokenHash, Date.now()))) {
              await stream.writeSSE({ event: 'expired', data: '{}' });
              break;
            }
            await stream.write(': keep-alive\n\n');
            presencePending = session.agent.admin === 1;
          }
        }
        if (deps.shutdown?.aborted && !stream.aborted && !stream.closed) {
          // This instance is going away: reconnect soon (through the load balancer, to another one).
          await stream.writeSSE({
            event: 'reconnect',
            data: JSON.stringify({ reason: 'server shutting down' }),
            retry: 1000,
          });
        }
      } finally {
        handle.release();
        unsubscribe();
        unsubscribePresence();
        draining.delete(stop);
      }
    });
  });
}
