// Versioned schema migrations, run at start. One schema; column types differ only where the engines do.
import { Migrator, sql, type Kysely, type Migration } from 'kysely';
import { DEFAULT_DISPOSITIONS } from '../../src/contract/call';
import type { Dialect } from './dialect';
import { reportRollupsMigration } from '../admin/reportRollups';
import { adminConsoleMigration } from '../admin/migration';
import { callStatsMigration } from './callStatsTables';
import { presenceGoneMigration, presenceMigration } from './presenceTables';
import { signalCallsMigration, signalTablesMigration } from './signalTables';
import { directoryMigration } from '../directory/migration';

/** The first schema: agents, sessions, Vonage events, calls and the call-update feed. */
function initial(dialect: Dialect): Migration {
  const id = dialect === 'pg' ? 'bigserial' : 'integer';
  const big = dialect === 'pg' ? 'bigint' : 'integer';
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('agents')
        .addColumn('id', id, (c) =>
          dialect === 'pg' ? c.primaryKey() : c.primaryKey().autoIncrement(),
        )
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('key_id', 'text', (c) => c.notNull().unique())
        .addColumn('key_hash', 'text', (c) => c.notNull())
        .addColumn('admin', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('vonage_user', 'text', (c) => c.unique())
        .addColumn('cuid', 'text')
        .addColumn('created_at', big, (c) => c.notNull())
        .addColumn('last_offered_at', big, (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .createTable('sessions')
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('agent_id', big, (c) => c.notNull().references('agents.id'))
        .addColumn('created_at', big, (c) => c.notNull())
        .addColumn('expires_at', big, (c) => c.notNull())
        .addColumn('revoked_at', big)
        .execute();
      await db.schema.createIndex('sessions_agent').on('sessions').column('agent_id').execute();
      await db.schema
        .createTable('vonage_events')
        .addColumn('id', id, (c) =>
          dialect === 'pg' ? c.primaryKey() : c.primaryKey().autoIncrement(),
        )
        .addColumn('dedupe_key', 'text', (c) => c.notNull().unique())
        .addColumn('uuid', 'text')
        .addColumn('conversation_uuid', 'text')
        .addColumn('status', 'text')
        .addColumn('received_at', big, (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('vonage_events_uuid')
        .on('vonage_events')
        .column('uuid')
        .execute();
      await db.schema
        .createTable('calls')
        .addColumn('uuid', 'text', (c) => c.primaryKey())
        .addColumn('provider', 'text', (c) => c.notNull())
        .addColumn('agent', 'text')
        .addColumn('direction', 'text', (c) => c.notNull())
        .addColumn('from_addr', 'text')
        .addColumn('to_addr', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('conversation_uuid', 'text')
        .addColumn('parent_uuid', 'text')
        .addColumn('created_at', big, (c) => c.notNull())
        .addColumn('started_at', big)
        .addColumn('answered_at', big)
        .addColumn('ended_at', big)
        .addColumn('duration', 'integer')
        .addColumn('price', 'text')
        .addColumn('rate', 'text')
        .addColumn('network', 'text')
        .addColumn('updated_at', big, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('calls_agent_created')
        .on('calls')
        .columns(['agent', 'created_at', 'uuid'])
        .execute();
      await db.schema
        .createIndex('calls_created')
        .on('calls')
        .columns(['created_at', 'uuid'])
        .execute();
      await db.schema
        .createIndex('calls_conversation')
        .on('calls')
        .column('conversation_uuid')
        .execute();
      await db.schema
        .createTable('call_updates')
        .addColumn('id', id, (c) =>
          dialect === 'pg' ? c.primaryKey() : c.primaryKey().autoIncrement(),
        )
        .addColumn('agent', 'text', (c) => c.notNull())
        .addColumn('call_uuid', 'text', (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .addColumn('created_at', big, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('call_updates_agent')
        .on('call_updates')
        .columns(['agent', 'id'])
        .execute();
    },
  };
}

function migrations(dialect: Dialect): Record<string, Migration> {
  const id = dialect === 'pg' ? 'bigserial' : 'integer';
  const big = dialect === 'pg' ? 'bigint' : 'integer';
  return {
    '0001_initial': initial(dialect),
    '0010_webhook_jtis': {
      // Answer-webhook token ids seen within their accepted age: a replayed token is refused on
      // every instance.
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('webhook_jtis')
          .addColumn('jti', 'text', (c) => c.primaryKey())
          .addColumn('expires_at', big, (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('webhook_jtis_expires')
          .on('webhook_jtis')
          .column('expires_at')
          .execute();
      },
    },
    '0011_call_legs': {
      // Each Vonage leg's own state, so the call record can be derived from all of a conversation's
      // legs (docs/calls.md); `answered_by` names who answered (added here unless it exists).
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('call_legs')
          .addColumn('uuid', 'text', (c) => c.primaryKey())
          .addColumn('call_uuid', 'text', (c) => c.notNull())
          .addColumn('state', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('call_legs_call').on('call_legs').column('call_uuid').execute();
        const tables = await db.introspection.getTables();
        const calls = tables.find((t) => t.name === 'calls');
        if (!calls?.columns.some((c) => c.name === 'answered_by'))
          await db.schema.alterTable('calls').addColumn('answered_by', 'text').execute();
      },
    },
    '0020_lines': {
      // Softphone lines (tel:/contact: addresses on the relay) belong to one agent, bound by an admin.
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('lines')
          .addColumn('address', 'text', (c) => c.primaryKey())
          .addColumn('agent_id', big, (c) => c.notNull().references('agents.id'))
          .addColumn('created_at', big, (c) => c.notNull())
          .execute();
        await db.schema.createIndex('lines_agent').on('lines').column('agent_id').execute();
      },
    },
    '0040_outbox': {
      // Outgoing webhooks: the endpoints admins register and the durable outbox of events to deliver.
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('webhook_endpoints')
          .addColumn('id', id, (c) =>
            dialect === 'pg' ? c.primaryKey() : c.primaryKey().autoIncrement(),
          )
          .addColumn('url', 'text', (c) => c.notNull())
          .addColumn('secret', 'text', (c) => c.notNull())
          .addColumn('created_at', big, (c) => c.notNull())
          .addColumn('last_error', 'text')
          .addColumn('last_error_at', big)
          .addColumn('failed_attempts', big, (c) => c.notNull().defaultTo(0))
          .execute();
        await db.schema
          .createTable('outbox')
          .addColumn('id', id, (c) =>
            dialect === 'pg' ? c.primaryKey() : c.primaryKey().autoIncrement(),
          )
          .addColumn('endpoint_id', big, (c) =>
            c.notNull().references('webhook_endpoints.id').onDelete('cascade'),
          )
          .addColumn('event_id', 'text', (c) => c.notNull())
          .addColumn('type', 'text', (c) => c.notNull())
          .addColumn('call_uuid', 'text', (c) => c.notNull())
          .addColumn('body', 'text', (c) => c.notNull())
          .addColumn('created_at', big, (c) => c.notNull())
          .addColumn('state', 'text', (c) => c.notNull().defaultTo('pending'))
          .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('next_attempt_at', big, (c) => c.notNull())
          .addColumn('lease_until', big, (c) => c.notNull().defaultTo(0))
          .addColumn('first_attempt_at', big)
          .addColumn('done_at', big)
          .addColumn('last_error', 'text')
          .execute();
        await db.schema
          .createIndex('outbox_due')
          .on('outbox')
          .columns(['state', 'next_attempt_at', 'id'])
          .execute();
        await db.schema
          .createIndex('outbox_order')
          .on('outbox')
          .columns(['endpoint_id', 'call_uuid', 'state', 'id'])
          .execute();
      },
    },
  };
}

/** Who the call was with and how it ended for the agent: the CRM row's name, the dialled extension,
 * the page it was placed from, and the wrap-up (outcome, notes, follow-up date). All optional. */
function callDetailsMigration(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      for (const column of [
        'contact_name',
        'extension',
        'page_url',
        'page_title',
        'disposition',
        'notes',
        'follow_up_on',
        'wrapup_by',
      ])
        await db.schema.alterTable('calls').addColumn(column, 'text').execute();
      await db.schema
        .alterTable('calls')
        .addColumn('wrapup_at', dialect === 'pg' ? 'bigint' : 'integer')
        .execute();
    },
  };
}

/** The outcomes agents choose from after a call (one list per deployment) and wrap-up settings. */
function dispositionsMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('dispositions')
        .addColumn('label', 'text', (c) => c.primaryKey())
        .addColumn('position', 'integer', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('wrapup_settings')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute();
      await (db as Kysely<{ dispositions: { label: string; position: number } }>)
        .insertInto('dispositions')
        .values(DEFAULT_DISPOSITIONS.map((label, position) => ({ label, position })))
        .execute();
    },
  };
}

/** The admin console's History and Reports: a covering index for the reports' range scans over
 * top-level calls, the outcome filter, and the detail view's look-ups of events and updates by call. */
function adminReportsMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createIndex('calls_report')
        .on('calls')
        .columns(['created_at', 'agent', 'status', 'answered_at', 'duration', 'disposition'])
        .where(sql.ref('parent_uuid'), 'is', null)
        .execute();
      await db.schema
        .createIndex('calls_status_created')
        .on('calls')
        .columns(['status', 'created_at', 'uuid'])
        .execute();
      await db.schema
        .createIndex('vonage_events_conversation')
        .on('vonage_events')
        .columns(['conversation_uuid', 'received_at'])
        .execute();
      await db.schema
        .createIndex('call_updates_call')
        .on('call_updates')
        .columns(['call_uuid', 'id'])
        .execute();
    },
  };
}

