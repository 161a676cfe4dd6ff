/* eslint-disable max-lines -- every query lives here (STYLE.md: SQL in the store), one section per table */
// The query layer: agents, sessions, call records, the Vonage event log and per-agent call updates.
import { setImmediate as yieldToIo } from 'node:timers/promises';
import {
  CompiledQuery,
  sql,
  type Compilable,
  type Kysely,
  type QueryResult,
  type Transaction,
} from 'kysely';
import type { CallRecord, CallsPage } from '../../src/contract/call';
import type { Bus, CallUpdate } from '../bus';
import { ACTIVE_STATUSES, FINAL_STATUSES } from '../calls/status';
import { deriveCall } from '../calls/conversation';
import { withoutRecordOnly } from '../calls/records';
import { recordAfterEvent, str } from '../calls/vonageEvent';
import { NOTIFY_CHANNEL, PRESENCE_TOPIC } from '../bus';
import type { Db } from './connect';
import { GroupCommit, type WriteJob } from './groupCommit';
import { idleSince, markCallEnded, routable } from './presenceStore';
import { callEvent, type CallEventType } from '../outbox/payload';
import type {
  AgentRow,
  CallRow,
  Database,
  NewAgent,
  NewCall,
  OutboxRow,
  WebhookEndpointRow,
} from './schema';

/** What clients see of a call (history items and live updates). */
export function toCallView(row: CallRow | NewCall): CallRecord {
  return {
    uuid: row.uuid,
    provider: row.provider,
    direction: row.direction,
    status: row.status,
    reason: row.reason ?? null,
    agent: row.agent ?? null,
    from: row.from_addr ?? null,
    to: row.to_addr ?? null,
    conversationUuid: row.conversation_uuid ?? null,
    parentUuid: row.parent_uuid ?? null,
    createdAt: row.created_at,
    startedAt: row.started_at ?? null,
    answeredAt: row.answered_at ?? null,
    answeredBy: row.answered_by ?? null,
    endedAt: row.ended_at ?? null,
    duration: row.duration ?? null,
    price: row.price ?? null,
    rate: row.rate ?? null,
    network: row.network ?? null,
    contactName: row.contact_name ?? null,
    extension: row.extension ?? null,
    pageUrl: row.page_url ?? null,
    pageTitle: row.page_title ?? null,
    outcome: row.disposition ?? null,
    notes: row.notes ?? null,
    followUpOn: row.follow_up_on ?? null,
  };
}

// Re-exported for the readers that know statuses from the store.
export { ACTIVE_STATUSES, FINAL_STATUSES } from '../calls/status';

/** A stored Vonage event as the webhook parsed it. */
export interface VonageEvent {
  dedupeKey: string;
  receivedAt: number;
  body: Record<string, unknown>;
  raw: string;
}

export interface AgentSession {
  agent: AgentRow;
  expiresAt: number;
}

type Trx = Transaction<Database>;
/** A call record older than this with an active status is considered stale (lost final event). */
const STALE_ACTIVE_MS = 4 * 3600_000;
const ORDER_LOCK = 0x63326331;

function encodeCursor(row: { created_at: number; uuid: string }): string {
  return Buffer.from(JSON.stringify([row.created_at, row.uuid])).toString('base64url');
}

export function decodeCursor(cursor: string): { createdAt: number; uuid: string } | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      typeof value[0] === 'number' &&
      typeof value[1] === 'string'
    ) {
      return { createdAt: value[0], uuid: value[1] };
    }
  } catch {
    // fall through
  }
  return null;
}

/**
 * How long a bulk write (a call record from the relay, a heartbeat) waits on SQLite for others to
 * share its commit: under 100 calls a second each record otherwise commits alone, and a commit
 * costs about 0.2 ms of the event loop (measured in the capacity bench).
 */
const SQLITE_LINGER_MS = 4;

/** Sessions checked per query by `liveSessionHashes` (each chunk about half a millisecond). */
const LIVE_CHUNK = 100;

export class Store {
  readonly db: Kysely<Database>;
  private readonly group: GroupCommit;
  private readonly outboxListeners = new Set<() => void>();
  /** The call updates the running SQLite transaction wrote, per agent (see `tx`). */
  private written: Map<string, CallUpdate[]> | undefined;
  /** Set when a transaction wrote outbox rows; the listeners run after it commits. */
  private outboxWritten = false;

