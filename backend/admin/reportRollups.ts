// Migration 0120: coarser roll-ups of top-level calls for the Reports (beside the hourly ones,
// backend/db/callStatsTables.ts), kept by their own triggers on `calls` in the same transaction:
// per UTC day and agent, per UTC day and outcome, and calls per UTC hour. A year-long report then
// reads one row per day (and agent or outcome), or one per hour, instead of one per hour and agent,
// plus, for calls per local day, the few hours a zone's offset moves to the neighbouring local day
// (found through an index on the hourly roll-up's hour of the day).
import { sql, type CreateTableBuilder, type Kysely, type Migration } from 'kysely';
import type { Dialect } from '../db/dialect';

interface Rollup {
  table: string;
  /** Key columns and what they are of a call row (`r` stands for the row). */
  keys: [string, string][];
  /** Counted columns and what a call adds (`s` stands for its sign, 1 or -1). */
  values: [string, string][];
}

const answered = 'r.answered_at is not null';
const ROLLUPS: Rollup[] = [
  {
    table: 'call_stats_daily',
    keys: [
      ['day', 'r.created_at / 86400000'],
      // '' stands for no agent: keys cannot be null.
      ['agent', "coalesce(r.agent, '')"],
    ],
    values: [
      ['calls', 's'],
      ['answered', `case when ${answered} then s else 0 end`],
      ['talk_seconds', `case when ${answered} then s * coalesce(r.duration, 0) else 0 end`],
    ],
  },
  {
    table: 'call_outcomes_daily',
    keys: [
      ['day', 'r.created_at / 86400000'],
      ['outcome', 'coalesce(r.disposition, r.status)'],
    ],
    values: [['calls', 's']],
  },
  {
    table: 'call_counts_hourly',
    keys: [['hour', 'r.created_at / 3600000']],
    values: [['calls', 's']],
  },
];

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

const of = (expr: string, row: string, sign: string) =>
  expr.replace(/\br\./g, `${row}.`).replace(/\bs\b/g, sign);

function upsert(rollup: Rollup, row: string, sign: string, sqlite: boolean): string {
  const columns = [...rollup.keys, ...rollup.values].map(([name]) => name).join(', ');
  const exprs = [...rollup.keys, ...rollup.values].map(([, e]) => of(e, row, sign)).join(', ');
  const update = rollup.values
    .map(([name]) => `${name} = ${rollup.table}.${name} + excluded.${name}`)
    .join(', ');
  const conflict = `on conflict (${rollup.keys.map(([k]) => k).join(', ')}) do update set ${update}`;
  // SQLite: a trigger has no IF; the SELECT's WHERE picks top-level calls (and parses the upsert).
  const source = sqlite ? `select ${exprs} where ${row}.parent_uuid is null` : `values (${exprs})`;
  return `insert into ${rollup.table} (${columns}) ${source} ${conflict};`;
}

function cleanup(rollup: Rollup, row: string): string {
  const keys = rollup.keys.map(([k, e]) => `${k} = ${of(e, row, '1')}`).join(' and ');
  return `delete from ${rollup.table} where ${keys} and calls = 0;`;
}

const all = (f: (r: Rollup) => string) => ROLLUPS.map(f).join('\n');

const SQLITE_TRIGGERS = [
  `create trigger report_rollups_insert after insert on calls begin
    ${all((r) => upsert(r, 'new', '1', true))}
  end`,
  `create trigger report_rollups_delete after delete on calls begin
    ${all((r) => upsert(r, 'old', '-1', true))}
    ${all((r) => cleanup(r, 'old'))}
  end`,
  `create trigger report_rollups_update after update of ${COUNTED.join(', ')} on calls
  when ${COUNTED.map((c) => `old.${c} is not new.${c}`).join(' or ')} begin
    ${all((r) => upsert(r, 'old', '-1', true))}
    ${all((r) => upsert(r, 'new', '1', true))}
    ${all((r) => cleanup(r, 'old'))}
  end`,
];

const PG_TRIGGERS = [
  `create function report_rollups_add(r calls, delta integer) returns void language plpgsql as $$
  begin
    if r.parent_uuid is not null then return; end if;
    ${all((x) => upsert(x, 'r', 'delta', false))}
    if delta < 0 then ${all((x) => cleanup(x, 'r'))} end if;
  end $$`,
  `create function report_rollups_trigger() returns trigger language plpgsql as $$
  begin
    if tg_op in ('UPDATE', 'DELETE') then perform report_rollups_add(old, -1); end if;
    if tg_op in ('UPDATE', 'INSERT') then perform report_rollups_add(new, 1); end if;
    return null;
  end $$`,
  `create trigger report_rollups_insert_delete after insert or delete on calls
    for each row execute function report_rollups_trigger()`,
  `create trigger report_rollups_update after update of ${COUNTED.join(', ')} on calls for each row
    when (${COUNTED.map((c) => `old.${c} is distinct from new.${c}`).join(' or ')})
    execute function report_rollups_trigger()`,
];

/** Recounts the three roll-ups from `calls` (the migration's backfill; tests compare against it). */
export async function rebuildReportRollups<DB>(db: Kysely<DB>): Promise<void> {
  for (const rollup of ROLLUPS) {
    await sql`delete from ${sql.table(rollup.table)}`.execute(db);
    const columns = [...rollup.keys, ...rollup.values].map(([name]) => name).join(', ');
    const keys = rollup.keys.map(([, e]) => of(e, 'calls', '1')).join(', ');
    const sums = rollup.values.map(([, e]) => `sum(${of(e, 'calls', '1')})`).join(', ');
    const groups = rollup.keys.map((_, i) => i + 1).join(', ');
    await sql
      .raw(
        `insert into ${rollup.table} (${columns}) select ${keys}, ${sums} from calls
          where parent_uuid is null group by ${groups}`,
      )
      .execute(db);
  }
}

export function reportRollupsMigration(dialect: Dialect): Migration {
  const big = dialect === 'pg' ? 'bigint' : 'integer';
  return {
    async up(db: Kysely<unknown>) {
      for (const rollup of ROLLUPS) {
        let table: CreateTableBuilder<string, string> = db.schema.createTable(rollup.table);
        for (const [key] of rollup.keys)
          table = table.addColumn(
            key,
            key === 'hour' ? big : key === 'day' ? 'integer' : 'text',
            (c) => c.notNull(),
          );
        for (const [name] of rollup.values)
          table = table.addColumn(name, name === 'talk_seconds' ? big : 'integer', (c) =>
            c.notNull(),
          );
        table = table.addPrimaryKeyConstraint(
          `${rollup.table}_pk`,
          rollup.keys.map(([k]) => k),
        );
        // SQLite: rows stored in key order, so a range of days or hours is read in one pass.
        await (dialect === 'pg' ? table : table.modifyEnd(sql`without rowid`)).execute();
      }
      // Covering: calls per local day reads these hours from the index alone.
      await sql`create index call_stats_hourly_hour_of_day
        on call_stats_hourly ((hour % 24), hour, agent, calls)`.execute(db);
      for (const statement of dialect === 'pg' ? PG_TRIGGERS : SQLITE_TRIGGERS)
        await sql.raw(statement).execute(db);
      await rebuildReportRollups(db);
    },
  };
}