/** The extension's own id of a Vonage call, so the call bar's wrap-up finds the record by it. */
function clientCallIdMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('calls').addColumn('client_call_id', 'text').execute();
      await db.schema
        .createIndex('calls_client_call_id')
        .on('calls')
        .columns(['agent', 'client_call_id'])
        .execute();
    },
  };
}

export async function migrate(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: {
      getMigrations: async () => ({
        ...migrations(dialect),
        '0050_signal_tables': signalTablesMigration(dialect),
        '0055_call_details': callDetailsMigration(dialect),
        '0060_dispositions': dispositionsMigration(),
        '0080_admin_console': adminConsoleMigration(dialect),
        '0070_presence': presenceMigration(dialect),
        '0075_directory': directoryMigration(dialect),
        '0085_admin_reports': adminReportsMigration(),
        '0095_signal_calls': signalCallsMigration(dialect),
        '0096_call_stats': callStatsMigration(dialect),
        '0097_client_call_id': clientCallIdMigration(),
        '0110_presence_gone_at': presenceGoneMigration(dialect),
        '0120_report_rollups': reportRollupsMigration(dialect),
      }),
    },
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(
      `Database migration ${failed?.migrationName ?? ''} failed: ${(error as Error | undefined)?.message ?? 'unknown error'}`,
    );
  }
}
