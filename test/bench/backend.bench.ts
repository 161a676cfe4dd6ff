// `npm run bench:backend`: answer-webhook p99 at 1,000 req/s and durable event ingest throughput, each
// against a bare Hono route in the same run; then kill -9 durability and fuzzing at full size.
// Loopback only; every loop is bounded.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bus } from '../../backend/bus';
import { openDatabase } from '../../backend/db/connect';
import { Store } from '../../backend/db/store';
import {
  ROOT,
  closedLoop,
  cpuSeconds,
  eventBody,
  makeAgent,
  openLoop,
  percentile,
  signBody,
  signedEvent,
  spawnServer,
  vonageEnv,
  type ChildServer,
  type PreparedRequest,
  type Response,
} from './backend-harness';
import { fuzzScenario, killNineScenario } from './backend-scenarios';

const RATE = 1000;
const ROUNDS = 5;
const LATENCY_SECONDS = 2; // per round and side
const INGEST_EVENTS = 6000; // per round and side
const INGEST_CONCURRENCY = 256;
/** Agents placing the calls: at 1,000 req/s each places one call a second, within the rate limit. */
const AGENTS = 1000;

const ms = (n: number) => `${n.toFixed(2)} ms`;
const median = (values: number[]) => percentile(values, 50);

async function answerRequests(count: number, round: number): Promise<PreparedRequest[]> {
  const out: PreparedRequest[] = [];
  for (let i = 0; i < count; i++) {
    const params = new URLSearchParams({
      uuid: `bench-answer-${round}-${Date.now().toString(36)}-${i}`,
      conversation_uuid: `bench-con-${round}-${i}`,
      from_user: `bench-${i % AGENTS}-v`,
      // A different valid GB mobile number each time: no cache helps the number check.
      to: `4474${10_000_000 + (round + 1) * 100_000 + i}`,
      custom_data: '{"type":"phone"}',
    });
    out.push({
      method: 'GET',
      path: `/webhooks/answer?${params}`,
      headers: { authorization: await signBody('') },
    });
  }
  return out;
}

function latencyFigures(results: Response[]) {
  const bad = results.filter((r) => r.status !== 200).length;
  const latencies = results.map((r) => r.latencyMs);
  return {
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: Math.max(...latencies),
    bad,
  };
}

async function measureLatency(server: ChildServer, requests: PreparedRequest[]) {
  const agent = makeAgent(256);
  const cpu = cpuSeconds(server.child.pid);
  const results = await openLoop(server.url, requests, RATE, agent);
  const cpuUs = ((cpuSeconds(server.child.pid) - cpu) / requests.length) * 1e6;
  agent.destroy();
  return { ...latencyFigures(results), cpuUs };
}

async function measureIngest(server: ChildServer, requests: PreparedRequest[]) {
  const agent = makeAgent(INGEST_CONCURRENCY);
  const cpu = cpuSeconds(server.child.pid);
  const start = performance.now();
  const results = await closedLoop(server.url, requests, INGEST_CONCURRENCY, agent);
  const seconds = (performance.now() - start) / 1000;
  const cpuUs = ((cpuSeconds(server.child.pid) - cpu) / requests.length) * 1e6;
  agent.destroy();
  const bad = results.filter((r) => r?.status !== 200).length;
  return { perSec: requests.length / seconds, bad, cpuUs };
}

/** Server CPU per request: unlike wall-clock figures, hardly affected by other work on the machine. */
function cpuLine(what: string, real: number[], base: number[]): string {
  const r = median(real);
  const b = median(base);
  if (!Number.isFinite(r)) return '  (server CPU time not available on this OS)';
  return (
    `  server CPU per ${what}: backend ${r.toFixed(0)} µs, bare ${b.toFixed(0)} µs (ratio ${(r / b).toFixed(1)}×); ` +
    `one core sustains ≈ ${Math.round(1e6 / r)} ${what}s/s`
  );
}

