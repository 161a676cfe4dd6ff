// Capacity of one instance (part of `npm run bench:backend`): 2,000 agents signed in at once, each
// with its signalling WebSocket and SSE stream open and heartbeating, 100 calls a second set up across
// them; memory per agent, relay latency, CPU and the answer webhook's p99 under that load, against a
// bare WebSocket relay + SSE server on the same machine. Loopback only; every loop is bounded.
import { execFileSync, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import WebSocket from 'ws';
import { hashToken } from '../../backend/agents';
import { Bus } from '../../backend/bus';
import { openDatabase } from '../../backend/db/connect';
import { Store } from '../../backend/db/store';
import {
  ROOT,
  cpuSeconds,
  percentile,
  signBody,
  spawnServer,
  vonageEnv,
  type ChildServer,
  type PreparedRequest,
  type Response,
} from './backend-harness';
import type { ProbeJob } from './answer-prober';

const AGENTS = 2000;
const CALLS_PER_SEC = 100;
const CALL_SECONDS = 10;
const PING_EVERY_MS = 5000;
/** Pings go out every this often, to the agents whose turn it is. */
const PING_SLOT_MS = 50;
const ANSWER_RATE = 50;
const CONNECT_CONCURRENCY = 100;
/** Inside the project (the bundle loads better-sqlite3 and pg from node_modules), git-ignored. */
const BUNDLE_DIR = '.output/bench';

/**
 * A client in a process of its own (test/bench/answer-prober.ts): the latency it measures is the
 * server's and the loopback's, not this process's event loop, busy with 2,000 agents. Resolves once
 * the process is ready; `run` sends one batch open-loop.
 */
interface Prober {
  run(job: ProbeJob): Promise<Response[]>;
  stop(): void;
}

async function startProber(): Promise<Prober> {
  const child = fork(join(ROOT, 'test/bench/answer-prober.ts'), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`answer prober exited with ${code}`))),
  );
  exited.catch(() => {});
  await Promise.race([new Promise((r) => child.once('message', r)), exited]);
  return {
    run: (job) =>
      Promise.race([
        new Promise<Response[]>((resolve) => {
          child.once('message', (m) => resolve(m as Response[]));
          child.send(job);
        }),
        exited,
      ]),
    stop: () => child.connected && child.disconnect(),
  };
}

const ms = (n: number) => `${n.toFixed(2)} ms`;

function rssMb(pid: number | undefined): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024;
}

interface Agent {
  name: string;
  token: string;
  ws?: WebSocket;
  sse?: http.ClientRequest;
  onMessage?: (m: Record<string, unknown>) => void;
}

