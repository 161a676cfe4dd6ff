// Migration 0030: the tables the signalling relay uses to cross instances (PostgreSQL; unused on SQLite).
import { type Kysely, type Migration } from 'kysely';
import type { Dialect } from './dialect';

export function signalTablesMigration(dialect: Dialect): Migration {
  const big = dialect === 'pg' ? 'bigint' : 'integer';
  return {
    async up(db: Kysely<unknown>) {
      // One row per running instance; a row whose heartbeat is older than the expiry is a dead one.
      await db.schema
        .createTable('signal_instances')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('started_at', big, (c) => c.notNull())
        .addColumn('heartbeat_at', big, (c) => c.notNull())
        .execute();
      // Which instance holds the socket for each address (agent:<name>, tel:…, contact:…).
      await db.schema
        .createTable('signal_presence')
        .addColumn('address', 'text', (c) => c.primaryKey())
        .addColumn('instance', 'text', (c) => c.notNull())
        .addColumn('conn_id', 'text', (c) => c.notNull())
        .addColumn('agent', 'text', (c) => c.notNull())
        .addColumn('has_lines', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('available', 'integer', (c) => c.notNull().defaultTo(1))
        .execute();
      await db.schema
        .createIndex('signal_presence_conn')
        .on('signal_presence')
        .column('conn_id')
        .execute();
      await db.schema
        .createIndex('signal_presence_instance')
        .on('signal_presence')
        .column('instance')
        .execute();
      // Messages too large for NOTIFY's 8000-byte payload: the notification carries the row id.
      await db.schema
        .createTable('signal_messages')
        .addColumn('id', dialect === 'pg' ? 'bigserial' : 'integer', (c) => c.primaryKey())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('created_at', big, (c) => c.notNull())
        .execute();
    },
  };
}

/**
 * Migration 0095: calls an instance holds for a side that is away (its instance stopped), so the
 * side's `resume` on any instance finds the one holding the call (PostgreSQL; unused on SQLite).
 */
export function signalCallsMigration(dialect: Dialect): Migration {
  const big = dialect === 'pg' ? 'bigint' : 'integer';
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('signal_calls')
        .addColumn('call_id', 'text', (c) => c.primaryKey())
        .addColumn('owner', 'text', (c) => c.notNull())
        .addColumn('grace_until', big, (c) => c.notNull())
        .execute();
    },
  };
}
