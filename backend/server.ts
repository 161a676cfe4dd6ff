// The Node entry: configuration, database, HTTP server, signalling WebSocket, graceful shutdown.
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { serve } from '@hono/node-server';
import { WebSocketServer } from 'ws';
import { allowedOrigins, createApp, isAllowedOrigin } from './app';
import { listenForUpdates, Bus } from './bus';
import { ConfigError, loadConfig, loadPrivateKey, type Config } from './config';
import { openDatabase } from './db/connect';
import { loadDotEnv } from './dotenv';
import { Store } from './db/store';
import { Ingestor } from './ingest';
import { createLogger, type Logger } from './log';
import { OutboxWorker, outboxOptionsFromEnv, type OutboxOptions } from './outbox/worker';
import { ConnectionPresence } from './presence';
import { startSignalBus } from './signal/crossInstance';
import { SignalRelay } from './signal/relay';

export interface RunningServer {
  url: string;
  port: number;
  store: Store;
  /**
   * Graceful stop: `/readyz` fails and new signalling sockets are refused for `drainDelayMs` while
   * requests are still served (load balancers move away); then the listener closes, in-flight
   * requests finish (cut after DRAIN_TIMEOUT_MS), signalling sockets close with 1001 and SSE streams
   * get a `reconnect` event (clients reconnect elsewhere), then pending writes, the PostgreSQL
   * listener and the database (final SQLite checkpoint) close.
   */
  close(): Promise<void>;
}

/** In-flight requests still open this long after the listener closed are cut. */
export const DRAIN_TIMEOUT_MS = 10_000;
/** `main` exits with status 1 if a stop takes longer than SHUTDOWN_DELAY_MS plus this. */
export const EXIT_DEADLINE_MS = 20_000;

/** Starts the backend in this process. Configuration: env (and `.env`) overlaid with `overrides`. */
export async function startServer(
  overrides: Partial<Config> = {},
  opts: {
    log?: Logger;
    env?: Record<string, string | undefined>;
    drainDelayMs?: number;
    outbox?: Partial<OutboxOptions>;
  } = {},
): Promise<RunningServer> {
  const config: Config = { ...loadConfig(opts.env ?? process.env), ...overrides };
  const log = opts.log ?? createLogger(config.logLevel);
  const vonageKey = config.vonage ? loadPrivateKey(config.vonage.privateKeyPath) : undefined;
  if (config.vonage && config.allowedCountries.length === 0) {
    log.warn('ALLOWED_COUNTRIES is empty: every outbound Vonage phone call will be refused');
  }
  const handle = await openDatabase(config);
  const bus = new Bus();
  const listener = handle.url ? listenForUpdates(handle.url, bus, log) : undefined;
  const store = new Store(handle, bus);
  const ingestor = new Ingestor(store, log);
  // Several instances on one PostgreSQL: signalling crosses them through the database.
  const signalBus = handle.url ? await startSignalBus(handle.url, store, log) : undefined;
  // The built-in provider's signalling connection is its agent's presence heartbeat.
  const presenceLink = new ConnectionPresence(store, log, {
    connectedElsewhere: async (agent) => !!(await signalBus?.find(`agent:${agent}`)),
  });
  const relay = new SignalRelay(store, log, undefined, undefined, signalBus, presenceLink);
  const outbox = new OutboxWorker(store, log, {
    ...outboxOptionsFromEnv(opts.env ?? process.env),
    ...opts.outbox,
  });
  const pruneTimer = startPruning(store, log);
  const draining = new AbortController();
  const shutdown = new AbortController();
  const app = createApp({
    config,
    store,
    ingestor,
    log,
    draining: draining.signal,
    shutdown: shutdown.signal,
    onSessionRevoked: (tokenHash) => relay.revokeSession(tokenHash),
    ...(vonageKey ? { vonageKey } : {}),
  });

  const origins = allowedOrigins({ config });
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () =>
      resolve(s as Server),
    );
    (s as Server).once('error', (error: Error) => {
      // e.g. the port is taken: release what was opened, then report.
      void (async () => {
        await relay.close().catch(() => {});
        presenceLink.stop();
        await signalBus?.close();
        await listener?.close();
        await handle.close().catch(() => {});
        reject(new Error(`Cannot listen on ${config.host}:${config.port}: ${error.message}`));
      })();
    });
  });
  server.requestTimeout = 30_000;
  server.headersTimeout = 15_000;
  server.on('upgrade', signallingUpgrade({ wss, relay, origins, draining: draining.signal, log }));

  outbox.start();
  const port = (server.address() as AddressInfo).port;
  const host = ['0.0.0.0', '::', 'localhost'].includes(config.host) ? '127.0.0.1' : config.host;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  log.info('backend listening', {
    url,
    database: handle.dialect,
    vonage: !!config.vonage,
    clevertap: !!config.clevertap,
    demo: config.demo,
  });

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      const drainDelayMs = opts.drainDelayMs ?? 0;
      log.info('shutting down', { drainDelayMs });
      draining.abort();
      if (drainDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, drainDelayMs));
      shutdown.abort();
      clearInterval(pruneTimer);
      // Stop accepting; in-flight requests finish, keep-alive sockets close as soon as they are idle
      // (a finished SSE stream's socket too, rather than when the client's keep-alive ends).
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const idle = setInterval(() => server.closeIdleConnections(), 50);
      await relay.close();
      presenceLink.stop();
      await signalBus?.close();
      for (const ws of wss.clients) ws.terminate();
      const forced = setTimeout(() => server.closeAllConnections(), DRAIN_TIMEOUT_MS);
      await closed;
      clearTimeout(forced);
      clearInterval(idle);
      await ingestor.flush();
      await outbox.stop();
      await listener?.close();
      await handle.close();
      log.info('stopped');
    })());
  if (listener) await awaitListener(listener, log);
  return { url, port, store, close };
}

