// The admin History's queries: everyone's calls filtered and searched, in keyset pages on
// (created_at, uuid), and one call's detail (legs, Vonage events, live updates).
import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../db/dialect';
import type { CallRow, Database } from '../db/schema';

export interface HistoryFilter {
  /** Free text: contact name, numbers (from/to), notes or agent contain it. */
  q?: string;
  agent?: string;
  direction?: 'inbound' | 'outbound';
  statuses?: string[];
  /** The wrap-up's outcome (disposition). */
  outcome?: string;
  /** Epoch ms, inclusive. */
  from?: number;
  /** Epoch ms, exclusive. */
  to?: number;
}

export interface HistoryCursor {
  createdAt: number;
  uuid: string;
}

/** A history row: the call record and who it was with, as the table shows it. */
export interface HistoryItem {
  uuid: string;
  createdAt: number;
  agent: string | null;
  direction: string;
  status: string;
  from: string | null;
  to: string | null;
  contactName: string | null;
  duration: number | null;
  answeredAt: number | null;
  disposition: string | null;
  notes: string | null;
}

export interface HistoryPage {
  items: HistoryItem[];
  /** The next (older) page; null on the last. */
  nextCursor: string | null;
  /** The previous (newer) page; null on the first. */
  prevCursor: string | null;
}

export function encodeHistoryCursor(c: HistoryCursor): string {
  return Buffer.from(JSON.stringify([c.createdAt, c.uuid])).toString('base64url');
}

export function decodeHistoryCursor(text: string): HistoryCursor | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      Number.isSafeInteger(value[0]) &&
      typeof value[1] === 'string' &&
      value[1].length <= 200
    )
      return { createdAt: value[0] as number, uuid: value[1] };
  } catch {
    // fall through
  }
  return null;
}

function item(row: CallRow): HistoryItem {
  return {
    uuid: row.uuid,
    createdAt: row.created_at,
    agent: row.agent,
    direction: row.direction,
    status: row.status,
    from: row.from_addr,
    to: row.to_addr,
    contactName: row.contact_name ?? null,
    duration: row.duration,
    answeredAt: row.answered_at,
    disposition: row.disposition ?? null,
    notes: row.notes ?? null,
  };
}

const SEARCHED = ['contact_name', 'from_addr', 'to_addr', 'notes', 'agent'] as const;

/** `%`, `_` and the escape itself taken literally in a LIKE pattern (ESCAPE '\'). */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
}

/**
 * One page of top-level calls, newest first. `after` pages on to older calls, `before` back to newer
 * ones; both use the (created_at, uuid) order, so ties in created_at neither repeat nor skip a call.
 */
export async function historyPage(
  db: Kysely<Database>,
  dialect: Dialect,
  filter: HistoryFilter,
  opts: { limit: number; after?: HistoryCursor; before?: HistoryCursor },
): Promise<HistoryPage> {
  let query = db.selectFrom('calls').selectAll().where('parent_uuid', 'is', null);
  if (filter.agent !== undefined) query = query.where('agent', '=', filter.agent);
  if (filter.direction !== undefined) query = query.where('direction', '=', filter.direction);
  if (filter.statuses?.length) query = query.where('status', 'in', filter.statuses);
  if (filter.outcome !== undefined) query = query.where('disposition', '=', filter.outcome);
  if (filter.from !== undefined) query = query.where('created_at', '>=', filter.from);
  if (filter.to !== undefined) query = query.where('created_at', '<', filter.to);
  if (filter.q) {
    // SQLite's LIKE ignores ASCII case; PostgreSQL's ILIKE does the same (and more).
    // SQLite has no default LIKE escape character: name it for both.
    const op = sql.raw(dialect === 'pg' ? 'ilike' : 'like');
    const pattern = likePattern(filter.q);
    query = query.where((eb) =>
      eb.or(
        SEARCHED.map((column) => sql<boolean>`${sql.ref(column)} ${op} ${pattern} escape '\\'`),
      ),
    );
  }
  const { after, before } = opts;
  // A row-value comparison, not an OR of two: both engines seek the (created_at, uuid) index to it,
  // so page 1000 costs what page 1 does.
  if (after)
    query = query.where((eb) =>
      eb(eb.refTuple('created_at', 'uuid'), '<', eb.tuple(after.createdAt, after.uuid)),
    );
  if (before)
    query = query.where((eb) =>
      eb(eb.refTuple('created_at', 'uuid'), '>', eb.tuple(before.createdAt, before.uuid)),
    );
  const direction = before ? 'asc' : 'desc';
  const rows = await query
    .orderBy('created_at', direction)
    .orderBy('uuid', direction)
    .limit(opts.limit + 1)
    .execute();
  const more = rows.length > opts.limit;
  const page = rows.slice(0, opts.limit);
  if (before) page.reverse();
  const first = page[0];
  const last = page[page.length - 1];
  const cursor = (row: CallRow) =>
    encodeHistoryCursor({ createdAt: row.created_at, uuid: row.uuid });
  // Going back, "more" means newer calls exist; going on (or from the top), older ones.
  const hasOlder = before ? true : more;
  const hasNewer = before ? more : !!after;
  return {
    items: page.map(item),
    nextCursor: hasOlder && last ? cursor(last) : null,
    prevCursor: hasNewer && first ? cursor(first) : null,
  };
}

