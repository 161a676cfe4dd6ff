// `npm run seed -- --calls 1000000 [--days 365] [--agents 25]`: fills the configured database
// (DATABASE_URL, or the SQLite file in DATA_DIR) with made-up but plausible call history for the
// admin console and its benchmark: agents, weekday and office-hour peaks, statuses, talk times,
// contact names, wrap-up outcomes and notes. Batched multi-row inserts in large transactions; the
// reports' hourly roll-ups fill as they go (triggers on calls: backend/db/callStatsTables.ts).
import { pathToFileURL } from 'node:url';
import type { Kysely } from 'kysely';
import { ConfigError, loadConfig } from '../backend/config';
import { openDatabase } from '../backend/db/connect';
import type { Database, NewCall } from '../backend/db/schema';
import { loadDotEnv } from '../backend/dotenv';

export interface SeedOptions {
  calls: number;
  /** Calls spread over this many days before `now`. */
  days?: number;
  agents?: number;
  now?: number;
  /** The pseudo-random sequence (the same seed, the same calls). */
  seed?: number;
  /** Told after each transaction: rows inserted so far. */
  progress?: (inserted: number) => void;
}

/** mulberry32: small, fast, good enough to spread made-up calls (and to replay a test's). */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Picks from `[value, weight]` pairs. */
function weighted<T>(rand: () => number, table: readonly (readonly [T, number])[]): T {
  const total = table.reduce((sum, [, w]) => sum + w, 0);
  let r = rand() * total;
  for (const [value, w] of table) if ((r -= w) < 0) return value;
  return table[table.length - 1]![0];
}

const STATUSES = [
  ['completed', 60],
  ['unanswered', 14],
  ['busy', 8],
  ['cancelled', 7],
  ['rejected', 3],
  ['failed', 3],
  ['timeout', 3],
  ['missed', 2],
] as const;
const OUTCOMES = [
  ['Interested', 30],
  ['Call back', 25],
  ['Not interested', 20],
  ['Voicemail', 15],
  ['Wrong number', 5],
] as const;
/** Monday … Sunday. */
const WEEKDAY_WEIGHTS = [1, 1, 0.95, 0.95, 0.85, 0.15, 0.05];
/** 00:00 … 23:00 UTC: office hours, a dip at lunch. */
const HOUR_WEIGHTS = [
  0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.5, 1.5, 4, 7, 8, 8, 5, 6, 8, 8, 7, 5, 3, 1.5, 1, 0.6, 0.4, 0.3,
].map((w, hour) => [hour, w] as const);
const FIRST = ['Ava', 'Liam', 'Sofía', 'Noah', 'Yuki', 'Wei', 'Emma', 'Mateo', 'Hana', 'Olivia'];
const LAST = ['Thompson', 'García', 'Tanaka', 'Chen', 'Müller', 'Rossi', 'Smith', 'Kim', 'Silva'];
const NOTES = [
  'Asked for a quote by email',
  'Decision maker back next week',
  'Wants a demo on Thursday',
  'Renewal due in March',
  'Left a voicemail, will try again',
];
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** `agent-01` … */
export function seedAgentName(i: number): string {
  return `agent-${String(i + 1).padStart(2, '0')}`;
}

function hex(rand: () => number, n: number): string {
  let out = '';
  for (let i = 0; i < n; i++) out += Math.floor(rand() * 16).toString(16);
  return out;
}

