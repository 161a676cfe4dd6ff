// Health checks and graceful shutdown for a load balancer: readiness fails while draining and when the
// database is unreachable; connected clients are told to reconnect elsewhere.
import {
  Kysely,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type DatabaseConnection,
} from 'kysely';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { addAgent } from './agents';
import { createApp } from './app';
import { Bus } from './bus';
import { defaultConfig } from './config';
import { openDatabase } from './db/connect';
import { Store } from './db/store';
import { Ingestor } from './ingest';
import { createLogger } from './log';
import { startServer } from './server';
import { SignalClient, SseClient, signIn, tempDir } from './testing/support';

/** Opens a signalling WebSocket and reports how the upgrade went (status of a refused one). */
function upgradeStatus(url: string): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${url.replace('http', 'ws')}/signal`);
    ws.once('open', () => {
      ws.close();
      resolve(101);
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('error', () => resolve(0));
  });
}

describe('graceful shutdown', () => {
  it('fails /readyz while draining but still serves, then tells clients to reconnect and closes', async () => {
    const dir = tempDir();
    const server = await startServer(
      { port: 0, host: '127.0.0.1', dataDir: dir.path, logLevel: 'silent' },
      { env: {}, drainDelayMs: 4000 },
    );
    try {
      const { accessKey } = await addAgent(server.store, 'alice');
      const token = await signIn(server.url, accessKey);
      const sse = await SseClient.open(server.url, token);
      const ws = await SignalClient.signedIn(server.url, token);
      expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
      expect(await upgradeStatus(server.url)).toBe(101);

      // The drain is long enough for the checks below on a loaded machine.
      const closing = server.close();
      // Draining: the balancer sees "not ready", requests in the meantime are still answered.
      const ready = await fetch(`${server.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({ ok: false, reason: 'shutting down' });
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      expect(
        (
          await fetch(`${server.url}/api/session`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ accessKey }),
          })
        ).status,
      ).toBe(200);
      expect(await upgradeStatus(server.url)).toBe(503); // new signalling goes elsewhere
      expect(sse.done).toBe(false); // live clients stay until the listener closes

      await closing;
      expect(await ws.closed()).toBe(1001);
      await expect.poll(() => sse.done).toBe(true);
      expect(sse.events.at(-1)).toEqual({
        event: 'reconnect',
        data: JSON.stringify({ reason: 'server shutting down' }),
      });
      await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
    } finally {
      await server.close();
      dir.remove();
    }
  });
});

describe('readiness and the database', () => {
  const log = createLogger('silent');

  it('fails /readyz when the database is closed', async () => {
    const dir = tempDir();
    const handle = await openDatabase({ dataDir: dir.path });
    const store = new Store(handle, new Bus());
    const app = createApp({
      config: { ...defaultConfig, dataDir: dir.path },
      store,
      ingestor: new Ingestor(store, log),
      log,
    });
    expect((await app.request('/readyz')).status).toBe(200);
    await handle.close();
    const ready = await app.request('/readyz');
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ ok: false, reason: 'database unavailable' });
    expect((await app.request('/healthz')).status).toBe(200); // alive, just not ready
    dir.remove();
  });

  it('fails /readyz when the database does not answer', async () => {
    // A database behind a dropped network path: connections never come.
    const silent = new Kysely<never>({
      dialect: {
        createAdapter: () => new SqliteAdapter(),
        createDriver: () => ({
          init: async () => {},
          acquireConnection: () => new Promise<DatabaseConnection>(() => {}),
          beginTransaction: async () => {},
          commitTransaction: async () => {},
          rollbackTransaction: async () => {},
          releaseConnection: async () => {},
          destroy: async () => {},
        }),
        createIntrospector: (db) => new SqliteIntrospector(db),
        createQueryCompiler: () => new SqliteQueryCompiler(),
      },
    });
    const store = { db: silent } as unknown as Store;
    const app = createApp({
      config: defaultConfig,
      store,
      ingestor: new Ingestor(store, log),
      log,
    });
    // Answers (after READY_DB_TIMEOUT_MS) instead of hanging until the balancer's check times out.
    const ready = await app.request('/readyz');
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ ok: false, reason: 'database unavailable' });
  });
});