export interface CallDetail {
  call: HistoryItem & {
    provider: string;
    reason: string | null;
    conversationUuid: string | null;
    startedAt: number | null;
    endedAt: number | null;
    answeredBy: string | null;
    extension: string | null;
    pageUrl: string | null;
    pageTitle: string | null;
    followUpOn: string | null;
    wrapupBy: string | null;
    wrapupAt: number | null;
    price: string | null;
  };
  legs: {
    uuid: string;
    status: string | null;
    from: string | null;
    to: string | null;
    answeredAt: number | null;
    endedAt: number | null;
  }[];
  /** What happened, oldest first: Vonage's events for the conversation, then the backend's updates. */
  timeline: {
    at: number;
    source: 'vonage' | 'update';
    status: string | null;
    leg: string | null;
  }[];
}

const TIMELINE_LIMIT = 500;

function parse(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);

/** A call's detail, or undefined when there is no top-level call with that id. */
export async function callDetail(
  db: Kysely<Database>,
  uuid: string,
): Promise<CallDetail | undefined> {
  const row = await db
    .selectFrom('calls')
    .selectAll()
    .where('uuid', '=', uuid)
    .where('parent_uuid', 'is', null)
    .executeTakeFirst();
  if (!row) return undefined;
  const legs = await db
    .selectFrom('call_legs')
    .select(['uuid', 'state'])
    .where('call_uuid', '=', uuid)
    .orderBy('uuid')
    .execute();
  const events = row.conversation_uuid
    ? await db
        .selectFrom('vonage_events')
        .select(['uuid', 'status', 'received_at'])
        .where('conversation_uuid', '=', row.conversation_uuid)
        .orderBy('received_at')
        .orderBy('id')
        .limit(TIMELINE_LIMIT)
        .execute()
    : [];
  const updates = await db
    .selectFrom('call_updates')
    .select(['data', 'created_at'])
    .where('call_uuid', '=', uuid)
    .orderBy('id')
    .limit(TIMELINE_LIMIT)
    .execute();
  const timeline: CallDetail['timeline'] = [
    ...events.map((e) => ({
      at: e.received_at,
      source: 'vonage' as const,
      status: e.status,
      leg: e.uuid,
    })),
    ...updates.map((u) => ({
      at: u.created_at,
      source: 'update' as const,
      status: str(parse(u.data).status),
      leg: null,
    })),
  ].sort((a, b) => a.at - b.at);
  return {
    call: {
      ...item(row),
      provider: row.provider,
      reason: row.reason,
      conversationUuid: row.conversation_uuid,
      startedAt: row.started_at,
      endedAt: row.ended_at,
      answeredBy: row.answered_by,
      extension: row.extension ?? null,
      pageUrl: row.page_url ?? null,
      pageTitle: row.page_title ?? null,
      followUpOn: row.follow_up_on ?? null,
      wrapupBy: row.wrapup_by ?? null,
      wrapupAt: row.wrapup_at ?? null,
      price: row.price,
    },
    legs: legs.map((leg) => {
      const state = parse(leg.state);
      return {
        uuid: leg.uuid,
        status: str(state.status),
        from: str(state.from_addr),
        to: str(state.to_addr),
        answeredAt: num(state.answered_at),
        endedAt: num(state.ended_at),
      };
    }),
    timeline,
  };
}
