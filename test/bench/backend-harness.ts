// Shared by the backend benchmark and fault tests: a backend in a child process (so it can be
// killed -9), signed Vonage traffic, an open-loop load generator, and the fuzz corpus.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, generateKeyPairSync, randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SignJWT } from 'jose';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const SIGNATURE_SECRET = 'bench-signature-secret-0123456789abcdef';
export const APPLICATION_ID = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
export const VONAGE_NUMBER = '447700900000';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** The VONAGE_* environment for a backend, with a fresh RSA key written into `dir`. */
export function vonageEnv(dir: string): Record<string, string> {
  const keyPath = join(dir, 'vonage-bench.key');
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  writeFileSync(keyPath, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  return {
    VONAGE_APPLICATION_ID: APPLICATION_ID,
    VONAGE_PRIVATE_KEY_PATH: keyPath,
    VONAGE_SIGNATURE_SECRET: SIGNATURE_SECRET,
    VONAGE_NUMBER,
    VONAGE_CALLS_PER_MINUTE: '1000',
    ALLOWED_COUNTRIES: 'GB,US',
  };
}

export interface ChildServer {
  url: string;
  port: number;
  child: ChildProcess;
  /** What it wrote to stderr (and its log on stdout, with `logs`). */
  stderr: () => string;
  /** SIGTERM and wait for exit. */
  stop(): Promise<void>;
  /** SIGKILL (kill -9) and wait for exit. */
  kill9(): Promise<void>;
}

/**
 * Starts `script` (default: the real backend entry) in a child process, TypeScript through tsx and
 * a built bundle (`.js`) with plain node, and waits for /healthz.
 */
export async function spawnServer(
  env: Record<string, string>,
  script = join(ROOT, 'backend/server.ts'),
  nodeArgs: string[] = [],
  /** Keep its log (stdout) with its stderr, for a failing test to print. */
  logs = false,
): Promise<ChildServer> {
  const port = Number(env.PORT) || (await freePort());
  const loader = script.endsWith('.js') ? [] : ['--import', 'tsx'];
  const child = spawn(process.execPath, [...nodeArgs, ...loader, script], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      LOG_LEVEL: 'warn',
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
    },
    stdio: ['ignore', logs ? 'pipe' : 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited: ${stderr}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server did not start: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    port,
    child,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
    async kill9() {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** CPU seconds (user + system, all threads) a child has used so far; Linux /proc, else NaN. */
export function cpuSeconds(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
  } catch {
    return NaN;
  }
}

export async function signBody(
  body: string,
  claims: Record<string, unknown> = {},
): Promise<string> {
  const jwt = await new SignJWT({
    iss: 'Vonage',
    application_id: APPLICATION_ID,
    payload_hash: createHash('sha256').update(body).digest('hex'),
    jti: randomUUID(),
    ...claims,
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt()
    .sign(new TextEncoder().encode(SIGNATURE_SECRET));
  return `Bearer ${jwt}`;
}

export interface PreparedRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  /** A label for reports. */
  tag?: string;
}

export interface Response {
  status: number;
  /** -1 when the connection failed. */
  error?: string;
  latencyMs: number;
}

export function makeAgent(maxSockets = 64): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets });
}

export function send(
  url: string,
  req: PreparedRequest,
  agent: http.Agent,
  startedAt = performance.now(),
): Promise<Response> {
  return new Promise((resolve) => {
    const target = new URL(req.path, url);
    const body =
      req.body === undefined
        ? undefined
        : Buffer.isBuffer(req.body)
          ? req.body
          : Buffer.from(req.body);
    const r = http.request(
      {
        agent,
        host: target.hostname,
        port: target.port,
        path: target.pathname + target.search,
        method: req.method,
        headers: { ...req.headers, ...(body ? { 'content-length': String(body.length) } : {}) },
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, latencyMs: performance.now() - startedAt }),
        );
        res.on('error', (e) =>
          resolve({ status: -1, error: e.message, latencyMs: performance.now() - startedAt }),
        );
      },
    );
    r.on('error', (e) =>
      resolve({ status: -1, error: e.message, latencyMs: performance.now() - startedAt }),
    );
    r.setTimeout(30_000, () => r.destroy(new Error('timeout')));
    if (body) r.write(body);
    r.end();
  });
}

