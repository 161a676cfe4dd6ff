// Opens the database: SQLite (WAL, in DATA_DIR) by default, PostgreSQL when a URL is given.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { migrate } from './migrations';
import type { Database } from './schema';
import { FifoSqliteDialect } from './sqliteDriver';

export type Dialect = 'sqlite' | 'pg';

export interface Db {
  db: Kysely<Database>;
  dialect: Dialect;
  /** PostgreSQL only: the URL, for the LISTEN connection. */
  url?: string;
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
    return { db, dialect: 'pg', url: opts.databaseUrl, close: () => db.destroy() };
  }
  mkdirSync(opts.dataDir, { recursive: true });
  const file = join(opts.dataDir, 'c2c.sqlite');
  const sqlite = new BetterSqlite3(file);
  sqlite.pragma('journal_mode = WAL');
  // FULL: a transaction acknowledged to a webhook survives power loss, not only a process crash.
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  const db = new Kysely<Database>({ dialect: new FifoSqliteDialect(sqlite) });
  await migrate(db as Kysely<unknown>, 'sqlite');
  return { db, dialect: 'sqlite', close: () => db.destroy() };
}
