// The cluster suite's machinery: backend instances as child processes of the real server on one
// PostgreSQL, HAProxy (Debian's) in front on loopback, and signalling clients that know their instance.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { addAgent } from '../../backend/agents';
import { Bus } from '../../backend/bus';
import { openDatabase, type Db } from '../../backend/db/connect';
import { Store } from '../../backend/db/store';
import {
  EXTENSION_ORIGIN,
  SignalClient,
  freshPgDatabase,
  signIn,
} from '../../backend/testing/support';
import { freePort, spawnServer, vonageEnv, type ChildServer } from '../bench/backend-harness';

export const HAPROXY = '/usr/sbin/haproxy';

export interface Cluster {
  proxyUrl: string;
  databaseUrl: string;
  /** Instance i (0-based); undefined while it is down. */
  instances: (ChildServer | undefined)[];
  ports: number[];
  store: Store;
  start(i: number): Promise<ChildServer>;
  /** Waits until HAProxy routes to exactly the instances that are up. */
  settled(): Promise<void>;
  agent(name: string): Promise<{ accessKey: string; token: string }>;
  close(): Promise<void>;
}

function haproxyConfig(port: number, ports: number[]): string {
  return [
    'global',
    '  maxconn 4000',
    'defaults',
    '  mode http',
    '  timeout connect 1s',
    '  timeout client 120s',
    '  timeout server 120s',
    '  timeout tunnel 300s',
    '  retries 3',
    '  option redispatch',
    'frontend fe',
    `  bind 127.0.0.1:${port}`,
    '  default_backend be',
    'backend be',
    '  balance roundrobin',
    '  option httpchk',
    '  http-check send meth GET uri /healthz',
    '  default-server inter 300 fall 2 rise 2',
    // Tests only: tells a client which instance it reached.
    '  http-response set-header X-Served-By %[srv_name]',
    ...ports.map((p, i) => `  server s${i} 127.0.0.1:${p} check`),
    '',
  ].join('\n');
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Three (or `count`) instances of the real backend on a fresh PostgreSQL database behind HAProxy. */
export async function startCluster(count = 3): Promise<Cluster> {
  if (!process.env.TEST_DATABASE_URL)
    throw new Error('The cluster suite needs TEST_DATABASE_URL (scripts/start-postgres.sh)');
  const dir = mkdtempSync(join(tmpdir(), 'c2c-cluster-'));
  const pgDb = await freshPgDatabase();
  const env: Record<string, string> = {
    DATABASE_URL: pgDb.url,
    DATA_DIR: dir,
    // Debug: the relay says how each call ended, was held and resumed (a failure prints a call's lines).
    LOG_LEVEL: 'debug',
    ...vonageEnv(dir),
  };
  const ports: number[] = [];
  for (let i = 0; i < count; i++) ports.push(await freePort());
  const proxyPort = await freePort();
  const configPath = join(dir, 'haproxy.cfg');
  writeFileSync(configPath, haproxyConfig(proxyPort, ports));
  const instances: (ChildServer | undefined)[] = new Array<ChildServer | undefined>(count);
  const start = async (i: number) => {
    const server = await spawnServer({ ...env, PORT: String(ports[i]) }, undefined, [], true);
    instances[i] = server;
    return server;
  };
  // The first one migrates the database; the others start in parallel.
  await start(0);
  await Promise.all(ports.slice(1).map((_, i) => start(i + 1)));
  const haproxy: ChildProcess = spawn(HAPROXY, ['-f', configPath, '-db'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let haproxyLog = '';
  haproxy.stderr!.on('data', (d: Buffer) => (haproxyLog += d.toString()));
  const proxyUrl = `http://127.0.0.1:${proxyPort}`;
  let handle: Db | undefined;
  const close = async () => {
    if (haproxy.exitCode === null) {
      const exited = new Promise((r) => haproxy.once('exit', r));
      haproxy.kill('SIGTERM');
      await exited;
    }
    await Promise.all(instances.map((s) => s?.stop()));
    await handle?.close();
    await pgDb.drop();
    rmSync(dir, { recursive: true, force: true });
  };
  const settled = async () => {
    const up = new Set(instances.flatMap((s, i) => (s ? [`s${i}`] : [])));
    await waitFor(
      `HAProxy routes to ${[...up].join(', ')}`,
      async () => {
        const seen = new Set<string>();
        for (let k = 0; k < count * 3; k++) {
          const res = await fetch(`${proxyUrl}/healthz`);
          if (!res.ok) return false;
          seen.add(res.headers.get('x-served-by') ?? '');
        }
        return seen.size === up.size && [...seen].every((s) => up.has(s));
      },
      20_000,
    );
  };
  try {
    await waitFor('HAProxy listening', async () => (await fetch(`${proxyUrl}/healthz`)).ok, 10_000);
    await settled();
    handle = await openDatabase({ dataDir: dir, databaseUrl: pgDb.url });
  } catch (error) {
    await close().catch(() => {});
    throw new Error(`${(error as Error).message}\nhaproxy: ${haproxyLog}`);
  }
  const store = new Store(handle, new Bus());
  let next = 0;
  return {
    proxyUrl,
    databaseUrl: pgDb.url,
    instances,
    ports,
    store,
    start,
    settled,
    // Sign-in spreads over the instances directly: its per-IP limit is not what is tested here.
    async agent(name) {
      const { accessKey } = await addAgent(store, name);
      const up = instances.filter((s): s is ChildServer => !!s);
      const target = up[next++ % up.length]!;
      return { accessKey, token: await signIn(target.url, accessKey) };
    },
    close,
  };
}

/** A signalling client through the proxy that knows which instance (s0, s1, …) it reached. */
export class Phone {
  client!: SignalClient;
  servedBy = '';
  reconnects = 0;

  private constructor(
    readonly proxyUrl: string,
    readonly token: string,
    readonly lines: string[],
  ) {}

  static async connect(proxyUrl: string, token: string, lines: string[] = []): Promise<Phone> {
    const phone = new Phone(proxyUrl, token, lines);
    await phone.open();
    return phone;
  }

  private async open(): Promise<void> {
    const ws = new WebSocket(`${this.proxyUrl.replace(/^http/, 'ws')}/signal`, {
      origin: EXTENSION_ORIGIN,
    });
    ws.once('upgrade', (res) => (this.servedBy = String(res.headers['x-served-by'] ?? '')));
    const client = new SignalClient(ws);
    await client.opened;
    client.send({ t: 'auth', token: this.token });
    await client.next((m) => m.t === 'ready');
    for (const address of this.lines) {
      client.send({ t: 'register', address });
      await client.next((m) => m.t === 'registered' && m.address === address);
    }
    this.client = client;
  }

  get down(): boolean {
    return this.client.closeCode !== undefined;
  }

  /** Reconnects through the proxy with backoff, bounded in attempts. */
  async reconnect(maxAttempts = 20): Promise<void> {
    let delay = 100;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.open();
        this.reconnects += 1;
        return;
      } catch (error) {
        if (attempt >= maxAttempts) throw error;
        await new Promise((r) => setTimeout(r, delay + Math.random() * delay));
        delay = Math.min(delay * 2, 1000);
      }
    }
  }

  /** Reconnects through the proxy until the socket lands on `instance` (round robin: a few tries). */
  async reconnectTo(instance: string, maxAttempts = 12): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      await this.reconnect();
      if (this.servedBy === instance) return;
      if (attempt >= maxAttempts) throw new Error(`could not reach ${instance} through the proxy`);
      this.client.close();
      await this.client.closed().catch(() => {});
    }
  }

  send(message: Record<string, unknown>): void {
    this.client.send(message);
  }

  next(match: (m: Record<string, unknown>) => boolean, timeoutMs = 15_000) {
    return this.client.next(match, timeoutMs);
  }

  close(): void {
    if (!this.down) this.client.close();
  }
}
