// Outgoing webhooks across a kill -9: completed calls arrive as signed Vonage events, the backend's
// outbox delivers them to a flaky loopback receiver (500s, hangs), the backend is killed with SIGKILL
// mid-delivery and restarted. Shared by `npm run bench:backend` (10,000 calls) and the vitest suite.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bus } from '../../backend/bus';
import { openDatabase } from '../../backend/db/connect';
import { Store } from '../../backend/db/store';
import { addEndpoint } from '../../backend/outbox/endpoints';
import type { CallEventBody } from '../../backend/outbox/payload';
import { startReceiver } from '../../backend/testing/webhookReceiver';
import {
  closedLoop,
  eventBody,
  makeAgent,
  percentile,
  signedEvent,
  spawnServer,
  vonageEnv,
  type ChildServer,
} from './backend-harness';

const SECRET = 'outbox-bench-secret-0123456789abcdef-0123';

export interface OutboxKillResult {
  calls: number;
  /** Calls whose final event the backend acknowledged (before the kill, or when re-sent after). */
  acked: number;
  /** Calls with no 2xx delivery at the end. */
  lost: number;
  /** Calls that reached the receiver under more than one event id (a duplicate the key cannot catch). */
  duplicatedEvents: number;
  /** 2xx deliveries repeating an event id already delivered (allowed: same idempotency key). */
  redeliveries: number;
  /** Requests the receiver saw, and how many it failed on purpose (500 or no answer). */
  attempts: number;
  injectedFailures: number;
  /** Bad signatures seen by the receiver. */
  badSignatures: number;
  deliveredBeforeKill: number;
  /** Delivered events per second while the first backend ran, and over the whole run. */
  perSecBeforeKill: number;
  perSecOverall: number;
  /** Call end (event created) → first attempt, for events first tried by the process that made them. */
  p50FirstAttemptMs: number;
  p99FirstAttemptMs: number;
  /** Events created before the kill whose first attempt came from the restarted backend. */
  carriedOverRestart: number;
  outboxPending: number;
  outboxRows: number;
  finished: boolean;
  elapsedMs: number;
}