  constructor(
    readonly handle: Db,
    readonly bus: Bus,
  ) {
    this.db = handle.db;
    this.group = new GroupCommit(
      (job) => this.tx(job, { sync: false }),
      () => this.handle.sync(),
      // better-sqlite3 blocks the event loop for a whole transaction: keep each one short. On
      // PostgreSQL the queries wait on the network, not the loop: batches are cut by size only.
      handle.dialect === 'sqlite'
        ? { sliceMs: 3, lingerMs: SQLITE_LINGER_MS }
        : { sliceMs: Infinity },
    );
  }

  /**
   * Runs `job` in a transaction shared with concurrent writers (group commit); resolves after commit.
   * `urgent`: ahead of the queued writes, in a transaction of urgent writes only.
   */
  write<T>(job: WriteJob<T>, opts: { durable?: boolean; urgent?: boolean } = {}): Promise<T> {
    return this.group.write(job, opts);
  }

  /** Waits for queued writes to commit (shutdown, tests). */
  flushWrites(): Promise<void> {
    return this.group.flush();
  }

  private readonly compiled = new Map<string, string | null>();

  /**
   * Runs a hot query (webhook ingest) without rebuilding it: Kysely compiles it once per shape, and
   * later runs reuse the SQL with new parameters. The first compile checks that the parameters come
   * out in the order given; if not, this query is always compiled normally.
   */
  private async hot<R>(
    trx: Trx | Kysely<Database>,
    key: string,
    params: unknown[],
    build: () => Compilable<R>,
  ): Promise<QueryResult<R>> {
    const cached = this.compiled.get(key);
    if (cached) return trx.executeQuery<R>(CompiledQuery.raw(cached, params) as CompiledQuery<R>);
    const query = build().compile();
    if (cached === undefined) {
      const same =
        query.parameters.length === params.length &&
        query.parameters.every((p, i) => p === params[i]);
      this.compiled.set(key, same ? query.sql : null);
    }
    return trx.executeQuery(query);
  }

  /**
   * A write transaction whose call updates become visible in commit order. On PostgreSQL an advisory
   * lock orders writers (so an SSE reader never skips an id that commits later) and NOTIFY tells
   * the other instances; local streams are woken after commit.
   */
  async tx<T>(
    fn: (trx: Trx, notify: Set<string>) => Promise<T>,
    opts: { sync?: boolean } = {},
  ): Promise<T> {
    const notify = new Set<string>();
    // SQLite: one transaction at a time on the one connection, so this one's updates are collected
    // here and handed to the local streams with the wake (they need not read them back).
    const written = this.handle.dialect === 'sqlite' ? new Map<string, CallUpdate[]>() : undefined;
    const result = await this.db.transaction().execute(async (trx) => {
      if (this.handle.dialect === 'pg')
        await sql`select pg_advisory_xact_lock(${ORDER_LOCK})`.execute(trx);
      this.written = written;
      const value = await fn(trx, notify).finally(() => (this.written = undefined));
      if (this.handle.dialect === 'pg') {
        for (const agent of notify)
          await sql`select pg_notify(${NOTIFY_CHANNEL}, ${agent})`.execute(trx);
      }
      return value;
    });
    if (opts.sync !== false) await this.handle.sync();
    for (const agent of notify) this.bus.wake(agent, written?.get(agent));
    if (this.outboxWritten) {
      this.outboxWritten = false;
      for (const fn of this.outboxListeners) fn();
    }
    return result;
  }

  /** Runs `fn` after each commit that wrote outbox rows (the worker delivers at once, not at its next
   * poll); returns the unsubscribe function. */
  onOutboxWritten(fn: () => void): () => void {
    this.outboxListeners.add(fn);
    return () => this.outboxListeners.delete(fn);
  }

  // ---- agents ----