/** Opens every agent's WebSocket (auth → ready) and SSE stream, `CONNECT_CONCURRENCY` at a time. */
async function connectAll(url: string, agents: Agent[], sseAgent: http.Agent): Promise<void> {
  let next = 0;
  const one = async (agent: Agent) => {
    await new Promise<void>((resolve, reject) => {
      const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/signal`);
      agent.ws = ws;
      ws.once('error', reject);
      ws.on('message', (data) => {
        const m = JSON.parse(data.toString()) as Record<string, unknown>;
        if (m.t === 'ready') resolve();
        else agent.onMessage?.(m);
      });
      ws.once('open', () => ws.send(JSON.stringify({ t: 'auth', token: agent.token })));
    });
    await new Promise<void>((resolve, reject) => {
      const req = http.get(
        `${url}/api/events`,
        { agent: sseAgent, headers: { authorization: `Bearer ${agent.token}` } },
        (res) => {
          if (res.statusCode !== 200) reject(new Error(`SSE ${res.statusCode}`));
          res.on('data', () => {});
          resolve();
        },
      );
      req.on('error', (e) => (agent.sse ? undefined : reject(e)));
      agent.sse = req;
    });
  };
  await Promise.all(
    Array.from({ length: CONNECT_CONCURRENCY }, async () => {
      while (next < agents.length) await one(agents[next++]!);
    }),
  );
}

/** 100 calls/s: invite → ringing → answer → hangup between agent i and agent i + AGENTS/2. */
async function callLoad(agents: Agent[]): Promise<{ latencies: number[]; failed: number }> {
  const latencies: number[] = [];
  let failed = 0;
  const half = AGENTS / 2;
  const total = CALLS_PER_SEC * CALL_SECONDS;
  const done: Promise<void>[] = [];
  const run = Date.now().toString(36);
  const place = (i: number) =>
    new Promise<void>((resolve) => {
      const caller = agents[i % half]!;
      const callee = agents[half + (i % half)]!;
      const callId = `cap-${run}-${i}`;
      const sent = new Map<string, number>();
      const timer = setTimeout(() => {
        failed += 1;
        resolve();
      }, 10_000);
      const send = (from: Agent, to: Agent, m: Record<string, unknown>) => {
        sent.set(String(m.t), performance.now());
        from.ws!.send(JSON.stringify({ ...m, callId, to: `agent:${to.name}` }));
      };
      callee.onMessage = (m) => {
        if (m.callId !== callId) return;
        const at = sent.get(String(m.t));
        if (at !== undefined) latencies.push(performance.now() - at);
        if (m.t === 'invite') {
          send(callee, caller, { t: 'ringing' });
          send(callee, caller, { t: 'answer', sdp: SDP });
        }
        if (m.t === 'hangup') {
          clearTimeout(timer);
          resolve();
        }
      };
      caller.onMessage = (m) => {
        if (m.callId !== callId) return;
        const at = sent.get(String(m.t));
        if (at !== undefined) latencies.push(performance.now() - at);
        if (m.t === 'answer') send(caller, callee, { t: 'hangup', reason: 'hangup' });
        if (m.t === 'error') {
          clearTimeout(timer);
          failed += 1;
          resolve();
        }
      };
      send(caller, callee, { t: 'invite', sdp: SDP });
    });
  const start = performance.now();
  for (let i = 0; i < total;) {
    const due = Math.floor(((performance.now() - start) / 1000) * CALLS_PER_SEC);
    while (i < Math.min(due, total)) done.push(place(i++));
    await new Promise((r) => setTimeout(r, 2));
  }
  await Promise.all(done);
  return { latencies, failed };
}

const SDP = `v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n${'a=candidate:1 1 udp 2122260223 192.0.2.1 54400 typ host\r\n'.repeat(8)}`;

async function answerRequests(count: number): Promise<PreparedRequest[]> {
  const out: PreparedRequest[] = [];
  const run = Date.now().toString(36);
  for (let i = 0; i < count; i++) {
    // POST, as production is configured: a GET's query string is not signed (and refused by default).
    const body = JSON.stringify({
      uuid: `cap-answer-${run}-${i}`,
      conversation_uuid: `cap-con-${run}-${i}`,
      from_user: `cap-${i % AGENTS}-v`,
      to: `4474${10_000_000 + i}`,
      custom_data: '{"type":"phone"}',
    });
    out.push({
      method: 'POST',
      path: '/webhooks/answer',
      headers: { 'content-type': 'application/json', authorization: await signBody(body) },
      body,
    });
  }
  return out;
}

interface Figures {
  mbPerAgent: number;
  idleCores: number;
  loadCores: number;
  /** The load generator's own (this process's) CPU under calls: it shares the cores with the server. */
  generatorCores: number;
  p50: number;
  p99: number;
  failed: number;
  answerP50?: number;
  answerP99?: number;
  answerIdleP99?: number;
}

async function measure(server: ChildServer, agents: Agent[], webhooks: boolean): Promise<Figures> {
  const sseAgent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
  const before = rssMb(server.child.pid);
  await connectAll(server.url, agents, sseAgent);
  // Each agent pings every PING_EVERY_MS at its own phase, as extensions that connected at different
  // times do (BENCH_ALIGNED_PINGS=1: all 2,000 in one tick, the worst case).
  const aligned = process.env.BENCH_ALIGNED_PINGS === '1';
  const slots = aligned ? 1 : PING_EVERY_MS / PING_SLOT_MS;
  let slot = 0;
  const pinger = setInterval(() => {
    for (let i = slot; i < agents.length; i += slots)
      agents[i]!.ws?.send(JSON.stringify({ t: 'ping', id: 1 }));
    slot = (slot + 1) % slots;
  }, PING_EVERY_MS / slots);
  let prober: Prober | undefined;
  try {
    await new Promise((r) => setTimeout(r, 2000));
    const mbPerAgent = (rssMb(server.child.pid) - before) / agents.length;
    prober = webhooks ? await startProber() : undefined;
    let cpu = cpuSeconds(server.child.pid);
    let t = performance.now();
    let answerIdleP99: number | undefined;
    const probe = (requests: PreparedRequest[]) =>
      prober!.run({ url: server.url, requests, ratePerSec: ANSWER_RATE });
    if (webhooks) {
      await probe(await answerRequests(200)); // warm-up
      const idle = await probe(await answerRequests(200));
      answerIdleP99 = percentile(
        idle.map((r) => r.latencyMs),
        99,
      );
    } else await new Promise((r) => setTimeout(r, 4000));
    const idleCores = (cpuSeconds(server.child.pid) - cpu) / ((performance.now() - t) / 1000);
    cpu = cpuSeconds(server.child.pid);
    const ownCpu = process.cpuUsage();
    t = performance.now();
    const answers = webhooks
      ? probe(await answerRequests(ANSWER_RATE * CALL_SECONDS))
      : Promise.resolve([]);
    const calls = await callLoad(agents);
    const answered = await answers;
    const seconds = (performance.now() - t) / 1000;
    const loadCores = (cpuSeconds(server.child.pid) - cpu) / seconds;
    const own = process.cpuUsage(ownCpu);
    const generatorCores = (own.user + own.system) / 1e6 / seconds;
    const figures: Figures = {
      mbPerAgent,
      idleCores,
      loadCores,
      generatorCores,
      p50: percentile(calls.latencies, 50),
      p99: percentile(calls.latencies, 99),
      failed: calls.failed,
    };
    if (webhooks) {
      const latencies = answered.map((r) => r.latencyMs);
      figures.answerP50 = percentile(latencies, 50);
      figures.answerP99 = percentile(latencies, 99);
      figures.answerIdleP99 = answerIdleP99!;
      const bad = new Map<number, number>();
      for (const r of answered)
        if (r.status !== 200) bad.set(r.status, (bad.get(r.status) ?? 0) + 1);
      if (bad.size) {
        const counts = [...bad].map(([status, n]) => `${n} × ${status}`).join(', ');
        console.log(
          `  (answer webhook: non-200 responses ${counts}: its latency is not the real path's)`,
        );
      }
    }
    return figures;
  } finally {
    prober?.stop();
    clearInterval(pinger);
    for (const a of agents) {
      a.ws?.terminate();
      a.sse?.destroy();
    }
    sseAgent.destroy();
  }
}