export default async function run(): Promise<void> {
  console.log(
    `loopback, ${cpus().length} cores (shared with other work: compare the ratios), load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} at start`,
  );
  console.log(
    'backend: `npm run backend` entry (tsx), SQLite WAL fsynced before every acknowledgement, LOG_LEVEL=warn; baseline: a bare Hono route',
  );
  const dir = mkdtempSync(join(tmpdir(), 'c2c-bench-'));
  const env = {
    ...vonageEnv(dir),
    DATA_DIR: join(dir, 'data'),
    VONAGE_CALLS_PER_MINUTE: '30',
    // The bench sends Vonage's default GET answers (each with its own jti).
    VONAGE_ALLOW_GET_ANSWER: '1',
  };
  const handle = await openDatabase({ dataDir: env.DATA_DIR });
  const store = new Store(handle, new Bus());
  // Inserted directly: their access keys are never used, and 1,000 scrypt hashes would take a minute.
  await store.db
    .insertInto('agents')
    .values(
      Array.from({ length: AGENTS }, (_, i) => ({
        name: `bench-${i}`,
        key_id: i.toString(16).padStart(12, '0'),
        key_hash: 'unused',
        admin: 0,
        disabled: 0,
        vonage_user: `bench-${i}-v`,
        cuid: null,
        created_at: Date.now(),
        last_offered_at: 0,
      })),
    )
    .execute();
  // Signed in: the answer webhook connects only agents with a live session.
  const ids = await store.db.selectFrom('agents').select('id').execute();
  await store.db
    .insertInto('sessions')
    .values(
      ids.map(({ id }) => ({
        token_hash: `bench-session-${id}`,
        agent_id: id,
        created_at: Date.now(),
        expires_at: Date.now() + 86_400_000,
        revoked_at: null,
      })),
    )
    .execute();
  await handle.close();

  const backend = await spawnServer(env);
  const bare = await spawnServer({}, join(ROOT, 'test/bench/backend-bare.ts'));
  try {
    // Warm-up (JIT, prepared statements) on both.
    const warm = await answerRequests(500, -1);
    await measureLatency(backend, warm);
    await measureLatency(bare, warm);
    const warmEvents: PreparedRequest[] = [];
    for (let i = 0; i < 1000; i++) warmEvents.push(await signedEvent(eventBody(i, 0, 'warm')));
    await measureIngest(backend, warmEvents);
    await measureIngest(bare, warmEvents);

    // Rounds alternate the two servers so machine noise hits both alike.
    console.log(
      `answer webhook (signed GET, outbound phone NCCO + call record): ${RATE} req/s open loop, ${ROUNDS} rounds × ${LATENCY_SECONDS} s each side`,
    );
    const ratios: number[] = [];
    const answerCpu: number[] = [];
    const bareAnswerCpu: number[] = [];
    const p99s: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const requests = await answerRequests(RATE * LATENCY_SECONDS, round);
      const real = await measureLatency(backend, requests);
      const base = await measureLatency(bare, requests);
      ratios.push(real.p99 / base.p99);
      p99s.push(real.p99);
      answerCpu.push(real.cpuUs);
      bareAnswerCpu.push(base.cpuUs);
      console.log(
        `  round ${round + 1}: backend p50 ${ms(real.p50)} p99 ${ms(real.p99)} max ${ms(real.max)} non-200 ${real.bad} | ` +
          `bare p50 ${ms(base.p50)} p99 ${ms(base.p99)} | p99 ratio ${(real.p99 / base.p99).toFixed(2)}×`,
      );
    }
    const p99 = median(p99s);
    console.log(
      `  median p99 ${ms(p99)} (target ≤ 10 ms: ${p99 <= 10 ? 'met' : 'MISSED'}), best round ${ms(Math.min(...p99s))}; ` +
        `median ratio backend/bare ${median(ratios).toFixed(2)}×`,
    );
    console.log(cpuLine('answer', answerCpu, bareAnswerCpu));

    console.log(
      `durable event ingest (signed POST, acknowledged after commit): ${INGEST_CONCURRENCY} in flight, ${ROUNDS} rounds × ${INGEST_EVENTS} events each side`,
    );
    const rates: number[] = [];
    const ingestCpu: number[] = [];
    const bareIngestCpu: number[] = [];
    const throughputRatios: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const events: PreparedRequest[] = [];
      for (let i = 0; i < INGEST_EVENTS; i++)
        events.push(await signedEvent(eventBody(Math.floor(i / 4), i % 4, `bench${round}`)));
      const real = await measureIngest(backend, events);
      const base = await measureIngest(bare, events);
      rates.push(real.perSec);
      ingestCpu.push(real.cpuUs);
      bareIngestCpu.push(base.cpuUs);
      throughputRatios.push(real.perSec / base.perSec);
      console.log(
        `  round ${round + 1}: backend ${Math.round(real.perSec)} events/s non-200 ${real.bad} | bare ${Math.round(base.perSec)} req/s | ratio ${(real.perSec / base.perSec).toFixed(2)}`,
      );
    }
    const rate = median(rates);
    console.log(
      `  median ${Math.round(rate)} events/s (target ≥ 5,000: ${rate >= 5000 ? 'met' : 'MISSED'}), best round ${Math.round(Math.max(...rates))}; ` +
        `median ratio backend/bare ${median(throughputRatios).toFixed(2)}`,
    );
    console.log(cpuLine('event', ingestCpu, bareIngestCpu));
  } finally {
    await backend.stop();
    await bare.stop();
    rmSync(dir, { recursive: true, force: true });
  }

  console.log('kill -9 during a burst of signed events with duplicates (SQLite):');
  const k = await killNineScenario({ legs: 1000 });
  console.log(
    `  sent ${k.sent} deliveries of ${k.unique} events; ${k.acked} acknowledged before kill -9; ` +
      `${k.ackedMissing} acknowledged but missing; ${k.duplicateRows} stored twice; ` +
      `after restart + retries: ${k.afterRetryRows}/${k.unique} stored, ${k.callRecords} call records`,
  );
  if (process.env.TEST_DATABASE_URL)
    console.log('  (PostgreSQL variant runs in `npx vitest run backend/faults.test.ts`)');

  console.log('fuzzed webhooks (bodies, headers, signatures, methods):');
  const f = await fuzzScenario({ seed: Date.now() % 1_000_000, count: 3000 });
  console.log(
    `  ${f.requests} requests → ${JSON.stringify(f.byStatus)}; 5xx/connection errors: ${f.serverErrors.length}; server alive: ${f.alive}`,
  );
  for (const line of f.serverErrors.slice(0, 10)) console.log(`    ${line}`);
  if (k.ackedMissing || k.duplicateRows || f.serverErrors.length || !f.alive) process.exitCode = 1;
}
