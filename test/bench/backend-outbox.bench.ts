// Part of `npm run bench:backend`: 10,000 call logs through the outbox to a flaky loopback receiver,
// across a kill -9 of the backend. Reports deliveries/s and the delay from call end to first attempt.
// Bounded: the scenario gives up after its time budget and reports what it got.
import { loadavg } from 'node:os';
import { outboxKillNineScenario } from './outbox-scenario';

const CALLS = 10_000;

export default async function outboxBench(): Promise<void> {
  console.log(
    `outbox: ${CALLS.toLocaleString('en')} completed calls → flaky receiver (1/10 HTTP 500, 1/50 no answer), kill -9 after 3,000 requests, restart (SQLite; load average ${loadavg()[0]!.toFixed(1)})`,
  );
  const r = await outboxKillNineScenario({
    calls: CALLS,
    killAfterDeliveries: 3000,
    budgetMs: 240_000,
  });
  console.log(
    `  acknowledged ${r.acked}/${r.calls}; delivered ${r.calls - r.lost}; lost ${r.lost}; ` +
      `calls under two event ids ${r.duplicatedEvents}; redeliveries with the same key ${r.redeliveries}`,
  );
  console.log(
    `  ${r.attempts} requests (${r.injectedFailures} failed on purpose, ${r.badSignatures} bad signatures); ` +
      `${r.deliveredBeforeKill} delivered before kill -9; outbox rows ${r.outboxRows}, pending ${r.outboxPending}`,
  );
  console.log(
    `  deliveries/s: ${Math.round(r.perSecBeforeKill)} before the kill, ${Math.round(r.perSecOverall)} over the run (restart included)`,
  );
  console.log(
    `  call end → first attempt: p50 ${r.p50FirstAttemptMs} ms, p99 ${r.p99FirstAttemptMs} ms ` +
      `(${r.carriedOverRestart} events made before the kill and first tried after the restart not counted)`,
  );
  console.log(
    `  ${r.finished ? 'finished' : 'TIME BUDGET EXHAUSTED'} in ${(r.elapsedMs / 1000).toFixed(1)} s`,
  );
  if (!r.finished || r.lost || r.duplicatedEvents || r.badSignatures) process.exitCode = 1;
}
