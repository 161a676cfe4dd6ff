// The Node entry: configuration, database, HTTP server, signalling WebSocket, graceful shutdown.
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { serve } from '@hono/node-server';
import { WebSocketServer } from 'ws';
import { allowedOrigins, createApp } from './app';
import { listenForUpdates, Bus } from './bus';
import { ConfigError, loadConfig, loadPrivateKey, type Config } from './config';
import { openDatabase } from './db/connect';
import { loadDotEnv } from './dotenv';
import { Store } from './db/store';
import { Ingestor } from './ingest';
import { createLogger, type Logger } from './log';
import { OutboxWorker, outboxOptionsFromEnv, type OutboxOptions } from './outbox/worker';
import { SignalRelay } from './signal/relay';

export interface RunningServer {
  url: string;
  port: number;
  store: Store;
  close(): Promise<void>;
}

/** Starts the backend in this process. Configuration: env (and `.env`) overlaid with `overrides`. */
export async function startServer(
  overrides: Partial<Config> = {},
  opts: {
    log?: Logger;
    env?: Record<string, string | undefined>;
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
  const relay = new SignalRelay(store, log);
  const outbox = new OutboxWorker(store, log, {
    ...outboxOptionsFromEnv(opts.env ?? process.env),
    ...opts.outbox,
  });
  const prune = () =>
    Promise.all([store.pruneUpdates(Date.now()), store.pruneOutbox(Date.now())]).catch(
      (error: unknown) => log.warn('pruning call updates failed', { error }),
    );
  void prune();
  const pruneTimer = setInterval(() => void prune(), 3600_000);
  pruneTimer.unref();
  const shutdown = new AbortController();
  const app = createApp({
    config,
    store,
    ingestor,
    log,
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
        await listener?.close();
        await handle.close().catch(() => {});
        reject(new Error(`Cannot listen on ${config.host}:${config.port}: ${error.message}`));
      })();
    });
  });
  server.requestTimeout = 30_000;
  server.headersTimeout = 15_000;
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const reject = (status: number, text: string) => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/signal') return reject(404, 'Not Found');
    if (shutdown.signal.aborted) return reject(503, 'Service Unavailable');
    // Browsers always send Origin: allow the extension, this backend's own pages and ALLOWED_ORIGINS.
    const origin = req.headers.origin;
    const own = `http://${req.headers.host ?? ''}`;
    const ownTls = `https://${req.headers.host ?? ''}`;
    if (origin !== undefined && !origins.has(origin) && origin !== own && origin !== ownTls) {
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
  });

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
      log.info('shutting down');
      shutdown.abort();
      clearInterval(pruneTimer);
      // Stop accepting; in-flight requests finish, idle keep-alive sockets close.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await relay.close();
      for (const ws of wss.clients) ws.terminate();
      const forced = setTimeout(() => server.closeAllConnections(), 10_000);
      await closed;
      clearTimeout(forced);
      await ingestor.flush();
      await outbox.stop();
      await listener?.close();
      await handle.close();
      log.info('stopped');
    })());
  if (listener) {
    // Streams work without it (they still see this instance's changes), so do not hang the start.
    const ready = await Promise.race([
      listener.ready.then(() => true),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 5000).unref()),
    ]);
    if (!ready)
      log.warn('PostgreSQL LISTEN not ready yet: other instances’ updates arrive once it connects');
  }
  return { url, port, store, close };
}

async function main() {
  loadDotEnv();
  let running: RunningServer;
  try {
    running = await startServer();
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
    void running.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) void main();
