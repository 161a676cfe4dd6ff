// The admin console's queries: console sessions, the audit log, agents with their lines and version,
// and the live view (who is signed in, which calls are up). SQL lives here, not in the routes.
import { sql, type Kysely } from 'kysely';
import type { AuditFilter } from '../../src/contract/admin';
import { ACTIVE_STATUSES } from '../calls/status';
import type { AdminSessionRow, AgentRow, AuditLogRow, CallRow, Database } from '../db/schema';

/** An active call not updated for this long lost its final event: not shown live. */
export const STALE_ACTIVE_MS = 4 * 3600_000;

export interface AdminSessionWithAgent {
  session: AdminSessionRow;
  agent: AgentRow;
}

export type AgentChange = Partial<Pick<AgentRow, 'admin' | 'disabled' | 'vonage_user' | 'cuid'>>;

export class AdminStore {
  constructor(readonly db: Kysely<Database>) {}

  // ---- console sessions ----

  async createSession(row: Omit<AdminSessionRow, 'revoked_at'>): Promise<void> {
    await this.db
      .insertInto('admin_sessions')
      .values({ ...row, revoked_at: null })
      .execute();
    await this.db
      .deleteFrom('admin_sessions')
      .where('expires_at', '<', row.created_at - 86_400_000)
      .execute();
  }

  /** The session if it stands: not revoked, not expired, not idle too long, its agent an enabled admin. */
  async getSession(
    tokenHash: string,
    now: number,
    idleMs: number,
  ): Promise<AdminSessionWithAgent | undefined> {
    const row = await this.db
      .selectFrom('admin_sessions as s')
      .innerJoin('agents', 'agents.id', 's.agent_id')
      .selectAll('agents')
      .select([
        's.token_hash as s_token_hash',
        's.agent_id as s_agent_id',
        's.csrf_token as s_csrf_token',
        's.created_at as s_created_at',
        's.last_seen_at as s_last_seen_at',
        's.expires_at as s_expires_at',
        's.revoked_at as s_revoked_at',
      ])
      .where('s.token_hash', '=', tokenHash)
      .where('s.revoked_at', 'is', null)
      .where('s.expires_at', '>', now)
      .where('s.last_seen_at', '>', now - idleMs)
      .where('agents.disabled', '=', 0)
      .where('agents.admin', '=', 1)
      .executeTakeFirst();
    if (!row) return undefined;
    const {
      s_token_hash,
      s_agent_id,
      s_csrf_token,
      s_created_at,
      s_last_seen_at,
      s_expires_at,
      s_revoked_at,
      ...agent
    } = row;
    return {
      agent,
      session: {
        token_hash: s_token_hash,
        agent_id: s_agent_id,
        csrf_token: s_csrf_token,
        created_at: s_created_at,
        last_seen_at: s_last_seen_at,
        expires_at: s_expires_at,
        revoked_at: s_revoked_at,
      },
    };
  }

  async touchSession(tokenHash: string, now: number): Promise<void> {
    await this.db
      .updateTable('admin_sessions')
      .set({ last_seen_at: now })
      .where('token_hash', '=', tokenHash)
      .execute();
  }

  async revokeSession(tokenHash: string, now: number): Promise<void> {
    await this.db
      .updateTable('admin_sessions')
      .set({ revoked_at: now })
      .where('token_hash', '=', tokenHash)
      .where('revoked_at', 'is', null)
      .execute();
  }

