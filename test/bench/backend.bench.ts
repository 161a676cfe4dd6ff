// `npm run bench:backend`: answer-webhook p99 at 1,000 req/s and durable event ingest throughput, each
// against a bare Hono route in the same run; then kill -9 durability and fuzzing at full size.
// Loopback only; every loop is bounded.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addAgent } from '../../backend/agents';
import { Bus } from '../../backend/bus';
import { openDatabase } from '../../backend/db/connect';
import { Store } from '../../backend/db/store';
import {
  ROOT,
  closedLoop,
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
const LATENCY_SECONDS = 5;
const INGEST_EVENTS = 20_000;
const INGEST_CONCURRENCY = 128;
const AGENTS = 20;

const ms = (n: number) => `${n.toFixed(2)} ms`;

async function answerRequests(count: number, withAgents: boolean): Promise<PreparedRequest[]> {
  const out: PreparedRequest[] = [];
  for (let i = 0; i < count; i++) {
    const params = new URLSearchParams({
      uuid: `bench-answer-${Date.now().toString(36)}-${i}`,
      conversation_uuid: `bench-con-${i}`,
      from_user: withAgents ? `bench-${i % AGENTS}-v` : 'x',
      to: '447400123456',
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
  await openLoop(server.url, requests.slice(0, 500), RATE, agent); // warm-up (JIT, statement cache)
  const results = await openLoop(server.url, requests.slice(500), RATE, agent);
  agent.destroy();
  return latencyFigures(results);
}

async function measureIngest(server: ChildServer, requests: PreparedRequest[]) {
  const agent = makeAgent(INGEST_CONCURRENCY);
  await closedLoop(server.url, requests.slice(0, 1000), INGEST_CONCURRENCY, agent); // warm-up
  const timed = requests.slice(1000);
  const start = performance.now();
  const results = await closedLoop(server.url, timed, INGEST_CONCURRENCY, agent);
  const seconds = (performance.now() - start) / 1000;
  agent.destroy();
  const bad = results.filter((r) => r?.status !== 200).length;
  return { perSec: timed.length / seconds, bad };
}

export default async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'c2c-bench-'));
  const env = { ...vonageEnv(dir), DATA_DIR: join(dir, 'data'), VONAGE_CALLS_PER_MINUTE: '1000' };
  const handle = await openDatabase({ dataDir: env.DATA_DIR });
  const store = new Store(handle, new Bus());
  for (let i = 0; i < AGENTS; i++)
    await addAgent(store, `bench-${i}`, { vonageUser: `bench-${i}-v` });
  await handle.close();

  const backend = await spawnServer(env);
  const bare = await spawnServer({}, join(ROOT, 'test/bench/backend-bare.ts'));
  try {
    const count = 500 + RATE * LATENCY_SECONDS;
    console.log(
      `answer webhook: ${RATE} req/s for ${LATENCY_SECONDS} s (open loop, signed, outbound NCCO, SQLite)`,
    );
    const real = await measureLatency(backend, await answerRequests(count, true));
    const base = await measureLatency(bare, await answerRequests(count, false));
    console.log(
      `  backend  p50 ${ms(real.p50)}  p99 ${ms(real.p99)}  max ${ms(real.max)}  non-200 ${real.bad}`,
    );
    console.log(`  bare     p50 ${ms(base.p50)}  p99 ${ms(base.p99)}  max ${ms(base.max)}`);
    console.log(
      `  p99 ratio backend/bare: ${(real.p99 / base.p99).toFixed(2)}×  (target p99 ≤ 10 ms: ${real.p99 <= 10 ? 'met' : 'MISSED'})`,
    );

    console.log(
      `durable event ingest: ${INGEST_EVENTS} signed events, ${INGEST_CONCURRENCY} in flight (SQLite WAL, synchronous=FULL)`,
    );
    const events: PreparedRequest[] = [];
    for (let i = 0; i < INGEST_EVENTS; i++)
      events.push(await signedEvent(eventBody(Math.floor(i / 4), i % 4, 'bench')));
    const ingest = await measureIngest(backend, events);
    const bareIngest = await measureIngest(
      bare,
      events.map((e) => ({ ...e })),
    );
    console.log(`  backend  ${Math.round(ingest.perSec)} events/s  non-200 ${ingest.bad}`);
    console.log(`  bare     ${Math.round(bareIngest.perSec)} requests/s`);
    console.log(
      `  throughput ratio backend/bare: ${(ingest.perSec / bareIngest.perSec).toFixed(2)}  (target ≥ 5,000 events/s: ${ingest.perSec >= 5000 ? 'met' : 'MISSED'})`,
    );
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
