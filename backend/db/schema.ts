// Table types shared by both engines (SQLite and PostgreSQL). Times are epoch milliseconds.
import type { Generated, Insertable, Selectable } from 'kysely';

export interface AgentTable {
  id: Generated<number>;
  name: string;
  key_id: string;
  key_hash: string;
  admin: number;
  disabled: number;
  vonage_user: string | null;
  cuid: string | null;
  created_at: number;
  /** Last time the agent was offered an inbound call (routing: longest idle first). */
  last_offered_at: number;
  /** Bumped on every admin change: the console's ETag (If-Match) against conflicting edits. */
  version: Generated<number>;
}

export interface SessionTable {
  token_hash: string;
  agent_id: number;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
}

export interface VonageEventTable {
  id: Generated<number>;
  dedupe_key: string;
  uuid: string | null;
  conversation_uuid: string | null;
  status: string | null;
  received_at: number;
  body: string;
}

export type CallDirection = 'inbound' | 'outbound';
export type CallProvider = 'vonage' | 'builtin' | 'clevertap';

export interface CallTable {
  uuid: string;
  provider: CallProvider;
  agent: string | null;
  direction: CallDirection;
  from_addr: string | null;
  to_addr: string | null;
  status: string;
  reason: string | null;
  conversation_uuid: string | null;
  /** The leg this one belongs to (the call as the agent sees it), for Vonage's second leg. */
  parent_uuid: string | null;
  created_at: number;
  started_at: number | null;
  answered_at: number | null;
  /** Who answered: for Vonage, the agent (inbound) or the callee's number or app user (outbound). */
  answered_by: string | null;
  ended_at: number | null;
  duration: number | null;
  price: string | null;
  rate: string | null;
  network: string | null;
  updated_at: number;
  /** The CRM row's display name the agent called from, or the caller's name once known. */
  contact_name?: string | null;
  /** The dialled number's extension (digits sent after the call connects). */
  extension?: string | null;
  /** The CRM page the call was placed from. */
  page_url?: string | null;
  page_title?: string | null;
  /** The extension's own call id when it differs from `uuid` (Vonage calls), for the wrap-up. */
  client_call_id?: string | null;
  /** Wrap-up: the outcome chosen from the admin's disposition list, notes, a follow-up date. */
  disposition?: string | null;
  notes?: string | null;
  /** `YYYY-MM-DD`. */
  follow_up_on?: string | null;
  wrapup_by?: string | null;
  wrapup_at?: number | null;
}

/** A softphone line (`tel:` or `contact:` address) and the one agent allowed to register it. */
export interface LineTable {
  address: string;
  agent_id: number;
  created_at: number;
}

export interface CallUpdateTable {
  id: Generated<number>;
  agent: string;
  call_uuid: string;
  data: string;
  created_at: number;
}

/** A signed answer webhook's `jti`, kept until its token would be refused as too old. */
export interface WebhookJtiTable {
  jti: string;
  expires_at: number;
}

/** A Vonage leg's own state (a call record of that leg alone), keyed to its conversation's call. */
export interface CallLegTable {
  uuid: string;
  /** The call (first leg) it belongs to. */
  call_uuid: string;
  /** JSON of the leg's record. */
  state: string;
}

export interface Database {
  agents: AgentTable;
  sessions: SessionTable;
  vonage_events: VonageEventTable;
  calls: CallTable;
  call_updates: CallUpdateTable;
  lines: LineTable;
  webhook_jtis: WebhookJtiTable;
  call_legs: CallLegTable;
}

export type AgentRow = Selectable<AgentTable>;
export type CallRow = Selectable<CallTable>;
export type NewCall = Insertable<CallTable>;

// ---- outgoing webhooks (backend/outbox/): endpoints and the durable outbox ----

export interface WebhookEndpointTable {
  id: Generated<number>;
  url: string;
  /** The HMAC key (the receiver holds the same); needed in clear to sign. */
  secret: string;
  created_at: number;
  last_error: string | null;
  last_error_at: number | null;
  failed_attempts: Generated<number>;
}

