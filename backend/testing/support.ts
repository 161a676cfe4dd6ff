// Test support: temp dirs, in-process servers on both engines, signed-in agents, signalling clients.
import { createHash, generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import pg from 'pg';
import { describe } from 'vitest';
import WebSocket from 'ws';
import { addAgent, type AddAgentOptions } from '../agents';
import { createApp } from '../app';
import { Bus } from '../bus';
import { defaultConfig, loadPrivateKey, type Config, type VonageConfig } from '../config';
import type { AppDeps } from '../context';
import { openDatabase } from '../db/connect';
import type { NewCall } from '../db/schema';
import { Store } from '../db/store';
import { Ingestor } from '../ingest';
import { createLogger } from '../log';
import { startServer, type RunningServer } from '../server';
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
/**
 * A `calls` row for tests that insert history directly: a top-level outbound built-in call by `ava`,
 * answered after 5 s and talked for 60 s; `extra` overrides any column.
 */
export function callRow(uuid: string, created: number, extra: Partial<NewCall> = {}): NewCall {
  return {
    uuid,
    provider: 'builtin',
    agent: 'ava',
    direction: 'outbound',
    from_addr: null,
    to_addr: '+14155552671',
    status: 'completed',
    reason: null,
    conversation_uuid: null,
    parent_uuid: null,
    created_at: created,
    started_at: created,
    answered_at: created + 5000,
    ended_at: created + 65_000,
    duration: 60,
    price: null,
    rate: null,
    network: null,
    updated_at: created,
    ...extra,
  };
}

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

// ---- in-memory app (route tests with app.request()) and Vonage fixtures ----

export function forEachEngine(fn: (engine: 'sqlite' | 'pg') => void): void {
  for (const e of engines()) describe.skipIf(!e.available)(`on ${e.name}`, () => fn(e.name));
}

export interface TestApp {
  app: ReturnType<typeof createApp>;
  deps: AppDeps;
  store: Store;
  close(): Promise<void>;
}

/** Builds the app over a real database (temp SQLite or a fresh PostgreSQL database), no network. */
export async function makeTestApp(
  engine: 'sqlite' | 'pg' = 'sqlite',
  overrides: Partial<Config> = {},
): Promise<TestApp> {
  const dir = tempDir();
  const pgDb = engine === 'pg' ? await freshPgDatabase() : undefined;
  const config: Config = { ...defaultConfig, dataDir: dir.path, logLevel: 'silent', ...overrides };
  if (pgDb) config.databaseUrl = pgDb.url;
  const handle = await openDatabase(config);
  const store = new Store(handle, new Bus());
  const log = createLogger('silent');
  const deps: AppDeps = {
    config,
    store,
    log,
    ingestor: new Ingestor(store, log),
    ...(config.vonage ? { vonageKey: loadPrivateKey(config.vonage.privateKeyPath) } : {}),
  };
  return {
    app: createApp(deps),
    deps,
    store,
    async close() {
      await deps.ingestor.flush();
      await handle.close();
      await pgDb?.drop();
      dir.remove();
    },
  };
}

export const TEST_SIGNATURE_SECRET = 'test-signature-secret-0123456789abcdef';

/** A Vonage configuration with a freshly generated RSA key written to `dir`. */
export function testVonageConfig(
  dir: string,
  change: Partial<VonageConfig> = {},
): { vonage: VonageConfig; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privateKeyPath = join(dir, 'vonage-test.key');
  writeFileSync(privateKeyPath, privateKey.export({ type: 'pkcs8', format: 'pem' }), {
    mode: 0o600,
  });
  return {
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    vonage: {
      applicationId: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee',
      privateKeyPath,
      signatureSecret: TEST_SIGNATURE_SECRET,
      apiKey: 'abcd1234',
      number: '447700900000',
      jwtTtlSec: 3600,
      talkText: 'Thank you for calling. Transferring you now.',
      connectTimeoutSec: 45,
      callLimitSec: 3600,
      callsPerMinute: 6,
      webhookMaxAgeSec: 300,
      // Most suites send Vonage's default GET answers; the refusal of GET (the backend's default,
      // see config.ts) is tested with `allowGetAnswer: false`.
      allowGetAnswer: true,
      ...change,
    },
  };
}

/** The `Authorization` header Vonage sends with a signed webhook. */
export async function signWebhook(
  body: string,
  claims: Record<string, unknown> = {},
  secret = TEST_SIGNATURE_SECRET,
): Promise<string> {
  const jwt = await new SignJWT({
    iss: 'Vonage',
    api_key: 'abcd1234',
    application_id: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee',
    payload_hash: createHash('sha256').update(body).digest('hex'),
    jti: randomUUID(),
    ...claims,
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt(typeof claims.iat === 'number' ? claims.iat : Math.floor(Date.now() / 1000))
    .sign(new TextEncoder().encode(secret));
  return `Bearer ${jwt}`;
}

export interface SseEvent {
  id?: string;
  event?: string;
  data: string;
}

/** A minimal SSE client over fetch (headers allowed, unlike EventSource). */
export class SseClient {
  readonly events: SseEvent[] = [];
  private readonly controller = new AbortController();
  private waiters: (() => void)[] = [];
  status = 0;
  done = false;

  static async open(url: string, token: string, lastEventId?: string): Promise<SseClient> {
    const client = new SseClient();
    const res = await fetch(`${url}/api/events`, {
      headers: {
        authorization: `Bearer ${token}`,
        ...(lastEventId ? { 'last-event-id': lastEventId } : {}),
      },
      signal: client.controller.signal,
    });
    client.status = res.status;
    if (res.status !== 200 || !res.body) return client;
    void client.read(res.body);
    return client;
  }

  private async read(body: ReadableStream<Uint8Array>) {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      const reader = body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event: SseEvent = { data: '' };
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) continue;
            const [field, ...rest] = line.split(':');
            const value = rest.join(':').replace(/^ /, '');
            if (field === 'id') event.id = value;
            else if (field === 'event') event.event = value;
            else if (field === 'data') data.push(value);
          }
          if (data.length === 0 && !event.event) continue;
          event.data = data.join('\n');
          this.events.push(event);
          this.notify();
        }
      }
    } catch {
      // aborted
    }
    this.done = true;
    this.notify();
  }

  private notify() {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** Waits until `count` call events have arrived; returns their parsed data. */
  async calls(
    count: number,
    timeoutMs = 5000,
  ): Promise<{ id: string; call: Record<string, unknown> }[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const calls = this.events.filter((e) => e.event === 'call');
      if (calls.length >= count) {
        return calls.map((e) => ({
          id: e.id!,
          call: JSON.parse(e.data) as Record<string, unknown>,
        }));
      }
      if (this.done) throw new Error(`stream ended after ${calls.length} call events`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`got ${calls.length} of ${count} call events`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.controller.abort();
  }
}
