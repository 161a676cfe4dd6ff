// `npm run bench admin-reports`: the admin Reports' four aggregates and History's keyset paging on
// 1,000,000 seeded calls, on SQLite and (with TEST_DATABASE_URL) PostgreSQL. Each figure is the
// median of 5 runs. ADMIN_BENCH_DATA_DIR reuses a SQLite directory already seeded (`npm run seed`),
// ADMIN_BENCH_DATABASE_URL a PostgreSQL database (kept afterwards, instead of a fresh one from
// TEST_DATABASE_URL); ADMIN_BENCH_CALLS changes the count.
import { loadavg } from 'node:os';
import { sql, type Kysely } from 'kysely';
import {
  decodeHistoryCursor,
  historyPage,
  type HistoryCursor,
} from '../../backend/admin/historyQueries';
import {
  busiestHours,
  callsPerDay,
  outcomes,
  perAgent,
  type ReportRange,
} from '../../backend/admin/reportsQueries';
import { openDatabase, type Db } from '../../backend/db/connect';
import type { Database } from '../../backend/db/schema';
import { freshPgDatabase, tempDir } from '../../backend/testing/support';
import { seedCalls } from '../../scripts/seed';

const CALLS = Number(process.env.ADMIN_BENCH_CALLS ?? 1_000_000);
const DAY = 86_400_000;

async function median(run: () => Promise<unknown>, times = 5): Promise<number> {
  const ms: number[] = [];
  for (let i = 0; i < times; i++) {
    const start = performance.now();
    await run();
    ms.push(performance.now() - start);
  }
  return ms.sort((a, b) => a - b)[Math.floor(times / 2)]!;
}

async function ensureSeeded(db: Kysely<Database>): Promise<number> {
  const { rows } = await sql<{ n: number }>`select count(*) as n from calls`.execute(db);
  const have = Number(rows[0]!.n);
  if (have >= CALLS) return have;
  const started = Date.now();
  await seedCalls(db, { calls: CALLS - have, seed: 42 });
  console.log(
    `  seeded ${(CALLS - have).toLocaleString('en')} calls in ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );
  return CALLS;
}

async function measure(name: string, handle: Db): Promise<void> {
  const total = await ensureSeeded(handle.db);
  if (handle.dialect === 'pg')
    for (const table of [
      'calls',
      'call_stats_hourly',
      'call_outcomes_hourly',
      'call_stats_daily',
      'call_outcomes_daily',
      'call_counts_hourly',
    ])
      await sql`analyze ${sql.table(table)}`.execute(handle.db);
  const { rows } = await sql<{ last: number }>`select max(created_at) as last from calls`.execute(
    handle.db,
  );
  const end = Number(rows[0]!.last) + 1;
  console.log(
    `${name}: ${total.toLocaleString('en')} calls (load average ${loadavg()[0]!.toFixed(1)})`,
  );
  for (const days of [30, 365]) {
    const range: ReportRange = { from: end - days * DAY, to: end, zone: 'Europe/Madrid' };
    const figures: string[] = [];
    for (const [report, run] of [
      ['per day per agent', callsPerDay],
      ['per agent', perAgent],
      ['weekday × hour', busiestHours],
      ['outcomes', outcomes],
    ] as const) {
      const ms = await median(() => run(handle.db, range));
      figures.push(`${report} ${ms.toFixed(0)} ms`);
    }
    console.log(`  last ${days} days (Europe/Madrid): ${figures.join(', ')}`);
  }
  // Page 1 against page 1000 (50 calls a page), unfiltered and for one agent.
  for (const [label, filter] of [
    ['all calls', {}],
    ['agent-01', { agent: 'agent-01' }],
  ] as const) {
    let cursor: HistoryCursor | undefined;
    for (let page = 1; page < 1000; page++) {
      const next = await historyPage(handle.db, handle.dialect, filter, {
        limit: 50,
        ...(cursor ? { after: cursor } : {}),
      });
      cursor = next.nextCursor ? decodeHistoryCursor(next.nextCursor)! : undefined;
      if (!cursor) break;
    }
    const first = await median(() => historyPage(handle.db, handle.dialect, filter, { limit: 50 }));
    const thousandth = await median(() =>
      historyPage(handle.db, handle.dialect, filter, {
        limit: 50,
        ...(cursor ? { after: cursor } : {}),
      }),
    );
    const search = await median(() =>
      historyPage(handle.db, handle.dialect, { ...filter, q: 'Tanaka' }, { limit: 50 }),
    );
    console.log(
      `  history (${label}): page 1 ${first.toFixed(1)} ms, page 1000 ${thousandth.toFixed(1)} ms; search "Tanaka" page 1 ${search.toFixed(1)} ms`,
    );
  }
}

export default async function adminReportsBench(): Promise<void> {
  const reuse = process.env.ADMIN_BENCH_DATA_DIR;
  const dir = reuse ? undefined : tempDir('c2c-bench-admin-');
  const sqlite = await openDatabase({ dataDir: reuse ?? dir!.path });
  try {
    await measure('SQLite', sqlite);
  } finally {
    await sqlite.close();
    dir?.remove();
  }
  const reusePg = process.env.ADMIN_BENCH_DATABASE_URL;
  if (!reusePg && !process.env.TEST_DATABASE_URL) {
    console.log('PostgreSQL: skipped (set TEST_DATABASE_URL or ADMIN_BENCH_DATABASE_URL)');
    return;
  }
  const pgDb = reusePg ? undefined : await freshPgDatabase();
  const pg = await openDatabase({ dataDir: '', databaseUrl: reusePg ?? pgDb!.url });
  try {
    await measure('PostgreSQL', pg);
  } finally {
    await pg.close();
    await pgDb?.drop();
  }
}
