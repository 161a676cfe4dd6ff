// Backend fault scenarios shared by `npm run bench:backend` and the vitest suite: kill -9 during an
// event burst, and fuzzed webhooks.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bus } from '../../backend/bus';
import { openDatabase } from '../../backend/db/connect';
import { Store } from '../../backend/db/store';
import { canonicalJson, sha256Hex } from '../../backend/vonageWebhook';
import {
  closedLoop,
  eventBody,
  fuzzCorpus,
  makeAgent,
  signedEvent,
  spawnServer,
  vonageEnv,
  type PreparedRequest,
} from './backend-harness';

export interface KillNineResult {
  sent: number;
  unique: number;
  acked: number;
  ackedMissing: number;
  storedRows: number;
  duplicateRows: number;
  afterRetryRows: number;
  callRecords: number;
}

/**
 * Sends a burst of signed events (a third of them delivered twice), kills the server with SIGKILL
 * part-way, restarts it, then checks: every event answered 200 is stored, none twice; then Vonage's
 * retries of everything leave exactly one row per event and one call record per leg.
 */
export async function killNineScenario(opts: {
  legs: number;
  databaseUrl?: string;
  killAfterAcks?: number;
}): Promise<KillNineResult> {
  const dir = mkdtempSync(join(tmpdir(), 'c2c-kill9-'));
  const env = {
    ...vonageEnv(dir),
    DATA_DIR: join(dir, 'data'),
    ...(opts.databaseUrl ? { DATABASE_URL: opts.databaseUrl } : {}),
  };
  const run = `k${Date.now().toString(36)}`;
  const bodies: string[] = [];
  for (let leg = 0; leg < opts.legs; leg++)
    for (let s = 0; s < 4; s++) bodies.push(eventBody(leg, s, run));
  const deliveries = bodies.flatMap((b, i) => (i % 3 === 0 ? [b, b] : [b]));
  // Shuffle deterministically so duplicates and statuses interleave.
  for (let i = deliveries.length - 1; i > 0; i--) {
    const j = (i * 7919) % (i + 1);
    [deliveries[i], deliveries[j]] = [deliveries[j]!, deliveries[i]!];
  }
  const requests: PreparedRequest[] = [];
  for (const body of deliveries) requests.push(await signedEvent(body));
  const keyOf = (body: string) => sha256Hex(canonicalJson(JSON.parse(body)));

  let server = await spawnServer(env);
  const agent = makeAgent(64);
  const acked = new Set<string>();
  const killAt = opts.killAfterAcks ?? Math.floor(requests.length * 0.4);
  let killing: Promise<void> | undefined;
  await closedLoop(server.url, requests, 64, agent, (i, res) => {
    if (res.status === 200) acked.add(keyOf(deliveries[i]!));
    if (acked.size >= killAt && !killing) {
      killing = server.kill9();
      return false;
    }
  });
  await (killing ?? server.kill9());
  agent.destroy();

  // Inspect the store directly (SQLite recovers its WAL on open).
  const check = async () => {
    const handle = await openDatabase({
      dataDir: env.DATA_DIR,
      ...(opts.databaseUrl ? { databaseUrl: opts.databaseUrl } : {}),
    });
    try {
      const store = new Store(handle, new Bus());
      const rows = await store.db
        .selectFrom('vonage_events')
        .select(['dedupe_key', 'uuid'])
        .where('uuid', 'like', `${run}-%`)
        .execute();
      const calls = await store.db
        .selectFrom('calls')
        .select('uuid')
        .where('uuid', 'like', `${run}-%`)
        .execute();
      return { rows, calls };
    } finally {
      await handle.close();
    }
  };
  const afterKill = await check();
  const stored = new Set(afterKill.rows.map((r) => r.dedupe_key));
  const ackedMissing = [...acked].filter((k) => !stored.has(k)).length;

  // Restart and let "Vonage" retry every delivery.
  server = await spawnServer(env);
  const agent2 = makeAgent(64);
  const retries = await closedLoop(server.url, requests, 64, agent2);
  agent2.destroy();
  const failedRetries = retries.filter((r) => r?.status !== 200).length;
  await server.stop();
  if (failedRetries) throw new Error(`${failedRetries} retried deliveries were not acknowledged`);
  const afterRetry = await check();
  rmSync(dir, { recursive: true, force: true });
  return {
    sent: deliveries.length,
    unique: bodies.length,
    acked: acked.size,
    ackedMissing,
    storedRows: afterKill.rows.length,
    duplicateRows: afterKill.rows.length - stored.size,
    afterRetryRows: afterRetry.rows.length,
    callRecords: afterRetry.calls.length,
  };
}

export interface FuzzResult {
  requests: number;
  byStatus: Record<string, number>;
  serverErrors: string[];
  alive: boolean;
}

/** Sends the fuzz corpus to a fresh real server; 5xx or a dead server are failures. */
export async function fuzzScenario(opts: {
  seed: number;
  count: number;
  databaseUrl?: string;
}): Promise<FuzzResult> {
  const dir = mkdtempSync(join(tmpdir(), 'c2c-fuzz-'));
  const env = {
    ...vonageEnv(dir),
    DATA_DIR: join(dir, 'data'),
    ...(opts.databaseUrl ? { DATABASE_URL: opts.databaseUrl } : {}),
  };
  const server = await spawnServer(env);
  const corpus = await fuzzCorpus(opts.seed, opts.count);
  const agent = makeAgent(16);
  const byStatus: Record<string, number> = {};
  const serverErrors: string[] = [];
  await closedLoop(server.url, corpus, 16, agent, (i, res) => {
    const key = res.status === -1 ? `error:${res.error}` : String(res.status);
    byStatus[key] = (byStatus[key] ?? 0) + 1;
    if (res.status >= 500 || res.status === -1)
      serverErrors.push(`${corpus[i]!.tag} ${corpus[i]!.method} ${corpus[i]!.path} → ${key}`);
  });
  agent.destroy();
  let alive = false;
  try {
    alive = (await fetch(`${server.url}/readyz`)).status === 200 && server.child.exitCode === null;
  } catch {
    alive = false;
  }
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
  return { requests: corpus.length, byStatus, serverErrors, alive };
}
