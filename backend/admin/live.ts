// The console's Live view: a snapshot (agents signed in and on a call, calls in progress, ringing
// inbound calls) and every call update after it as Server-Sent Events. The stream resumes from
// Last-Event-ID after a drop (EventSource reconnects by itself) and, on PostgreSQL, is woken by
// other instances' commits through the same LISTEN/NOTIFY as the agents' streams.
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { withPresence, type LiveSnapshot } from '../../src/contract/admin';
import type { AppDeps } from '../context';
import { PRESENCE_TOPIC } from '../bus';
import { toCallView } from '../db/store';
import { listPresence } from '../presence';
import { AdminStore } from './adminStore';
import { requireAdmin, type AdminEnv } from './session';

/** How often a quiet stream re-checks its session (sign-out, idle timeout, admin flag removed). */
const CHECK_MS = 5_000;
const HEARTBEAT_MS = 15_000;

export async function liveSnapshot(admin: AdminStore, now = Date.now()): Promise<LiveSnapshot> {
  // The cursor first: an update committed while the rest is read comes again as an event (harmless).
  const cursor = await admin.latestUpdateId();
  const [signedIn, calls, presence] = await Promise.all([
    admin.liveAgents(now),
    admin.activeCalls(now),
    listPresence(admin.db, now),
  ]);
  const agents = withPresence(signedIn, presence);
  const views = calls.map(toCallView);
  const ringingInbound = (c: (typeof views)[number]) =>
    c.direction === 'inbound' && c.status !== 'answered';
  return {
    agents,
    calls: views.filter((c) => !ringingInbound(c)),
    queue: views.filter(ringingInbound),
    cursor,
    now,
  };
}

export function liveRoutes(deps: AppDeps) {
  const admin = new AdminStore(deps.store.db);
  const idleMs = deps.config.adminIdleSec * 1000;
  return new Hono<AdminEnv>()
    .use(requireAdmin(deps, { touch: false }))
    .get('/', async (c) => {
      c.header('Cache-Control', 'no-store');
      return c.json(await liveSnapshot(admin), 200);
    })
    .get('/events', (c) => {
      const tokenHash = c.get('tokenHash');
      const lastId = c.req.header('last-event-id') ?? c.req.query('after') ?? '';
      let cursor = /^\d{1,15}$/.test(lastId) ? Number(lastId) : -1;
      c.header('Cache-Control', 'no-store');
      c.header('X-Accel-Buffering', 'no');
      return streamSSE(c, async (stream) => {
        let pending = true;
        let wake: (() => void) | undefined;
        // Presence: sent whole on each change (and with each keep-alive, so a lapsed heartbeat shows).
        let presenceChanged = false;
        const unsubscribe = deps.store.bus.subscribeAll(() => {
          pending = true;
          wake?.();
        });
        const unsubscribePresence = deps.store.bus.subscribe(PRESENCE_TOPIC, () => {
          presenceChanged = true;
        });
        const stop = () => wake?.();
        deps.shutdown?.addEventListener('abort', stop);
        stream.onAbort(stop);
        try {
          // Without a cursor, start from now: the page has just read the snapshot.
          if (cursor < 0) cursor = await admin.latestUpdateId();
          await stream.writeSSE({ event: 'hello', data: JSON.stringify({ cursor }), retry: 2000 });
          let quietSince = Date.now();
          while (!stream.aborted && !stream.closed && !deps.shutdown?.aborted) {
            if (pending) {
              pending = false;
              for (;;) {
                const rows = await admin.updatesSince(cursor);
                const seen = new Set<string>();
                for (const row of rows) {
                  // One change can be recorded for two agents (caller and callee): send it once.
                  const key = `${row.call_uuid} ${row.data}`;
                  if (!seen.has(key))
                    await stream.writeSSE({ id: String(row.id), event: 'call', data: row.data });
                  seen.add(key);
                  cursor = Number(row.id);
                }
                if (rows.length < 500) break;
              }
              if (presenceChanged) {
                presenceChanged = false;
                const agents = await listPresence(deps.store.db);
                await stream.writeSSE({ event: 'presence', data: JSON.stringify({ agents }) });
              }
              continue;
            }
            await new Promise<void>((resolve) => {
              const timer = setTimeout(resolve, CHECK_MS);
              wake = () => {
                clearTimeout(timer);
                resolve();
              };
            });
            wake = undefined;
            if (pending || stream.aborted) continue;
            if (!(await admin.getSession(tokenHash, Date.now(), idleMs))) {
              await stream.writeSSE({ event: 'expired', data: '{}' });
              break;
            }
            if (Date.now() - quietSince >= HEARTBEAT_MS) {
              quietSince = Date.now();
              presenceChanged = true;
              pending = true;
              await stream.write(': keep-alive\n\n');
            }
          }
          if (deps.shutdown?.aborted && !stream.aborted && !stream.closed)
            await stream.writeSSE({
              event: 'reconnect',
              data: JSON.stringify({ reason: 'server shutting down' }),
              retry: 1000,
            });
        } finally {
          unsubscribe();
          unsubscribePresence();
          deps.shutdown?.removeEventListener('abort', stop);
        }
      });
    });
}