  async insertAgent(agent: NewAgent): Promise<AgentRow> {
    return this.db
      .insertInto('agents')
      .values({ ...agent, last_offered_at: 0 })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  getAgentByName(name: string): Promise<AgentRow | undefined> {
    return this.db.selectFrom('agents').selectAll().where('name', '=', name).executeTakeFirst();
  }

  getAgentByKeyId(keyId: string): Promise<AgentRow | undefined> {
    return this.db.selectFrom('agents').selectAll().where('key_id', '=', keyId).executeTakeFirst();
  }

  async getAgentByVonageUser(
    user: string,
    trx: Trx | Kysely<Database> = this.db,
  ): Promise<AgentRow | undefined> {
    const result = await this.hot(trx, 'agent-by-vonage-user', [user], () =>
      trx.selectFrom('agents').selectAll().where('vonage_user', '=', user),
    );
    return result.rows[0];
  }

  /** Outbound Vonage calls an agent placed since `since` (refusals not counted): the call-rate limit. */
  async countRecentOutbound(
    agent: string,
    since: number,
    trx: Trx | Kysely<Database> = this.db,
  ): Promise<number> {
    const result = await this.hot(
      trx,
      'count-recent-outbound',
      [agent, 'vonage', 'outbound', 'refused', since],
      () =>
        trx
          .selectFrom('calls')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('agent', '=', agent)
          .where('provider', '=', 'vonage')
          .where('direction', '=', 'outbound')
          .where('parent_uuid', 'is', null)
          .where('status', '!=', 'refused')
          .where('created_at', '>', since),
    );
    return Number(result.rows[0]?.n ?? 0);
  }

  /**
   * Holds the agent's row until the transaction ends, so a count and an insert for that agent are
   * one step across instances. PostgreSQL: a row lock (READ COMMITTED then sees the holder's commit).
   * SQLite: one connection per process runs one transaction at a time, and another process's commit
   * in between makes this transaction's write fail (SQLITE_BUSY_SNAPSHOT), never over-count.
   */
  async lockAgent(trx: Trx, agentId: number): Promise<void> {
    if (this.handle.dialect !== 'pg') return;
    await trx.selectFrom('agents').select('id').where('id', '=', agentId).forUpdate().execute();
  }

  listAgents(): Promise<AgentRow[]> {
    return this.db.selectFrom('agents').selectAll().orderBy('name').execute();
  }

  async updateAgent(
    name: string,
    change: Partial<Pick<AgentRow, 'disabled' | 'key_id' | 'key_hash'>>,
  ): Promise<boolean> {
    const result = await this.db
      .updateTable('agents')
      .set({ ...change, version: sql<number>`version + 1` })
      .where('name', '=', name)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  // ---- sessions ----

  async createSession(
    agentId: number,
    tokenHash: string,
    now: number,
    expiresAt: number,
  ): Promise<void> {
    await this.db
      .insertInto('sessions')
      .values({
        token_hash: tokenHash,
        agent_id: agentId,
        created_at: now,
        expires_at: expiresAt,
        revoked_at: null,
      })
      .execute();
    // Expired sessions are useless: prune them on the way.
    await this.db
      .deleteFrom('sessions')
      .where('expires_at', '<', now - 86_400_000)
      .execute();
  }

  async getSession(tokenHash: string, now: number): Promise<AgentSession | undefined> {
    // Hot: every SSE keep-alive and the relay's periodic recheck of each socket run it.
    const result = await this.hot(this.db, 'getSession', [tokenHash, now, 0], () =>
      this.db
        .selectFrom('sessions')
        .innerJoin('agents', 'agents.id', 'sessions.agent_id')
        .selectAll('agents')
        .select(['sessions.expires_at as session_expires_at'])
        .where('sessions.token_hash', '=', tokenHash)
        .where('sessions.revoked_at', 'is', null)
        .where('sessions.expires_at', '>', now)
        .where('agents.disabled', '=', 0),
    );
    const row = result.rows[0];
    if (!row) return undefined;
    const { session_expires_at, ...agent } = row;
    return { agent, expiresAt: session_expires_at };
  }

  /** Whether the agent is signed in somewhere (a session neither expired nor revoked). */
  async hasLiveSession(
    agentId: number,
    now: number,
    trx: Trx | Kysely<Database> = this.db,
  ): Promise<boolean> {
    // Every outbound answer webhook asks: precompiled, as the other queries of the answer path.
    const result = await this.hot(trx, 'has-live-session', [agentId, now, 1], () =>
      trx
        .selectFrom('sessions')
        .select('token_hash')
        .where('agent_id', '=', agentId)
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', now)
        .limit(1),
    );
    return result.rows.length > 0;
  }

  async revokeSession(tokenHash: string, now: number): Promise<void> {
    await this.db
      .updateTable('sessions')
      .set({ revoked_at: now })
      .where('token_hash', '=', tokenHash)
      .execute();
  }

  async revokeAgentSessions(agentId: number, now: number): Promise<void> {
    await this.db
      .updateTable('sessions')
      .set({ revoked_at: now })
      .where('agent_id', '=', agentId)
      .where('revoked_at', 'is', null)
      .execute();
  }

  // ---- live sessions (ending SSE streams at revocation; see liveSessions.ts) ----

  /**
   * Which of these sessions still stand (not revoked, not expired, agent not disabled). Checked a
   * chunk of `LIVE_CHUNK` at a time, one prepared query (a short chunk is padded with its last hash),
   * yielding to I/O between chunks: SQLite answers synchronously, and 2,000 streams checked in one
   * go held the event loop for 8–16 ms every second (a webhook waiting behind them).
   */
  async liveSessionHashes(tokenHashes: string[], now: number): Promise<Set<string>> {
    const live = new Set<string>();
    for (let i = 0; i < tokenHashes.length; i += LIVE_CHUNK) {
      if (i > 0) await yieldToIo();
      const chunk = tokenHashes.slice(i, i + LIVE_CHUNK);
      while (chunk.length < LIVE_CHUNK) chunk.push(chunk[chunk.length - 1]!);
      const result = await this.hot<{ token_hash: string }>(
        this.db,
        'live-session-hashes',
        [...chunk, now, 0],
        () =>
          this.db
            .selectFrom('sessions')
            .innerJoin('agents', 'agents.id', 'sessions.agent_id')
            .select('sessions.token_hash')
            .where('sessions.token_hash', 'in', chunk)
            .where('sessions.revoked_at', 'is', null)
            .where('sessions.expires_at', '>', now)
            .where('agents.disabled', '=', 0),
      );
      for (const row of result.rows) live.add(row.token_hash);
    }
    return live;
  }

  // ---- lines (softphone addresses on the signalling relay; see lines.ts) ----

  /** Binds a line to an agent; false when the line is already bound (to anyone). */
  async insertLine(address: string, agentId: number, now: number): Promise<boolean> {
    const result = await this.db
      .insertInto('lines')
      .values({ address, agent_id: agentId, created_at: now })
      .onConflict((oc) => oc.column('address').doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async deleteLine(address: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('lines')
      .where('address', '=', address)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /** The name of the agent a line is bound to, or undefined when it is unbound. */
  async getLineOwner(address: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('lines')
      .innerJoin('agents', 'agents.id', 'lines.agent_id')
      .select('agents.name')
      .where('lines.address', '=', address)
      .executeTakeFirst();
    return row?.name;
  }

  listLines(): Promise<{ address: string; agent: string }[]> {
    return this.db
      .selectFrom('lines')
      .innerJoin('agents', 'agents.id', 'lines.agent_id')
      .select(['lines.address', 'agents.name as agent'])
      .orderBy('lines.address')
      .execute();
  }

  // ---- webhook replay guard ----

  /**
   * Remembers a webhook token id until `keepUntil`; false when it is already remembered (a replay).
   * The primary key makes this one atomic step on every instance; expired ids are dropped on the way.
   */
  claimJti(jti: string, keepUntil: number, now: number): Promise<boolean> {
    return this.write((trx) => this.claimJtiIn(trx, jti, keepUntil, now), { durable: false });
  }

  /** `claimJti` inside a caller's transaction (the answer webhook claims with its record: one write). */
  async claimJtiIn(trx: Trx, jti: string, keepUntil: number, now: number): Promise<boolean> {
    await this.hot(trx, 'expire-jtis', [now], () =>
      trx.deleteFrom('webhook_jtis').where('expires_at', '<=', now),
    );
    const result = await this.hot(trx, 'claim-jti', [jti, keepUntil], () =>
      trx
        .insertInto('webhook_jtis')
        .values({ jti, expires_at: keepUntil })
        .onConflict((oc) => oc.column('jti').doNothing()),
    );
    return Number(result.numAffectedRows ?? 0) > 0;
  }

  // ---- calls ----

  /** A call record by its uuid: read on every webhook and call change, so precompiled. */
  async getCall(uuid: string, trx: Trx | Kysely<Database> = this.db): Promise<CallRow | undefined> {
    const result = await this.hot<CallRow>(trx, 'call-by-uuid', [uuid], () =>
      trx.selectFrom('calls').selectAll().where('uuid', '=', uuid),
    );
    return result.rows[0];
  }

  /** The agent's call the extension knows by its own id (a Vonage call's record has Vonage's uuid). */
  getCallByClientId(
    agent: string,
    clientCallId: string,
    trx: Trx | Kysely<Database> = this.db,
  ): Promise<CallRow | undefined> {
    return trx
      .selectFrom('calls')
      .selectAll()
      .where('agent', '=', agent)
      .where('client_call_id', '=', clientCallId)
      .where('parent_uuid', 'is', null)
      .orderBy('created_at', 'desc')
      .executeTakeFirst();
  }

  /**
   * Reads a call record, lets `change` compute the next one, writes it, and appends a call update for
   * every interested agent when what they see changed. `change` returns null to leave it as is.
   */
  async changeCall(
    trx: Trx,
    notify: Set<string>,
    uuid: string,
    change: (prev: CallRow | undefined) => NewCall | null,
    alsoNotify: (string | null | undefined)[] = [],
    /** The current row, when the caller has just read it in this transaction. */
    known?: { prev: CallRow | undefined },
  ): Promise<NewCall | CallRow | undefined> {
    const prev = known ? known.prev : await this.getCall(uuid, trx);
    const next = change(prev);
    if (!next) return prev;
    if (prev) {
      const { uuid: _uuid, ...rest } = next;
      await this.hot(
        trx,
        `update-call:${Object.keys(rest).join()}`,
        [...Object.values(rest), uuid],
        () => trx.updateTable('calls').set(rest).where('uuid', '=', uuid),
      );
    } else {
      await this.hot(trx, `insert-call:${Object.keys(next).join()}`, Object.values(next), () =>
        trx.insertInto('calls').values(next),
      );
    }
    // What is stored now: `next` may leave columns out (a wrap-up saved during the call stays).
    const row = prev ? { ...prev, ...next } : next;
    // The one hook for outgoing webhooks: the event commits with the final status (see outbox below).
    if (
      !next.parent_uuid &&
      FINAL_STATUSES.has(next.status) &&
      !FINAL_STATUSES.has(prev?.status ?? '')
    )
      await this.enqueueCallEvent(trx, 'call.completed', row);
    // Presence: a call that starts or ends changes who is on a call and who waited longest.
    const ended = FINAL_STATUSES.has(next.status) && !FINAL_STATUSES.has(prev?.status ?? '');
    if (!next.parent_uuid && next.agent && (ended || !prev)) {
      if (ended) await markCallEnded(trx, next.agent, Date.now());
      notify.add(PRESENCE_TOPIC);
    }
    const view = toCallView(row);
    if (prev && JSON.stringify(toCallView(prev)) === JSON.stringify(view)) return next;
    const data = JSON.stringify(view);
    for (const agent of new Set([next.agent, ...alsoNotify])) {
      if (!agent) continue;
      const update = { agent, call_uuid: uuid, data, created_at: next.updated_at };
      const inserted = await this.hot(trx, 'insert-update', Object.values(update), () =>
        trx.insertInto('call_updates').values(update),
      );
      notify.add(agent);
      if (this.written && inserted.insertId !== undefined) {
        const list = this.written.get(agent) ?? [];
        list.push({ id: Number(inserted.insertId), data });
        this.written.set(agent, list);
      }
    }
    return next;
  }

  async listCalls(opts: {
    agent: string | null;
    limit: number;
    cursor?: { createdAt: number; uuid: string };
  }): Promise<CallsPage> {
    let query = this.db.selectFrom('calls').selectAll().where('parent_uuid', 'is', null);
    if (opts.agent !== null) query = query.where('agent', '=', opts.agent);
    const cursor = opts.cursor;
    if (cursor) {
      query = query.where((eb) =>
        eb.or([
          eb('created_at', '<', cursor.createdAt),
          eb.and([eb('created_at', '=', cursor.createdAt), eb('uuid', '<', cursor.uuid)]),
        ]),
      );
    }
    const rows = await query
      .orderBy('created_at', 'desc')
      .orderBy('uuid', 'desc')
      .limit(opts.limit + 1)
      .execute();
    const page = rows.slice(0, opts.limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toCallView),
      nextCursor: rows.length > opts.limit && last ? encodeCursor(last) : null,
    };
  }

  /** The agent a call record names, if it names one. */
  agentOfCall(trx: Trx, uuid: string): Promise<AgentRow | undefined> {
    return trx
      .selectFrom('calls')
      .innerJoin('agents', 'agents.name', 'calls.agent')
      .selectAll('agents')
      .where('calls.uuid', '=', uuid)
      .executeTakeFirst();
  }

  /** Inserts a call record unless one with its uuid exists (no call update: nobody watches it yet). */
  async insertCallIfAbsent(trx: Trx, record: NewCall): Promise<void> {
    await trx
      .insertInto('calls')
      .values(record)
      .onConflict((oc) => oc.column('uuid').doNothing())
      .execute();
  }

  /** Picks an agent for an inbound Vonage call (signed in, Available, not on a call, longest idle). */
  async pickInboundAgent(trx: Trx, now: number): Promise<AgentRow | undefined> {
    const agent = await trx
      .selectFrom('agents')
      .selectAll()
      .where('disabled', '=', 0)
      .where('vonage_user', 'is not', null)
      .where(({ exists, selectFrom }) =>
        exists(
          selectFrom('sessions')
            .select('sessions.token_hash')
            .whereRef('sessions.agent_id', '=', 'agents.id')
            .where('sessions.expires_at', '>', now)
            .where('sessions.revoked_at', 'is', null),
        ),
      )
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('calls')
              .select('calls.uuid')
              .whereRef('calls.agent', '=', 'agents.name')
              // The call (first leg) has the whole conversation's status; a second leg whose final
              // event is lost must not keep the agent busy.
              .where('calls.parent_uuid', 'is', null)
              .where('calls.status', 'in', [...ACTIVE_STATUSES])
              .where('calls.updated_at', '>', now - STALE_ACTIVE_MS),
          ),
        ),
      )
      // Only Available agents with a heartbeat; the one free the longest first (docs/calls.md).
      .where(routable(now))
      .orderBy(idleSince(this.handle.dialect))
      .orderBy('last_offered_at')
      .orderBy('id')
      .limit(1)
      .executeTakeFirst();
    if (agent) {
      await trx
        .updateTable('agents')
        .set({ last_offered_at: now })
        .where('id', '=', agent.id)
        .execute();
    }
    return agent;
  }

  // ---- call updates (live status) ----

  /** Drops live-status history older than `maxAgeMs` (streams resume within that window). */
  async pruneUpdates(now: number, maxAgeMs = 7 * 86_400_000): Promise<number> {
    const result = await this.db
      .deleteFrom('call_updates')
      .where('created_at', '<', now - maxAgeMs)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** An agent's call updates after `afterId`: each live stream's read on every wake, so precompiled. */
  async updatesSince(agent: string, afterId: number, limit = 500) {
    const result = await this.hot<{ id: number; data: string }>(
      this.db,
      'updates-since',
      [agent, afterId, limit],
      () =>
        this.db
          .selectFrom('call_updates')
          .select(['id', 'data'])
          .where('agent', '=', agent)
          .where('id', '>', afterId)
          .orderBy('id')
          .limit(limit),
    );
    return result.rows;
  }

  // ---- Vonage events ----

  /** Stores one event, once: a repeated delivery (same dedupe key) changes nothing. Use with write(). */
  async ingestEvent(trx: Trx, notify: Set<string>, event: VonageEvent): Promise<void> {
    const body = event.body;
    const row = {
      dedupe_key: event.dedupeKey,
      uuid: str(body.uuid),
      conversation_uuid: str(body.conversation_uuid),
      status: str(body.status),
      received_at: event.receivedAt,
      body: event.raw,
    };
    const result = await this.hot(trx, 'insert-event', Object.values(row), () =>
      trx
        .insertInto('vonage_events')
        .values(row)
        .onConflict((oc) => oc.column('dedupe_key').doNothing())
        .returning('id'),
    );
    const inserted = result.rows.length > 0;
    if (inserted) await this.applyVonageEvent(trx, notify, event);
  }

  /** Stores events durably (group commit with concurrent writers). */
  async ingestEvents(events: VonageEvent[]): Promise<void> {
    await Promise.all(
      events.map((event) => this.write((trx, notify) => this.ingestEvent(trx, notify, event))),
    );
  }

  /**
   * Applies an event to its leg's own state (call_legs), keeps the leg's row for a second leg, and
   * derives the conversation's call record from all its legs (docs/calls.md).
   */
  private async applyVonageEvent(trx: Trx, notify: Set<string>, event: VonageEvent): Promise<void> {
    const body = event.body;
    const uuid = str(body.uuid);
    if (!uuid || !str(body.status)) return; // record/input/transfer events: stored, no call change
    const conversation = str(body.conversation_uuid);
    const existing = await this.getCall(uuid, trx);
    const prevLeg = (await this.getLeg(trx, uuid)) ?? existing;
    let parent: CallRow | undefined;
    if (!prevLeg && conversation) {
      parent = await trx
        .selectFrom('calls')
        .selectAll()
        .where('conversation_uuid', '=', conversation)
        .where('parent_uuid', 'is', null)
        .orderBy('created_at')
        .limit(1)
        .executeTakeFirst();
    }
    const leg = recordAfterEvent(prevLeg, body, parent, event.receivedAt);
    const callUuid = leg.parent_uuid ?? uuid;
    await this.putLeg(trx, leg, callUuid);
    let root: NewCall | undefined = leg;
    if (leg.parent_uuid) {
      // The second leg keeps a row of its own (not in history: it has a parent).
      await this.changeCall(trx, notify, uuid, () => leg, [], { prev: existing });
      root = await this.getLeg(trx, callUuid);
      if (!root) {
        // No event for the first leg yet: its own state is the record the answer webhook wrote.
        root = await this.getCall(callUuid, trx);
        if (root) await this.putLeg(trx, root, callUuid);
      }
    }
    if (!root) return;
    const children = await this.legsOf(trx, callUuid);
    // A wrap-up or a caller's name saved during the call stays: no leg event decides them.
    const call = withoutRecordOnly(deriveCall(root, children));
    await this.changeCall(
      trx,
      notify,
      callUuid,
      () => call,
      [],
      leg.parent_uuid ? undefined : { prev: existing },
    );
  }

  private async getLeg(trx: Trx, uuid: string): Promise<NewCall | undefined> {
    const row = (
      await this.hot(trx, 'select-leg', [uuid], () =>
        trx.selectFrom('call_legs').select('state').where('uuid', '=', uuid),
      )
    ).rows[0];
    return row ? (JSON.parse(row.state) as NewCall) : undefined;
  }

  private async putLeg(trx: Trx, leg: NewCall, callUuid: string): Promise<void> {
    const row = { uuid: leg.uuid, call_uuid: callUuid, state: JSON.stringify(leg) };
    await this.hot(trx, 'upsert-leg', [row.uuid, row.call_uuid, row.state, row.state], () =>
      trx
        .insertInto('call_legs')
        .values(row)
        .onConflict((oc) => oc.column('uuid').doUpdateSet({ state: row.state })),
    );
  }

  /** The legs a call's `connect` created (every leg of its conversation but the first). */
  private async legsOf(trx: Trx, callUuid: string): Promise<NewCall[]> {
    const rows = await trx
      .selectFrom('call_legs')
      .select('state')
      .where('call_uuid', '=', callUuid)
      .where('uuid', '!=', callUuid)
      .execute();
    return rows.map((r) => JSON.parse(r.state) as NewCall);
  }

  countEvents(): Promise<number> {
    return this.db
      .selectFrom('vonage_events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
      .then((r) => Number(r.n));
  }

  // ==== outgoing webhooks (backend/outbox/) and the CSV export: their queries, kept together ====

  /**
   * Writes one event per registered endpoint into the outbox, inside the caller's transaction (so the
   * event exists exactly when the change that caused it committed). No endpoints: nothing written.
   */
  async enqueueCallEvent(trx: Trx, type: CallEventType, row: CallRow | NewCall): Promise<void> {
    const endpoints = await this.hot(trx, 'outbox-endpoints', [], () =>
      trx.selectFrom('webhook_endpoints').select('id'),
    );
    if (endpoints.rows.length === 0) return;
    const legs = await trx
      .selectFrom('calls')
      .selectAll()
      .where('parent_uuid', '=', row.uuid)
      .orderBy('created_at')
      .execute();
    const now = Date.now();
    const event = callEvent(type, toCallView(row), legs.map(toCallView), now);
    await trx
      .insertInto('outbox')
      .values(
        endpoints.rows.map((e) => ({
          endpoint_id: e.id,
          event_id: event.id,
          type,
          call_uuid: row.uuid,
          body: event.body,
          created_at: now,
          next_attempt_at: now,
        })),
      )
      .execute();
    this.outboxWritten = true;
  }

  /** `call.updated` for a stored call (its notes were edited); false when there is no such call. */
  async enqueueCallUpdated(trx: Trx, uuid: string): Promise<boolean> {
    const row = await trx
      .selectFrom('calls')
      .selectAll()
      .where('uuid', '=', uuid)
      .executeTakeFirst();
    if (!row) return false;
    await this.enqueueCallEvent(trx, 'call.updated', row);
    return true;
  }

  async insertWebhookEndpoint(
    url: string,
    secret: string,
    now: number,
  ): Promise<WebhookEndpointRow> {
    return this.db
      .insertInto('webhook_endpoints')
      .values({ url, secret, created_at: now, last_error: null, last_error_at: null })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  getWebhookEndpoint(id: number): Promise<WebhookEndpointRow | undefined> {
    return this.db
      .selectFrom('webhook_endpoints')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
  }

  /** Removes an endpoint and its undelivered events. */
  async deleteWebhookEndpoint(id: number): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('outbox').where('endpoint_id', '=', id).execute();
      const result = await trx
        .deleteFrom('webhook_endpoints')
        .where('id', '=', id)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    });
  }

  /** Endpoints with their outbox counts per state. */
  async listWebhookEndpoints(): Promise<
    (WebhookEndpointRow & { delivered: number; failed: number; pending: number })[]
  > {
    const endpoints = await this.db
      .selectFrom('webhook_endpoints')
      .selectAll()
      .orderBy('id')
      .execute();
    const counts = await this.db
      .selectFrom('outbox')
      .select(['endpoint_id', 'state', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy(['endpoint_id', 'state'])
      .execute();
    const count = (id: number, state: string) =>
      Number(counts.find((c) => c.endpoint_id === id && c.state === state)?.n ?? 0);
    return endpoints.map((e) => ({
      ...e,
      delivered: count(e.id, 'delivered'),
      failed: count(e.id, 'failed'),
      pending: count(e.id, 'pending'),
    }));
  }

  /**
   * Leases up to `limit` due events: pending, not leased by a live worker, and the oldest pending one
   * of their call for their endpoint (in order per call). One statement, so two workers never lease
   * the same row; PostgreSQL skips rows another instance is claiming (`FOR UPDATE SKIP LOCKED`).
   */
  async claimOutbox(now: number, leaseMs: number, limit: number): Promise<OutboxRow[]> {
    const lock = this.handle.dialect === 'pg' ? sql`for update skip locked` : sql``;
    const result = await sql<OutboxRow>`
      update outbox set lease_until = ${now + leaseMs}, attempts = attempts + 1,
        first_attempt_at = coalesce(first_attempt_at, ${now})
      where id in (
        select o.id from outbox o
        where o.state = 'pending' and o.next_attempt_at <= ${now} and o.lease_until < ${now}
          and not exists (
            select 1 from outbox p
            where p.endpoint_id = o.endpoint_id and p.call_uuid = o.call_uuid
              and p.state = 'pending' and p.id < o.id
          )
        order by o.id
        limit ${limit}
        ${lock}
      )
      returning *`.execute(this.db);
    return result.rows.sort((a, b) => a.id - b.id);
  }

  async markOutboxDelivered(ids: number[], now: number): Promise<void> {
    for (let i = 0; i < ids.length; i += 500)
      await this.db
        .updateTable('outbox')
        .set({ state: 'delivered', done_at: now, lease_until: 0, last_error: null })
        .where('id', 'in', ids.slice(i, i + 500))
        .execute();
  }

  /** A failed attempt: retry at `retryAt`, or give up (`retryAt` null). */
  async markOutboxAttemptFailed(
    row: Pick<OutboxRow, 'id' | 'endpoint_id'>,
    error: string,
    retryAt: number | null,
    now: number,
  ): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('outbox')
        .set(
          retryAt === null
            ? { state: 'failed', done_at: now, lease_until: 0, last_error: error }
            : { next_attempt_at: retryAt, lease_until: 0, last_error: error },
        )
        .where('id', '=', row.id)
        .execute();
      await trx
        .updateTable('webhook_endpoints')
        .set((eb) => ({
          last_error: error,
          last_error_at: now,
          failed_attempts: eb('failed_attempts', '+', 1),
        }))
        .where('id', '=', row.endpoint_id)
        .execute();
    });
  }

