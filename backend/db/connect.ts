// Opens the database: SQLite (WAL, in DATA_DIR) by default, PostgreSQL when a URL is given.
import { mkdirSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Dialect } from './dialect';
import { migrate } from './migrations';
import type { Database } from './schema';
import { FifoSqliteDialect } from './sqliteDriver';

export type { Dialect } from './dialect';

export interface Db {
  db: Kysely<Database>;
  dialect: Dialect;
  /** PostgreSQL only: the URL, for the LISTEN connection. */
  url?: string;
  /** Makes every transaction committed so far durable (fsync); a no-op where the engine does it. */
  sync(): Promise<void>;
  close(): Promise<void>;
}

/** int8 (bigint) and numeric come back from pg as strings; our values fit in a double. */
const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

export function pgPoolConfig(url: string): pg.PoolConfig {
  return { connectionString: url, max: 10, types: pgTypes as pg.CustomTypesConfig };
}

const CHECKPOINT_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { timeout: 5000 });
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (error) {
    parentPort.postMessage({ error: String(error && error.message) });
  }
}, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {}
  db.close();
  parentPort.close();
});
parentPort.postMessage({ ready: true });
`;

async function startCheckpointer(
  file: string,
  intervalMs = 250,
): Promise<{ stop(): Promise<void> }> {
  const worker = new Worker(CHECKPOINT_WORKER, {
    eval: true,
    workerData: {
      file,
      intervalMs,
      driver: createRequire(import.meta.url).resolve('better-sqlite3'),
    },
  });
  worker.unref();
  await new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
  });
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    async stop() {
      worker.ref(); // keep the process alive until the worker has closed its connection
      worker.postMessage('stop');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 5000)))]);
      clearTimeout(timer);
      await worker.terminate();
    },
  };
}

export async function openDatabase(opts: { dataDir: string; databaseUrl?: string }): Promise<Db> {
  if (opts.databaseUrl) {
    const pool = new pg.Pool(pgPoolConfig(opts.databaseUrl));
    // An idle client that loses its connection must not crash the process.
    pool.on('error', () => {});
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    try {
      await sql`select 1`.execute(db);
      await migrate(db as Kysely<unknown>, 'pg');
    } catch (error) {
      await db.destroy();
      throw new Error(`Cannot use DATABASE_URL: ${(error as Error).message}`);
    }
    return {
      db,
      dialect: 'pg',
      url: opts.databaseUrl,
      sync: () => Promise.resolve(),
      close: () => db.destroy(),
    };
  }
  mkdirSync(opts.dataDir, { recursive: true });
  const file = join(opts.dataDir, 'c2c.sqlite');
  const sqlite = new BetterSqlite3(file);
  sqlite.pragma('journal_mode = WAL');
  // Durability as with synchronous=FULL (the WAL is fsynced after every commit we acknowledge), but
  // the fsync runs on libuv's thread pool through sync() instead of blocking the event loop inside
  // COMMIT: NORMAL leaves it to us (SQLite still syncs around checkpoints).
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  const db = new Kysely<Database>({ dialect: new FifoSqliteDialect(sqlite) });
  await migrate(db as Kysely<unknown>, 'sqlite');
  // Checkpoints copy the WAL into the database and fsync both: tens of milliseconds under I/O load.
  // A worker thread with its own connection does them, so COMMIT on the event loop never does.
  const checkpointer = await startCheckpointer(file).catch(() => undefined);
  // The worker keeps the WAL backfilled; under non-stop writes the WAL can only restart after a
  // checkpoint by the writer itself, so this connection still checkpoints every 16 MB (cheap then:
  // the frames are already copied).
  if (checkpointer) sqlite.pragma('wal_autocheckpoint = 4096');
  sqlite.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
  // The WAL exists now (WAL mode creates it on first access); make its directory entry durable once.
  const wal = await open(`${file}-wal`, 'r').catch(() => open(`${file}-wal`, 'a'));
  const dir = await open(opts.dataDir, 'r');
  await dir.sync().catch(() => {}); // some filesystems refuse fsync on directories
  await dir.close();
  let running: Promise<void> | undefined;
  let queued: Promise<void> | undefined;
  // Coalesced: callers share an fsync that started after their commit.
  const sync = (): Promise<void> => {
    if (!running) {
      running = wal.sync().finally(() => {
        running = undefined;
      });
      return running;
    }
    queued ??= running.then(
      () => {
        queued = undefined;
        return sync();
      },
      () => {
        queued = undefined;
        return sync();
      },
    );
    return queued;
  };
  return {
    db,
    dialect: 'sqlite',
    sync,
    async close() {
      await running?.catch(() => {});
      await queued?.catch(() => {});
      await checkpointer?.stop();
      await wal.close();
      await db.destroy();
    },
  };
}