/** The i-th made-up call. */
function makeCall(rand: () => number, opts: Required<Omit<SeedOptions, 'progress'>>): NewCall {
  // A day by weekday weight (rejection sampling), then an hour by office-hour weight.
  let dayStart: number;
  const firstDay = Math.floor(opts.now / DAY_MS) - opts.days;
  for (;;) {
    const day = firstDay + Math.floor(rand() * opts.days);
    const weekday = (day + 3) % 7;
    if (rand() < WEEKDAY_WEIGHTS[weekday]!) {
      dayStart = day * DAY_MS;
      break;
    }
  }
  const created = dayStart + weighted(rand, HOUR_WEIGHTS) * HOUR_MS + Math.floor(rand() * HOUR_MS);
  // Agents are not equally busy: agent-01 takes the most calls.
  const agentIndex = Math.floor(Math.pow(rand(), 1.4) * opts.agents);
  const agent = seedAgentName(agentIndex);
  const status = weighted(rand, STATUSES);
  const inbound = rand() < 0.3;
  const customer = `+1${String(2000000000 + Math.floor(rand() * 7999999999))}`;
  const line = `+1415555${String(1000 + agentIndex).slice(-4)}`;
  const answered = status === 'completed';
  const ring = 3000 + Math.floor(rand() * 20_000);
  // Talk time: mostly a few minutes, a long tail.
  const duration = answered ? Math.max(5, Math.round(-Math.log(1 - rand()) * 180)) : null;
  const ended = created + ring + (duration ?? 0) * 1000;
  const named = rand() < 0.7;
  const wrapped = answered && rand() < 0.6;
  const noted = wrapped && rand() < 0.2;
  return {
    uuid: `${hex(rand, 8)}-${hex(rand, 4)}-4${hex(rand, 3)}-a${hex(rand, 3)}-${hex(rand, 12)}`,
    provider: rand() < 0.5 ? 'vonage' : 'builtin',
    agent,
    direction: inbound ? 'inbound' : 'outbound',
    from_addr: inbound ? customer : line,
    to_addr: inbound ? line : customer,
    status,
    reason: null,
    conversation_uuid: null,
    parent_uuid: null,
    created_at: created,
    started_at: created,
    answered_at: answered ? created + ring : null,
    answered_by: answered ? (inbound ? agent : customer) : null,
    ended_at: ended,
    duration,
    price: null,
    rate: null,
    network: null,
    updated_at: ended,
    contact_name: named
      ? `${FIRST[Math.floor(rand() * FIRST.length)]} ${LAST[Math.floor(rand() * LAST.length)]}`
      : null,
    disposition: wrapped ? weighted(rand, OUTCOMES) : null,
    notes: noted ? NOTES[Math.floor(rand() * NOTES.length)]! : null,
    wrapup_by: wrapped ? agent : null,
    wrapup_at: wrapped ? ended + 30_000 : null,
  };
}

/** Rows per INSERT: 500 × 26 columns stays under both engines' parameter limits. */
const ROWS_PER_INSERT = 500;
const ROWS_PER_TRANSACTION = 25_000;

/** Inserts `opts.calls` made-up calls; returns how many it inserted. */
export async function seedCalls(db: Kysely<Database>, opts: SeedOptions): Promise<number> {
  const full = {
    calls: opts.calls,
    days: opts.days ?? 365,
    agents: opts.agents ?? 25,
    now: opts.now ?? Date.now(),
    seed: opts.seed ?? 1,
  };
  const rand = random(full.seed);
  let inserted = 0;
  while (inserted < full.calls) {
    const count = Math.min(ROWS_PER_TRANSACTION, full.calls - inserted);
    await db.transaction().execute(async (trx) => {
      for (let done = 0; done < count; done += ROWS_PER_INSERT) {
        const rows: NewCall[] = [];
        for (let i = 0; i < Math.min(ROWS_PER_INSERT, count - done); i++)
          rows.push(makeCall(rand, full));
        await trx.insertInto('calls').values(rows).execute();
      }
    });
    inserted += count;
    opts.progress?.(inserted);
  }
  return inserted;
}

const USAGE =
  'Usage: npm run seed -- --calls <n> [--days <n, default 365>] [--agents <n, default 25>]';

function option(args: string[], name: string): number | undefined {
  const at = args.indexOf(`--${name}`);
  if (at < 0) return undefined;
  const value = Number(args[at + 1]);
  if (!Number.isSafeInteger(value) || value < 1)
    throw new Error(`--${name} takes a whole number ≥ 1`);
  return value;
}

async function main(args: string[]): Promise<number> {
  let calls: number | undefined;
  let days: number | undefined;
  let agents: number | undefined;
  try {
    calls = option(args, 'calls');
    days = option(args, 'days');
    agents = option(args, 'agents');
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (calls === undefined) {
    console.error(USAGE);
    return 2;
  }
  loadDotEnv();
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      return 2;
    }
    throw error;
  }
  const handle = await openDatabase(config);
  const where = config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `SQLite in ${config.dataDir}`;
  const started = Date.now();
  try {
    await seedCalls(handle.db, {
      calls,
      ...(days ? { days } : {}),
      ...(agents ? { agents } : {}),
      seed: Date.now() % 2 ** 31,
      progress: (n) => process.stdout.write(`\r${n.toLocaleString('en')} calls`),
    });
    await handle.sync();
  } finally {
    await handle.close();
  }
  console.log(
    `\n${calls.toLocaleString('en')} calls seeded into ${where} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
