// The admin console's schema (migration 0080): console sessions, the audit log (append-only, enforced
// by the database itself) and the agents' edit version.
import { sql, type Kysely, type Migration } from 'kysely';
import type { Dialect } from '../db/dialect';

export function adminConsoleMigration(dialect: Dialect): Migration {
  const big = dialect === 'pg' ? 'bigint' : 'integer';
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable('agents')
        .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
        .execute();
      await db.schema
        .createTable('admin_sessions')
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('agent_id', big, (c) => c.notNull().references('agents.id'))
        .addColumn('csrf_token', 'text', (c) => c.notNull())
        .addColumn('created_at', big, (c) => c.notNull())
        .addColumn('last_seen_at', big, (c) => c.notNull())
        .addColumn('expires_at', big, (c) => c.notNull())
        .addColumn('revoked_at', big)
        .execute();
      await db.schema
        .createIndex('admin_sessions_agent')
        .on('admin_sessions')
        .column('agent_id')
        .execute();
      await db.schema
        .createTable('audit_log')
        .addColumn('id', dialect === 'pg' ? 'bigserial' : 'integer', (c) =>
          dialect === 'pg' ? c.primaryKey() : c.primaryKey().autoIncrement(),
        )
        .addColumn('at', big, (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('target', 'text')
        .addColumn('detail', 'text')
        .execute();
      await db.schema.createIndex('audit_log_at').on('audit_log').columns(['at', 'id']).execute();
      // Append-only: the database refuses to change or delete an entry, whoever asks.
      if (dialect === 'pg') {
        await sql`create function c2c_audit_append_only() returns trigger language plpgsql as $$
          begin raise exception 'audit_log is append-only'; end $$`.execute(db);
        await sql`create trigger audit_log_append_only before update or delete on audit_log
          for each row execute function c2c_audit_append_only()`.execute(db);
      } else {
        for (const op of ['update', 'delete'])
          await sql
            .raw(
              `create trigger audit_log_no_${op} before ${op} on audit_log ` +
                `begin select raise(abort, 'audit_log is append-only'); end`,
            )
            .execute(db);
      }
    },
  };
}