/** One event for one endpoint: `pending` until `delivered`, or `failed` after the retry window. */
export interface OutboxTable {
  id: Generated<number>;
  endpoint_id: number;
  /** The idempotency key: the same for every attempt and every endpoint of one event. */
  event_id: string;
  type: string;
  call_uuid: string;
  body: string;
  created_at: number;
  state: Generated<string>;
  attempts: Generated<number>;
  next_attempt_at: number;
  /** Until when a worker holds the row (0: nobody); a crashed worker's rows come back after it. */
  lease_until: Generated<number>;
  first_attempt_at: number | null;
  done_at: number | null;
  last_error: string | null;
}

// Declaration merging keeps these tables out of the interface above (one block per feature).
export interface Database {
  webhook_endpoints: WebhookEndpointTable;
  outbox: OutboxTable;
}

export type WebhookEndpointRow = Selectable<WebhookEndpointTable>;
export type OutboxRow = Selectable<OutboxTable>;

// ---- the admin console (backend/admin/): console sessions and the append-only audit log ----

/** A console sign-in: cookie-held, separate from the extension's bearer sessions. */
export interface AdminSessionTable {
  token_hash: string;
  agent_id: number;
  /** The synchronizer token the page sends back as X-CSRF-Token on every change. */
  csrf_token: string;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
  revoked_at: number | null;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: number;
  actor: string;
  source: string;
  action: string;
  target: string | null;
  /** JSON, never a secret or key. */
  detail: string | null;
}

export interface Database {
  admin_sessions: AdminSessionTable;
  audit_log: AuditLogTable;
}

export type AdminSessionRow = Selectable<AdminSessionTable>;
export type AuditLogRow = Selectable<AuditLogTable>;

// ---- presence (backend/presence.ts): columns 0070 adds to agents ----

export interface AgentTable {
  /** What the agent chose: `available`, `away` or `dnd` (src/contract/presence.ts). */
  presence: Generated<string>;
  /** When `presence` last changed. */
  presence_at: Generated<number>;
  /** The agent's last presence heartbeat; null if its extension never sent one. */
  seen_at: number | null;
  /** When the agent's last call ended (longest idle first). */
  last_call_ended_at: Generated<number>;
  /**
   * 0110: when the agent's signalling connection closed and did not come back within the grace
   * (offline since then); null while connected or heard from since.
   */
  gone_at: number | null;
}

/** A new agent's own columns (the rest have defaults). */
export type NewAgent = Omit<
  AgentRow,
  | 'id'
  | 'last_offered_at'
  | 'version'
  | 'presence'
  | 'presence_at'
  | 'seen_at'
  | 'last_call_ended_at'
  | 'gone_at'
>;

// ---- wrap-up (backend/calls/dispositions.ts): the admin's outcome list and its settings ----

export interface DispositionTable {
  label: string;
  /** Order in the list agents see, from 0. */
  position: number;
}

/** Wrap-up settings by key (`require_outcome`: `1` or `0`). */
export interface WrapupSettingTable {
  key: string;
  value: string;
}

export interface Database {
  dispositions: DispositionTable;
  wrapup_settings: WrapupSettingTable;
}

// ---- reports' roll-ups (backend/db/callStatsTables.ts): top-level calls per UTC hour ----

export interface CallStatsHourlyTable {
  /** floor(created_at / 3,600,000). */
  hour: number;
  /** The call's agent, `''` for none. */
  agent: string;
  calls: number;
  answered: number;
  /** Seconds talked on answered calls. */
  talk_seconds: number;
}

export interface CallOutcomesHourlyTable {
  hour: number;
  /** The wrap-up outcome, else the status. */
  outcome: string;
  calls: number;
}

export interface Database {
  call_stats_hourly: CallStatsHourlyTable;
  call_outcomes_hourly: CallOutcomesHourlyTable;
}