  /** Drops delivered and given-up events older than `maxAgeMs`. */
  async pruneOutbox(now: number, maxAgeMs = 7 * 86_400_000): Promise<number> {
    const result = await this.db
      .deleteFrom('outbox')
      .where('state', '!=', 'pending')
      .where('done_at', '<', now - maxAgeMs)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /**
   * Call records for the export, oldest first, read in pages of `pageSize` (keyset on created_at,
   * uuid) so the export never holds more than one page.
   */
  async *exportCalls(filter: {
    agent: string | null;
    from?: number;
    to?: number;
    statuses?: string[];
    pageSize?: number;
  }): AsyncGenerator<CallRow> {
    const pageSize = filter.pageSize ?? 500;
    let after: { created_at: number; uuid: string } | undefined;
    for (;;) {
      let query = this.db.selectFrom('calls').selectAll().where('parent_uuid', 'is', null);
      if (filter.agent !== null) query = query.where('agent', '=', filter.agent);
      if (filter.from !== undefined) query = query.where('created_at', '>=', filter.from);
      if (filter.to !== undefined) query = query.where('created_at', '<', filter.to);
      if (filter.statuses?.length) query = query.where('status', 'in', filter.statuses);
      const cursor = after;
      if (cursor) {
        query = query.where((eb) =>
          eb.or([
            eb('created_at', '>', cursor.created_at),
            eb.and([eb('created_at', '=', cursor.created_at), eb('uuid', '>', cursor.uuid)]),
          ]),
        );
      }
      const rows = await query.orderBy('created_at').orderBy('uuid').limit(pageSize).execute();
      for (const row of rows) yield row;
      if (rows.length < pageSize) return;
      after = rows[rows.length - 1];
    }
  }
}
