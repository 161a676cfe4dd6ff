// The reports' roll-up of top-level calls per UTC hour, kept by triggers on `calls` so every write
// (the call model, a raw insert, the seed script, an import) updates it in the same transaction.
import { sql, type CreateTableBuilder, type Kysely, type Migration } from 'kysely';
import type { Dialect } from './dialect';

/** The calls a bucket holds: `hour` is floor(created_at / 3,600,000). */
const HOUR_OF = (row: string) => `${row}.created_at / 3600000`;
/** What a call adds to the per-agent table (agent `''` stands for none: keys cannot be null). */
const agentValues = (row: string, sign: string) =>
  `${HOUR_OF(row)}, coalesce(${row}.agent, ''), ${sign},
   case when ${row}.answered_at is not null then ${sign} else 0 end,
   case when ${row}.answered_at is not null then ${sign} * coalesce(${row}.duration, 0) else 0 end`;
const outcomeValues = (row: string, sign: string) =>
  `${HOUR_OF(row)}, coalesce(${row}.disposition, ${row}.status), ${sign}`;

/** The columns whose change moves a call between buckets or changes what it adds. */
const COUNTED = [
  'parent_uuid',
  'created_at',
  'agent',
  'answered_at',
  'duration',
  'status',
  'disposition',
];

const AGENT_UPSERT = `on conflict (hour, agent) do update set
  calls = call_stats_hourly.calls + excluded.calls,
  answered = call_stats_hourly.answered + excluded.answered,
  talk_seconds = call_stats_hourly.talk_seconds + excluded.talk_seconds`;
const OUTCOME_UPSERT = `on conflict (hour, outcome) do update set
  calls = call_outcomes_hourly.calls + excluded.calls`;

/** SQLite: one statement list per event (a WHERE on the SELECT picks top-level calls). */
function sqliteStatements(row: 'new' | 'old', sign: '1' | '-1'): string {
  const top = `where ${row}.parent_uuid is null`;
  return `
    insert into call_stats_hourly (hour, agent, calls, answered, talk_seconds)
      select ${agentValues(row, sign)} ${top} ${AGENT_UPSERT};
    insert into call_outcomes_hourly (hour, outcome, calls)
      select ${outcomeValues(row, sign)} ${top} ${OUTCOME_UPSERT};`;
}

function cleanup(row: string): string {
  return `
    delete from call_stats_hourly
      where hour = ${HOUR_OF(row)} and agent = coalesce(${row}.agent, '') and calls = 0;
    delete from call_outcomes_hourly
      where hour = ${HOUR_OF(row)} and outcome = coalesce(${row}.disposition, ${row}.status)
        and calls = 0;`;
}

const SQLITE_TRIGGERS = [
  `create trigger call_stats_insert after insert on calls begin
    ${sqliteStatements('new', '1')}
  end`,
  `create trigger call_stats_delete after delete on calls begin
    ${sqliteStatements('old', '-1')}
    ${cleanup('old')}
  end`,
  `create trigger call_stats_update after update of ${COUNTED.join(', ')} on calls
  when ${COUNTED.map((c) => `old.${c} is not new.${c}`).join(' or ')} begin
    ${sqliteStatements('old', '-1')}
    ${sqliteStatements('new', '1')}
    ${cleanup('old')}
  end`,
];

const PG_TRIGGERS = [
  `create function call_stats_add(r calls, delta integer) returns void language plpgsql as $$
  begin
    if r.parent_uuid is not null then return; end if;
    insert into call_stats_hourly (hour, agent, calls, answered, talk_seconds)
      values (${agentValues('r', 'delta')}) ${AGENT_UPSERT};
    insert into call_outcomes_hourly (hour, outcome, calls)
      values (${outcomeValues('r', 'delta')}) ${OUTCOME_UPSERT};
    if delta < 0 then ${cleanup('r')} end if;
  end $$`,
  `create function call_stats_trigger() returns trigger language plpgsql as $$
  begin
    if tg_op in ('UPDATE', 'DELETE') then perform call_stats_add(old, -1); end if;
    if tg_op in ('UPDATE', 'INSERT') then perform call_stats_add(new, 1); end if;
    return null;
  end $$`,
  `create trigger call_stats_insert_delete after insert or delete on calls
    for each row execute function call_stats_trigger()`,
  `create trigger call_stats_update after update of ${COUNTED.join(', ')} on calls for each row
    when (${COUNTED.map((c) => `old.${c} is distinct from new.${c}`).join(' or ')})
    execute function call_stats_trigger()`,
];

/** Recounts both roll-ups from `calls` (the migration's backfill; tests compare against it). */
export async function rebuildCallStats<DB>(db: Kysely<DB>): Promise<void> {
  await sql`delete from call_stats_hourly`.execute(db);
  await sql`delete from call_outcomes_hourly`.execute(db);
  await sql`insert into call_stats_hourly (hour, agent, calls, answered, talk_seconds)
    select created_at / 3600000, coalesce(agent, ''), count(*),
      sum(case when answered_at is not null then 1 else 0 end),
      sum(case when answered_at is not null then coalesce(duration, 0) else 0 end)
    from calls where parent_uuid is null group by 1, 2`.execute(db);
  await sql`insert into call_outcomes_hourly (hour, outcome, calls)
    select created_at / 3600000, coalesce(disposition, status), count(*)
    from calls where parent_uuid is null group by 1, 2`.execute(db);
}

/** 0096: the hourly roll-ups, their triggers, and a backfill from the calls already stored. */
export function callStatsMigration(dialect: Dialect): Migration {
  const big = dialect === 'pg' ? 'bigint' : 'integer';
  // SQLite: rows stored in key order, so a range of hours is read in one pass, not looked up by rowid.
  const clustered = (table: CreateTableBuilder<string, never>) =>
    dialect === 'pg' ? table : table.modifyEnd(sql`without rowid`);
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('call_stats_hourly')
        .addColumn('hour', big, (c) => c.notNull())
        .addColumn('agent', 'text', (c) => c.notNull())
        .addColumn('calls', 'integer', (c) => c.notNull())
        .addColumn('answered', 'integer', (c) => c.notNull())
        .addColumn('talk_seconds', big, (c) => c.notNull())
        .addPrimaryKeyConstraint('call_stats_hourly_pk', ['hour', 'agent'])
        .$call(clustered)
        .execute();
      await db.schema
        .createTable('call_outcomes_hourly')
        .addColumn('hour', big, (c) => c.notNull())
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('calls', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('call_outcomes_hourly_pk', ['hour', 'outcome'])
        .$call(clustered)
        .execute();
      for (const statement of dialect === 'pg' ? PG_TRIGGERS : SQLITE_TRIGGERS)
        await sql.raw(statement).execute(db);
      await rebuildCallStats(db);
    },
  };
}