export async function outboxKillNineScenario(opts: {
  calls: number;
  killAfterDeliveries: number;
  databaseUrl?: string;
  budgetMs: number;
}): Promise<OutboxKillResult> {
  const started = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'c2c-outbox-kill9-'));
  const receiver = await startReceiver(SECRET);
  // Flaky on a fixed pattern: about 1 in 10 requests gets a 500, 1 in 50 no answer at all.
  receiver.respond = (i) => (i % 10 === 3 ? 500 : i % 50 === 7 ? 'hang' : 200);
  const env: Record<string, string> = {
    ...vonageEnv(dir),
    DATA_DIR: join(dir, 'data'),
    ...(opts.databaseUrl ? { DATABASE_URL: opts.databaseUrl } : {}),
    WEBHOOKS_ALLOW_LOOPBACK: '1',
    WEBHOOKS_TIMEOUT_MS: '500',
    WEBHOOKS_LEASE_MS: '1500',
    WEBHOOKS_RETRY_BASE_MS: '100',
  };
  const open = () =>
    openDatabase({
      dataDir: env.DATA_DIR!,
      ...(opts.databaseUrl ? { databaseUrl: opts.databaseUrl } : {}),
    });
  let server: ChildServer | undefined;
  try {
    const setup = await open();
    await addEndpoint(new Store(setup, new Bus()), receiver.url, {
      secret: SECRET,
      policy: { allowLoopback: true },
    });
    await setup.close();

    const run = `ob${Date.now().toString(36)}`;
    const bodies = Array.from({ length: opts.calls }, (_, leg) => eventBody(leg, 3, run));
    server = await spawnServer(env);
    const first = server;
    let killedAt = 0;
    let deliveredBeforeKill = 0;
    const watcher = (async () => {
      while (!killedAt && Date.now() - started < opts.budgetMs) {
        if (receiver.received.length >= opts.killAfterDeliveries) {
          deliveredBeforeKill = receiver.deliveredIds().size;
          killedAt = Date.now();
          await first.kill9();
          return;
        }
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
    const acked = new Set<number>();
    const agent = makeAgent(32);
    const requests = await Promise.all(bodies.map((b) => signedEvent(b)));
    await closedLoop(server.url, requests, 32, agent, (i, res) => {
      if (res.status === 200) acked.add(i);
    });
    await watcher;
    if (!killedAt) throw new Error('the receiver never reached the kill threshold');
    agent.destroy();

    server = await spawnServer(env);
    // What the dead backend did not acknowledge, Vonage would send again: so do we (fresh signatures).
    for (let round = 0; round < 5 && acked.size < opts.calls; round++) {
      const missing = bodies.map((_, i) => i).filter((i) => !acked.has(i));
      const again = makeAgent(32);
      const retry = await Promise.all(missing.map((i) => signedEvent(bodies[i]!)));
      await closedLoop(server.url, retry, 32, again, (j, res) => {
        if (res.status === 200) acked.add(missing[j]!);
      });
      again.destroy();
    }

    const callOf = new Map<string, string>();
    const deliveredCalls = () => {
      const calls = new Set<string>();
      for (const r of receiver.received) {
        if (!callOf.has(r.eventId))
          callOf.set(r.eventId, (JSON.parse(r.body) as CallEventBody).data.call.uuid);
        if (r.answer !== 'hang' && r.answer < 300) calls.add(callOf.get(r.eventId)!);
      }
      return calls;
    };
    let finished = false;
    while (Date.now() - started < opts.budgetMs) {
      if (deliveredCalls().size >= opts.calls) {
        finished = true;
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    await new Promise((r) => setTimeout(r, 300)); // late duplicates, if any, arrive now
    await server.stop();
    server = undefined;

    const check = await open();
    const rows = await check.db
      .selectFrom('outbox')
      .select(['state', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('state')
      .execute();
    await check.close();

    const delivered = deliveredCalls();
    const idsPerCall = new Map<string, Set<string>>();
    const firstAttempt = new Map<string, number>();
    const okCount = new Map<string, number>();
    for (const r of receiver.received) {
      const call = callOf.get(r.eventId)!;
      if (!idsPerCall.has(call)) idsPerCall.set(call, new Set());
      idsPerCall.get(call)!.add(r.eventId);
      if (!firstAttempt.has(r.eventId)) firstAttempt.set(r.eventId, r.at);
      if (r.answer !== 'hang' && r.answer < 300)
        okCount.set(r.eventId, (okCount.get(r.eventId) ?? 0) + 1);
    }
    const created = new Map<string, number>();
    for (const r of receiver.received)
      if (!created.has(r.eventId))
        created.set(r.eventId, Date.parse((JSON.parse(r.body) as CallEventBody).createdAt));
    const delays: number[] = [];
    let carried = 0;
    for (const [id, at] of firstAttempt) {
      const made = created.get(id)!;
      if (made < killedAt && at > killedAt) carried++;
      else delays.push(at - made);
    }
    const times = receiver.received.map((r) => r.at);
    const firstAt = Math.min(...times);
    const lastOk = Math.max(
      ...receiver.received.filter((r) => r.answer !== 'hang' && r.answer < 300).map((r) => r.at),
    );
    return {
      calls: opts.calls,
      acked: acked.size,
      lost: opts.calls - delivered.size,
      duplicatedEvents: [...idsPerCall.values()].filter((s) => s.size > 1).length,
      redeliveries: [...okCount.values()].reduce((sum, n) => sum + n - 1, 0),
      attempts: receiver.received.length,
      injectedFailures: receiver.received.filter((r) => r.answer === 500 || r.answer === 'hang')
        .length,
      badSignatures: receiver.received.filter((r) => r.answer === 401).length,
      deliveredBeforeKill,
      perSecBeforeKill: deliveredBeforeKill / ((killedAt - firstAt) / 1000),
      perSecOverall: delivered.size / ((lastOk - firstAt) / 1000),
      p50FirstAttemptMs: percentile(delays, 50),
      p99FirstAttemptMs: percentile(delays, 99),
      carriedOverRestart: carried,
      outboxPending: Number(rows.find((r) => r.state === 'pending')?.n ?? 0),
      outboxRows: rows.reduce((sum, r) => sum + Number(r.n), 0),
      finished,
      elapsedMs: Date.now() - started,
    };
  } finally {
    await server?.kill9();
    await receiver.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
