// Migration 0070: each agent's presence (what they chose, since when), their last heartbeat, and
// when their last call ended (routing offers inbound calls to the longest-idle Available agent).
import { type Kysely, type Migration } from 'kysely';
import type { Dialect } from './dialect';

export function presenceMigration(dialect: Dialect): Migration {
  const big = dialect === 'pg' ? 'bigint' : 'integer';
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable('agents')
        .addColumn('presence', 'text', (c) => c.notNull().defaultTo('available'))
        .execute();
      await db.schema
        .alterTable('agents')
        .addColumn('presence_at', big, (c) => c.notNull().defaultTo(0))
        .execute();
      // Null: the agent's extension never reported presence (an older version): signed in = online.
      await db.schema.alterTable('agents').addColumn('seen_at', big).execute();
      await db.schema
        .alterTable('agents')
        .addColumn('last_call_ended_at', big, (c) => c.notNull().defaultTo(0))
        .execute();
    },
  };
}

/**
 * Migration 0110: when the agent's signalling connection (the built-in provider's heartbeat) closed
 * for good; null while it is open, or the agent was heard from since.
 */
export function presenceGoneMigration(dialect: Dialect): Migration {
  const big = dialect === 'pg' ? 'bigint' : 'integer';
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('agents').addColumn('gone_at', big).execute();
    },
  };
}