export default async function run(): Promise<void> {
  console.log(
    `capacity of one instance: ${AGENTS} agents (WebSocket + SSE each, ping every ${PING_EVERY_MS / 1000} s), ` +
      `${CALLS_PER_SEC} calls/s for ${CALL_SECONDS} s, answer webhook at ${ANSWER_RATE} req/s meanwhile; ` +
      `${cpus().length} cores shared with other work (load ${loadavg()[0]!.toFixed(1)}): compare the ratios`,
  );
  const dir = mkdtempSync(join(tmpdir(), 'c2c-capacity-'));
  const env = { ...vonageEnv(dir), DATA_DIR: join(dir, 'data'), LOG_LEVEL: 'warn' };
  const handle = await openDatabase({ dataDir: env.DATA_DIR });
  const store = new Store(handle, new Bus());
  // Agents and sessions inserted directly: sign-in (scrypt, per-IP limits) is not what is measured.
  const now = Date.now();
  const agents: Agent[] = [];
  for (let start = 0; start < AGENTS; start += 500) {
    const rows = await store.db
      .insertInto('agents')
      .values(
        Array.from({ length: Math.min(500, AGENTS - start) }, (_, k) => ({
          name: `cap-${start + k}`,
          key_id: (start + k).toString(16).padStart(12, '0'),
          key_hash: 'unused',
          admin: 0,
          disabled: 0,
          vonage_user: `cap-${start + k}-v`,
          cuid: null,
          created_at: now,
          last_offered_at: 0,
        })),
      )
      .returning(['id', 'name'])
      .execute();
    const sessions = rows.map((row) => {
      const token = randomBytes(32).toString('base64url');
      agents.push({ name: row.name, token });
      return {
        token_hash: hashToken(token),
        agent_id: row.id,
        created_at: now,
        expires_at: now + 3600_000,
        revoked_at: null,
      };
    });
    await store.db.insertInto('sessions').values(sessions).execute();
  }
  await handle.close();

  // BENCH_CPU_PROF=<dir> writes the backend's CPU profile there (`node --cpu-prof`) when it stops.
  const prof = process.env.BENCH_CPU_PROF;
  // What production runs (`npm run backend`): the bundle, built from this checkout, not tsx (its
  // transpiling loader thread and source-mapped stack traces cost the event loop at run time).
  // BENCH_BUNDLE=<dir>: a bundle built elsewhere instead (an A/B against another commit's build).
  const bundle = process.env.BENCH_BUNDLE ?? BUNDLE_DIR;
  if (!process.env.BENCH_BUNDLE)
    execFileSync(process.execPath, [join(ROOT, 'scripts/build-backend.mjs'), BUNDLE_DIR], {
      cwd: ROOT,
      stdio: 'inherit',
    });
  const backend = await spawnServer(
    env,
    resolve(ROOT, bundle, 'backend/server.js'),
    prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}`] : [],
  );
  const bare = await spawnServer({}, join(ROOT, 'test/bench/backend-bare-ws.ts'));
  try {
    const real = await measure(backend, agents, true);
    const base = await measure(
      bare,
      agents.map((a) => ({ name: a.name, token: a.name })),
      false,
    );
    const ratio = (a: number, b: number) => `${(a / b).toFixed(1)}×`;
    console.log(
      `  memory per connected agent (WS + SSE): backend ${(real.mbPerAgent * 1024).toFixed(1)} KB, ` +
        `bare ${(base.mbPerAgent * 1024).toFixed(1)} KB (${ratio(real.mbPerAgent, base.mbPerAgent)})`,
    );
    console.log(
      `  relay latency (invite/ringing/answer/hangup, one way): backend p50 ${ms(real.p50)} p99 ${ms(real.p99)}, ` +
        `bare p50 ${ms(base.p50)} p99 ${ms(base.p99)} (p99 ${ratio(real.p99, base.p99)}); ` +
        `calls failed: backend ${real.failed}, bare ${base.failed}`,
    );
    console.log(
      `  server CPU (cores busy): idle-heartbeating backend ${real.idleCores.toFixed(2)} (with ${ANSWER_RATE} answers/s), ` +
        `bare ${base.idleCores.toFixed(2)}; under calls backend ${real.loadCores.toFixed(2)} ` +
        `(incl. answers), bare ${base.loadCores.toFixed(2)}; load generator meanwhile ` +
        `${real.generatorCores.toFixed(2)} (bare run ${base.generatorCores.toFixed(2)})`,
    );
    console.log(
      `  answer webhook p99: ${ms(real.answerP99!)} under the call load (target ≤ 10 ms: ${
        real.answerP99! <= 10 ? 'met' : 'MISSED'
      }), ${ms(real.answerIdleP99!)} with the agents only connected (${ratio(real.answerP99!, real.answerIdleP99!)}); ` +
        `p50 ${ms(real.answerP50!)} under the call load`,
    );
  } finally {
    await backend.stop();
    await bare.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
