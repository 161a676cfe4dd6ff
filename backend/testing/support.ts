// Test support: temp dirs, in-process servers on both engines, signed-in agents, signalling clients.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import WebSocket from 'ws';
import { addAgent, type AddAgentOptions } from '../agents';
import type { Config } from '../config';
import { startServer, type RunningServer } from '../server';
import type { Store } from '../db/store';
import { EXTENSION_ID } from '../../src/extensionKey';

export const EXTENSION_ORIGIN = `chrome-extension://${EXTENSION_ID}`;

export function tempDir(prefix = 'c2c-test-'): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/**
 * The engines the store suite runs against. PostgreSQL comes from TEST_DATABASE_URL; without it the PG
 * suite is skipped locally but fails in CI, where the URL is always provided.
 */
export function engines(): { name: 'sqlite' | 'pg'; available: boolean }[] {
  return [
    { name: 'sqlite', available: true },
    { name: 'pg', available: !!process.env.TEST_DATABASE_URL || process.env.CI === 'true' },
  ];
}

/** A fresh, empty PostgreSQL database for one suite (created next to TEST_DATABASE_URL's). */
export async function freshPgDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const base = process.env.TEST_DATABASE_URL;
  if (!base)
    throw new Error(
      'TEST_DATABASE_URL is not set: run scripts/start-postgres.sh (CI must provide it)',
    );
  const name = `c2c_t_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export interface TestBackend extends RunningServer {
  dataDir: string;
  databaseUrl?: string;
  /** Creates an agent and signs it in. */
  agent(name: string, opts?: AddAgentOptions): Promise<{ accessKey: string; token: string }>;
}

/** Starts a real backend in-process on port 0 with a temp data dir (and a fresh PG database for 'pg'). */
export async function startTestBackend(
  engine: 'sqlite' | 'pg' = 'sqlite',
  overrides: Partial<Config> = {},
  shared?: { databaseUrl?: string; dataDir?: string },
): Promise<TestBackend> {
  const dir = shared?.dataDir ? undefined : tempDir();
  const dataDir = shared?.dataDir ?? dir!.path;
  let pgDb: Awaited<ReturnType<typeof freshPgDatabase>> | undefined;
  let databaseUrl = shared?.databaseUrl;
  if (engine === 'pg' && !databaseUrl) {
    pgDb = await freshPgDatabase();
    databaseUrl = pgDb.url;
  }
  const server = await startServer(
    {
      port: 0,
      host: '127.0.0.1',
      dataDir,
      logLevel: 'silent',
      ...(databaseUrl ? { databaseUrl } : {}),
      ...overrides,
    },
    { env: {} },
  );
  return {
    ...server,
    dataDir,
    ...(databaseUrl ? { databaseUrl } : {}),
    agent: (name, opts) => createSignedInAgent(server.store, server.url, name, opts),
    async close() {
      await server.close();
      await pgDb?.drop();
      dir?.remove();
    },
  };
}

export async function signIn(url: string, accessKey: string): Promise<string> {
  const res = await fetch(`${url}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ accessKey }),
  });
  if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

export async function createSignedInAgent(
  store: Store,
  url: string,
  name: string,
  opts: AddAgentOptions = {},
): Promise<{ accessKey: string; token: string }> {
  const { accessKey } = await addAgent(store, name, opts);
  return { accessKey, token: await signIn(url, accessKey) };
}

type Json = Record<string, unknown>;

/** A signalling client that records every message and close, for assertions. */
export class SignalClient {
  readonly messages: Json[] = [];
  closeCode: number | undefined;
  private waiters: (() => void)[] = [];
  readonly opened: Promise<void>;

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.messages.push(JSON.parse(data.toString()) as Json);
      this.notify();
    });
    ws.on('close', (code) => {
      this.closeCode = code;
      this.notify();
    });
    this.opened = new Promise((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
  }

  static async open(url: string, origin: string | null = EXTENSION_ORIGIN): Promise<SignalClient> {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/signal`, origin ? { origin } : {});
    const client = new SignalClient(ws);
    await client.opened;
    return client;
  }

  /** Opens, authenticates and waits for `ready`. */
  static async signedIn(url: string, token: string): Promise<SignalClient> {
    const client = await SignalClient.open(url);
    client.send({ t: 'auth', token });
    await client.next((m) => m.t === 'ready');
    return client;
  }

  private notify() {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  send(message: Json | string): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** Waits for (and consumes) the first message matching `match`. */
  async next(match: (m: Json) => boolean = () => true, timeoutMs = 5000): Promise<Json> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.messages.findIndex(match);
      if (index >= 0) return this.messages.splice(index, 1)[0]!;
      if (this.closeCode !== undefined)
        throw new Error(`socket closed (${this.closeCode}) while waiting`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting; got ${JSON.stringify(this.messages)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async closed(timeoutMs = 5000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (this.closeCode === undefined) {
      if (Date.now() > deadline) throw new Error('socket did not close');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 50);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.closeCode;
  }

  close(): void {
    this.ws.close();
  }
}

/** Polls until `check` returns a truthy value. */
export async function eventually<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 5000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(`condition not met in time${last ? `: ${String(last)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