/** Prunes old call updates and delivered outbox rows now and every hour; returns the timer. */
function startPruning(store: Store, log: Logger): NodeJS.Timeout {
  const prune = () =>
    Promise.all([store.pruneUpdates(Date.now()), store.pruneOutbox(Date.now())]).catch(
      (error: unknown) => log.warn('pruning call updates failed', { error }),
    );
  void prune();
  const timer = setInterval(() => void prune(), 3600_000);
  timer.unref();
  return timer;
}

/** Waits up to 5 s for the PostgreSQL LISTEN connection, warning (not failing) when it is late. */
async function awaitListener(listener: { ready: Promise<unknown> }, log: Logger): Promise<void> {
  // Streams work without it (they still see this instance's changes), so do not hang the start.
  const ready = await Promise.race([
    listener.ready.then(() => true),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 5000).unref()),
  ]);
  if (!ready)
    log.warn('PostgreSQL LISTEN not ready yet: other instances’ updates arrive once it connects');
}

/** The HTTP upgrade handler for `/signal`: refuses other paths, a draining instance and foreign origins. */
function signallingUpgrade(deps: {
  wss: WebSocketServer;
  relay: SignalRelay;
  origins: ReturnType<typeof allowedOrigins>;
  draining: AbortSignal;
  log: Logger;
}) {
  const { wss, relay, origins, draining, log } = deps;
  return (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const reject = (status: number, text: string) => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/signal') return reject(404, 'Not Found');
    if (draining.aborted) return reject(503, 'Service Unavailable');
    // Browsers always send Origin: allow the extension (on Firefox any install's moz-extension
    // origin), this backend's own pages and ALLOWED_ORIGINS. The first message must still be a token.
    const origin = req.headers.origin;
    const own = `http://${req.headers.host ?? ''}`;
    const ownTls = `https://${req.headers.host ?? ''}`;
    if (
      origin !== undefined &&
      !isAllowedOrigin(origins, origin) &&
      origin !== own &&
      origin !== ownTls
    ) {
      log.warn('signalling origin refused', { origin });
      return reject(403, 'Forbidden');
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const conn = relay.connect({
        send: (data) => ws.send(data),
        close: (code, reason) => ws.close(code, reason),
      });
      ws.on('message', (data, isBinary) => {
        conn.onMessage(isBinary ? '' : data.toString());
      });
      ws.on('close', () => conn.onClose());
      ws.on('error', () => ws.terminate());
    });
  };
}

/** SHUTDOWN_DELAY_MS: how long a stopping instance keeps serving with `/readyz` failing (0–60000). */
function drainDelay(env: Record<string, string | undefined>): number {
  const raw = env.SHUTDOWN_DELAY_MS?.trim() || '0';
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value > 60_000) {
    throw new ConfigError(['SHUTDOWN_DELAY_MS must be a whole number of milliseconds, 0 to 60000']);
  }
  return value;
}

async function main() {
  loadDotEnv();
  let running: RunningServer;
  let drainDelayMs = 0;
  try {
    drainDelayMs = drainDelay(process.env);
    running = await startServer({}, { drainDelayMs });
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
    } else {
      console.error(`Cannot start the backend: ${(error as Error).message}`);
    }
    process.exit(1);
  }
  let signals = 0;
  const stop = (signal: string) => {
    signals += 1;
    if (signals > 1) process.exit(1);
    console.error(
      JSON.stringify({ time: new Date().toISOString(), level: 'info', msg: 'signal', signal }),
    );
    // A stop that hangs (a stuck database close) must not keep the instance around forever.
    setTimeout(() => {
      console.error(
        JSON.stringify({ time: new Date().toISOString(), level: 'error', msg: 'stop timed out' }),
      );
      process.exit(1);
    }, drainDelayMs + EXIT_DEADLINE_MS).unref();
    void running.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) void main();