  /** Signs an agent out of every console session; returns how many there were. */
  async revokeAgentSessions(agentId: number, now: number): Promise<number> {
    const result = await this.db
      .updateTable('admin_sessions')
      .set({ revoked_at: now })
      .where('agent_id', '=', agentId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  // ---- audit log (append-only: no update or delete here, and the database refuses them) ----

  async appendAudit(entry: Omit<AuditLogRow, 'id'>): Promise<void> {
    await this.db.insertInto('audit_log').values(entry).execute();
  }

  /** Newest first, keyset-paged on id. */
  async listAudit(filter: AuditFilter, limit: number): Promise<AuditLogRow[]> {
    let query = this.filtered(filter);
    if (filter.cursor !== undefined) query = query.where('id', '<', filter.cursor);
    return query.orderBy('id', 'desc').limit(limit).execute();
  }

  /** Oldest first, in pages, for the CSV export. */
  async *exportAudit(filter: AuditFilter, pageSize = 500): AsyncGenerator<AuditLogRow> {
    let after = 0;
    for (;;) {
      const rows = await this.filtered(filter)
        .where('id', '>', after)
        .orderBy('id')
        .limit(pageSize)
        .execute();
      for (const row of rows) yield row;
      if (rows.length < pageSize) return;
      after = rows[rows.length - 1]!.id;
    }
  }

  private filtered(filter: AuditFilter) {
    let query = this.db.selectFrom('audit_log').selectAll();
    if (filter.actor) query = query.where('actor', '=', filter.actor);
    if (filter.action) query = query.where('action', '=', filter.action);
    if (filter.target) query = query.where('target', '=', filter.target);
    if (filter.from !== undefined) query = query.where('at', '>=', filter.from);
    if (filter.to !== undefined) query = query.where('at', '<', filter.to);
    return query;
  }

  // ---- agents ----

  async linesByAgent(): Promise<Map<number, string[]>> {
    const rows = await this.db
      .selectFrom('lines')
      .select(['agent_id', 'address'])
      .orderBy('address')
      .execute();
    const out = new Map<number, string[]>();
    for (const row of rows) {
      const list = out.get(row.agent_id) ?? [];
      list.push(row.address);
      out.set(row.agent_id, list);
    }
    return out;
  }

  /**
   * Applies a change if the agent is still at `version` (compare-and-set: two admins' edits never
   * overwrite each other). `missing` when there is no such agent, `conflict` when it moved on.
   */
  async changeAgent(
    name: string,
    version: number,
    change: AgentChange,
  ): Promise<AgentRow | 'missing' | 'conflict'> {
    const row = await this.db
      .updateTable('agents')
      .set({ ...change, version: sql<number>`version + 1` })
      .where('name', '=', name)
      .where('version', '=', version)
      .returningAll()
      .executeTakeFirst();
    if (row) return row;
    const exists = await this.db
      .selectFrom('agents')
      .select('id')
      .where('name', '=', name)
      .executeTakeFirst();
    return exists ? 'conflict' : 'missing';
  }

  async vonageUserOwner(user: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('agents')
      .select('name')
      .where('vonage_user', '=', user)
      .executeTakeFirst();
    return row?.name;
  }

  // ---- live ----

  /** Agents with whether they are signed in (an extension session that stands) and on a call. */
  async liveAgents(now: number): Promise<{ name: string; signedIn: boolean; onCall: boolean }[]> {
    const rows = await this.db
      .selectFrom('agents')
      .select((eb) => [
        'agents.name',
        eb
          .exists(
            eb
              .selectFrom('sessions')
              .select('sessions.token_hash')
              .whereRef('sessions.agent_id', '=', 'agents.id')
              .where('sessions.revoked_at', 'is', null)
              .where('sessions.expires_at', '>', now),
          )
          .as('signed_in'),
        eb
          .exists(
            eb
              .selectFrom('calls')
              .select('calls.uuid')
              .whereRef('calls.agent', '=', 'agents.name')
              .where('calls.parent_uuid', 'is', null)
              .where('calls.status', '=', 'answered')
              .where('calls.updated_at', '>', now - STALE_ACTIVE_MS),
          )
          .as('on_call'),
      ])
      .where('agents.disabled', '=', 0)
      .orderBy('agents.name')
      .execute();
    return rows.map((r) => ({
      name: r.name,
      signedIn: Boolean(Number(r.signed_in)),
      onCall: Boolean(Number(r.on_call)),
    }));
  }

  /** Calls not ended yet (first legs), oldest first. */
  activeCalls(now: number): Promise<CallRow[]> {
    return this.db
      .selectFrom('calls')
      .selectAll()
      .where('parent_uuid', 'is', null)
      .where('status', 'in', [...ACTIVE_STATUSES])
      .where('updated_at', '>', now - STALE_ACTIVE_MS)
      .orderBy('created_at')
      .limit(500)
      .execute();
  }

  async latestUpdateId(): Promise<number> {
    const row = await this.db
      .selectFrom('call_updates')
      .select((eb) => eb.fn.max('id').as('id'))
      .executeTakeFirst();
    return Number(row?.id ?? 0);
  }

  /** Every agent's call updates after `afterId` (one call can appear once per agent it concerns). */
  updatesSince(afterId: number, limit = 500) {
    return this.db
      .selectFrom('call_updates')
      .select(['id', 'call_uuid', 'data'])
      .where('id', '>', afterId)
      .orderBy('id')
      .limit(limit)
      .execute();
  }
}