/**
 * Open loop at `ratePerSec`: requests go out on schedule whatever the responses do (a 1 ms timer
 * sends whatever is due). Latency counts from the moment each request is handed to the socket.
 */
export async function openLoop(
  url: string,
  requests: PreparedRequest[],
  ratePerSec: number,
  agent: http.Agent,
): Promise<Response[]> {
  const results: Promise<Response>[] = [];
  const start = performance.now();
  const interval = 1000 / ratePerSec;
  let i = 0;
  while (i < requests.length) {
    const now = performance.now();
    while (i < requests.length && start + i * interval <= now) {
      results.push(send(url, requests[i]!, agent));
      i++;
    }
    await new Promise((r) => setTimeout(r, 1));
  }
  return Promise.all(results);
}

/** Closed loop with `concurrency` requests in flight; `onResponse` may stop it early by returning false. */
export async function closedLoop(
  url: string,
  requests: PreparedRequest[],
  concurrency: number,
  agent: http.Agent,
  onResponse?: (index: number, res: Response) => boolean | void,
): Promise<(Response | undefined)[]> {
  const results: (Response | undefined)[] = new Array(requests.length);
  let next = 0;
  let stopped = false;
  const worker = async () => {
    while (!stopped && next < requests.length) {
      const i = next++;
      const res = await send(url, requests[i]!, agent);
      results[i] = res;
      if (onResponse?.(i, res) === false) stopped = true;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return results;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

const STATUSES = ['started', 'ringing', 'answered', 'completed'];

/** One Vonage event body per (leg, status); the same call always serialises to the same text. */
export function eventBody(leg: number, statusIndex: number, run: string): string {
  const status = STATUSES[statusIndex % STATUSES.length]!;
  return JSON.stringify({
    uuid: `${run}-leg-${leg}`,
    conversation_uuid: `${run}-con-${leg}`,
    status,
    direction: 'outbound',
    from: VONAGE_NUMBER,
    to: '447400123456',
    timestamp: new Date(Date.UTC(2026, 0, 1, 10, 0, leg % 60, statusIndex)).toISOString(),
    ...(status === 'completed'
      ? { duration: '30', price: '0.0123', rate: '0.02', network: '23410' }
      : {}),
  });
}

export async function signedEvent(body: string): Promise<PreparedRequest> {
  return {
    method: 'POST',
    path: '/webhooks/event',
    headers: { 'content-type': 'application/json', authorization: await signBody(body) },
    body,
  };
}

// ---- fuzzing ----

/** Small deterministic PRNG (mulberry32) so a failing case can be replayed from its seed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(r: () => number, items: readonly T[]): T {
  return items[Math.floor(r() * items.length)]!;
}

const WEIRD_VALUES: unknown[] = [
  null,
  true,
  0,
  -1,
  1e308,
  -0,
  'x'.repeat(300),
  '',
  '\u0000',
  'a\u0000b',
  '\ud800',
  '😀',
  '../../etc/passwd',
  "'; drop table calls; --",
  [],
  {},
  [1, 'a', null],
  { nested: { deeper: [1, 2, { x: 'y' }] } },
  '2026-13-45T99:99:99Z',
  '9'.repeat(40),
  '447400123456',
  'contact-42',
  '{"type":"app"}',
  '{"type":"phone","ext":"12"}',
  '%00',
];

function randomJson(r: () => number, depth = 0): unknown {
  if (depth > 3 || r() < 0.3) return pick(r, WEIRD_VALUES);
  if (r() < 0.5) return Array.from({ length: Math.floor(r() * 4) }, () => randomJson(r, depth + 1));
  const keys = [
    'uuid',
    'status',
    'to',
    'from',
    'from_user',
    'custom_data',
    'conversation_uuid',
    'duration',
    'timestamp',
    'start_time',
    'end_time',
    'price',
    'direction',
    'x',
  ];
  const obj: Record<string, unknown> = {};
  for (let i = Math.floor(r() * 6); i > 0; i--) obj[pick(r, keys)] = randomJson(r, depth + 1);
  return obj;
}

function randomBody(r: () => number): string | Buffer {
  const kind = Math.floor(r() * 10);
  switch (kind) {
    case 0:
      return Buffer.from(
        Array.from({ length: Math.floor(r() * 200) }, () => Math.floor(r() * 256)),
      );
    case 1: {
      const valid = eventBody(Math.floor(r() * 100), Math.floor(r() * 4), 'fuzz');
      return valid.slice(0, Math.floor(r() * valid.length));
    }
    case 2:
      return '{"a":'.repeat(2000) + '1' + '}'.repeat(2000);
    case 3:
      return '['.repeat(5000) + ']'.repeat(5000);
    case 4:
      return JSON.stringify({ uuid: 'fuzz-big', status: 'x'.repeat(70_000) });
    case 5:
      return '{"uuid":"dup","uuid":"dup2","status":"started","status":5}';
    case 6:
      return '';
    default:
      return JSON.stringify(randomJson(r));
  }
}

const PATHS = [
  '/webhooks/event',
  '/webhooks/answer',
  '/webhooks/event?uuid=x',
  '/webhooks/%2e%2e/api/session',
  '/webhooks/answer/extra',
  '/api/session',
  '/api/calls?limit=-5&cursor=%ff',
  '/api/events?access_token=%00',
  '/api/token/vonage',
];
const CONTENT_TYPES = [
  'application/json',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json; charset=utf-16',
  '',
];

/** A reproducible corpus of hostile requests; about half carry a valid signature over their body. */
export async function fuzzCorpus(seed: number, count: number): Promise<PreparedRequest[]> {
  const r = rng(seed);
  const out: PreparedRequest[] = [];
  for (let i = 0; i < count; i++) {
    // Mostly the webhooks' real methods and paths, so the parsers behind the signature check are hit.
    const target = r();
    const method =
      target < 0.5
        ? 'POST'
        : target < 0.75
          ? 'GET'
          : pick(r, ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'] as const);
    let path =
      target < 0.4
        ? '/webhooks/event'
        : target < 0.5
          ? '/webhooks/answer'
          : target < 0.75
            ? '/webhooks/answer'
            : pick(r, PATHS);
    const body = method === 'GET' ? undefined : randomBody(r);
    if (method === 'GET' && path.startsWith('/webhooks/answer') && r() < 0.8) {
      const q = new URLSearchParams();
      for (const key of ['uuid', 'to', 'from', 'from_user', 'custom_data', 'conversation_uuid']) {
        if (r() < 0.7) q.set(key, String(pick(r, WEIRD_VALUES)));
      }
      path = `/webhooks/answer?${q}`;
    }
    const headers: Record<string, string> = {};
    const ct = pick(r, CONTENT_TYPES);
    if (ct) headers['content-type'] = ct;
    const auth = Math.floor(r() * 7) - 1;
    const raw = body === undefined ? '' : Buffer.isBuffer(body) ? body.toString('utf8') : body;
    if (auth <= 2) headers.authorization = await signBody(raw);
    else if (auth === 3)
      headers.authorization = await signBody(raw, { payload_hash: 'f'.repeat(64) });
    else if (auth === 4)
      headers.authorization = pick(r, [
        'Bearer',
        'Bearer a.b.c',
        `Bearer ${'x'.repeat(5000)}`,
        'Basic Zm9vOmJhcg==',
        'Bearer \u00ff',
      ]);
    if (r() < 0.1) headers['x-request-id'] = pick(r, ['', 'x'.repeat(500), '../../', '\u00e9']);
    if (r() < 0.1)
      headers.origin = pick(r, ['https://evil.example', 'null', 'chrome-extension://abc']);
    out.push({
      method,
      path,
      headers,
      ...(body !== undefined ? { body } : {}),
      tag: `seed ${seed} #${i}`,
    });
  }
  return out;
}
