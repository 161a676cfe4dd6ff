// The answer webhook's decisions: who may call what, which agent takes an inbound call, the NCCO
// Vonage runs, and the call record each answer leaves.
import type { VonageConfig } from '../config';
import type { NewCall } from '../db/schema';
import type { Store } from '../db/store';
import { withDirectoryName } from '../directory/store';
import { vonageCallContextSchema, vonageRecordDataSchema } from '../../src/call/vonageContext';
import { checkDestination, type DestinationPolicy } from './destination';
import { newCallRecord } from './records';
import { FINAL_STATUSES } from './status';
import { CONTACT_ID as CONTACT } from '../../src/contract/ids';

export type NccoAction = Record<string, unknown>;

/** What the answer webhook carries (query string or JSON body), already validated. */
export interface AnswerParams {
  uuid: string;
  conversation_uuid?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  from_user?: string | undefined;
  custom_data?: unknown;
}

/** The answer webhook's token id: claimed in the answer's own transaction, so a replay writes nothing. */
export interface ReplayGuard {
  jti: string;
  keepUntil: number;
}

export interface AnswerContext {
  store: Store;
  vonage: VonageConfig;
  destinations: DestinationPolicy;
  /** Where Vonage sends the connected leg's events. */
  eventUrl: string;
  replayGuard?: ReplayGuard;
}

type CallFields = Pick<NewCall, 'direction' | 'agent' | 'from_addr' | 'to_addr'> &
  Partial<
    Pick<NewCall, 'extension' | 'contact_name' | 'page_url' | 'page_title' | 'client_call_id'>
  >;

export type AnswerOutcome =
  | { kind: 'connect'; ncco: NccoAction[]; call: CallFields }
  | { kind: 'refuse'; code: string; ncco: NccoAction[]; call: CallFields };
/** The webhook's token was seen before: nothing was decided or written. */
export const REPLAYED = { kind: 'replayed' } as const;
export type Replayed = typeof REPLAYED;
type Trx = Parameters<Parameters<Store['write']>[0]>[0];

/**
 * The answer webhook must reply quickly: its call record is committed (visible to every reader and
 * to the next webhook) before the NCCO goes out, but the reply does not wait for the fsync. Each
 * answer is ONE write (token claim, decision and record together): under signalling load every
 * write waits its turn in the group commit, so a second one would double the answer's wait; and
 * it is urgent: it goes ahead of the relay's queued call-record writes.
 */
const ANSWER_WRITE = { durable: false, urgent: true } as const;

/** Claims the webhook token in `trx`; false for a replay (the caller then writes nothing). */
function claimToken(ctx: AnswerContext, trx: Trx, now: number): Promise<boolean> | boolean {
  const guard = ctx.replayGuard;
  return !guard || ctx.store.claimJtiIn(trx, guard.jti, guard.keepUntil, now);
}

/** Records an outcome decided without the database (a refusal) in one write with the token claim. */
function recordOutcome(
  ctx: AnswerContext,
  params: AnswerParams,
  outcome: AnswerOutcome,
): Promise<AnswerOutcome | Replayed> {
  return ctx.store.write(async (trx, notify) => {
    if (!(await claimToken(ctx, trx, Date.now()))) return REPLAYED;
    await writeOutcome(ctx.store, trx, notify, params, outcome);
    return outcome;
  }, ANSWER_WRITE);
}

const INBOUND_TALK = 'Please wait while we connect you to an agent.';
const NO_AGENT_TALK = 'Sorry, all our agents are busy right now. Please call again later.';

function refuse(code: string, spoken: string, call: CallFields): AnswerOutcome {
  return { kind: 'refuse', code, ncco: [{ action: 'talk', text: spoken }], call };
}

function customData(value: unknown): Record<string, unknown> {
  if (typeof value === 'string') {
    try {
      const parsed: unknown = JSON.parse(value);
      return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
        ? (parsed as Record<string, unknown>)
        : {};
    } catch {
      return {};
    }
  }
  return value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

/**
 * What an outbound call's custom data says for its record (the extension's call id, the CRM row's
 * name, the page), each field checked on its own with the built-in invite's schema.
 */
function recordDetails(callId: unknown, context: unknown, ext: string | undefined) {
  const id = vonageRecordDataSchema.shape.callId.safeParse(callId);
  const parsed = vonageRecordDataSchema.shape.context.safeParse(context);
  const who = parsed.success ? parsed.data : undefined;
  return {
    ...(id.success && id.data ? { client_call_id: id.data } : {}),
    ...(ext ? { extension: ext } : {}),
    ...(who?.contactName ? { contact_name: who.contactName } : {}),
    ...(who?.pageUrl ? { page_url: who.pageUrl } : {}),
    ...(who?.pageTitle ? { page_title: who.pageTitle } : {}),
  };
}

/** A call an agent places from the Client SDK (`from_user`): to another app user or a phone. */
function outbound(
  ctx: AnswerContext,
  params: AnswerParams & { from_user: string },
  to: string,
): Promise<AnswerOutcome | Replayed> {
  // Reads, decision and record in the one write: the answer waits for the write queue once.
  return ctx.store.write(async (trx, notify) => {
    const now = Date.now();
    if (!(await claimToken(ctx, trx, now))) return REPLAYED;
    const outcome = await decideOutbound(ctx, trx, params, to, now);
    await writeOutcome(ctx.store, trx, notify, params, outcome);
    return outcome;
  }, ANSWER_WRITE);
}

async function decideOutbound(
  ctx: AnswerContext,
  trx: Trx,
  params: AnswerParams & { from_user: string },
  to: string,
  now: number,
): Promise<AnswerOutcome> {
  const { store, vonage } = ctx;
  const agent = await store.getAgentByVonageUser(params.from_user, trx);
  const data = customData(params.custom_data);
  // Routing reads only its own fields: a bad record field leaves the record without it, not the call.
  const { callId, context: recordContext, ...routing } = data;
  const context = vonageCallContextSchema.safeParse({ ...routing, to });
  const ext = context.success && context.data.type === 'phone' ? context.data.ext : undefined;
  const call: CallFields = {
    direction: 'outbound',
    agent: agent?.name ?? null,
    from_addr: params.from_user,
    to_addr: to,
    ...recordDetails(callId, recordContext, ext),
  };
  if (!agent || agent.disabled) {
    return refuse(
      'unknown-agent',
      'This call cannot be placed: your account is not allowed to call.',
      call,
    );
  }
  // Sign-out, rotate-key and disable end sessions, not the Vonage JWT already issued: without a live
  // session the agent's token places no call, whatever its remaining lifetime.
  if (!(await store.hasLiveSession(agent.id, now, trx))) {
    return refuse(
      'session-ended',
      'This call cannot be placed: you are signed out. Sign in again.',
      call,
    );
  }
  const connect = {
    action: 'connect',
    eventUrl: [ctx.eventUrl],
    timeout: vonage.connectTimeoutSec,
    limit: vonage.callLimitSec,
  };
  if (context.success && context.data.type === 'app') {
    return {
      kind: 'connect',
      call,
      ncco: [{ ...connect, endpoint: [{ type: 'app', user: context.data.to }] }],
    };
  }
  if (data.type === 'app' && !CONTACT.test(to)) {
    return refuse('invalid-contact', 'This call cannot be placed: the contact is not valid.', call);
  }
  const destination = checkDestination(to, ctx.destinations);
  if (!destination.ok) return refuse(destination.code, destination.spoken, call);
  // The agent's calls of the last minute, counted with the agent's row held: a burst of concurrent
  // answers (on any number of instances) connects at most `callsPerMinute` of them.
  await store.lockAgent(trx, agent.id);
  const recent = await store.countRecentOutbound(agent.name, now - 60_000, trx);
  if (recent >= vonage.callsPerMinute) {
    return refuse(
      'rate-limited',
      'This call cannot be placed: too many calls in a short time. Please wait a minute.',
      call,
    );
  }
  const ncco: NccoAction[] = [];
  if (vonage.talkText.trim()) ncco.push({ action: 'talk', text: vonage.talkText });
  ncco.push({
    action: 'connect',
    from: vonage.number,
    eventUrl: connect.eventUrl,
    timeout: connect.timeout,
    limit: connect.limit,
    endpoint: [{ type: 'phone', number: destination.number, ...(ext ? { dtmfAnswer: ext } : {}) }],
  });
  return { kind: 'connect', call, ncco };
}

/**
 * Chooses the agent for an inbound call and records the outcome in one transaction, so two callers
 * never get the same agent; a repeated answer webhook for the same leg gets the agent chosen the
 * first time.
 */
async function inbound(
  ctx: AnswerContext,
  params: AnswerParams,
  to: string,
): Promise<AnswerOutcome | Replayed> {
  const { store } = ctx;
  const from = params.from ?? null;
  const base: CallFields = { direction: 'inbound', agent: null, from_addr: from, to_addr: to };
  return store.write(async (trx, notify) => {
    const now = Date.now();
    if (!(await claimToken(ctx, trx, now))) return REPLAYED;
    const { contact_name } = await withDirectoryName(trx, base);
    let agent = await store.agentOfCall(trx, params.uuid);
    if (!agent) {
      agent = await store.pickInboundAgent(trx, now);
      if (agent) {
        await store.insertCallIfAbsent(trx, {
          ...answerRecord(params, { ...base, agent: agent.name }, 'started', null, now),
          ...(contact_name ? { contact_name } : {}),
        });
      }
    }
    const call = { ...base, agent: agent?.name ?? null };
    const outcome: AnswerOutcome = agent?.vonage_user
      ? {
          kind: 'connect',
          call,
          ncco: [
            { action: 'talk', text: INBOUND_TALK },
            {
              action: 'connect',
              eventUrl: [ctx.eventUrl],
              timeout: ctx.vonage.connectTimeoutSec,
              limit: ctx.vonage.callLimitSec,
              endpoint: [{ type: 'app', user: agent.vonage_user }],
            },
          ],
        }
      : refuse('no-agent', NO_AGENT_TALK, call);
    await writeOutcome(store, trx, notify, params, outcome);
    return outcome;
  }, ANSWER_WRITE);
}

function answerRecord(
  params: AnswerParams,
  call: CallFields,
  status: string,
  reason: string | null,
  now: number,
): NewCall {
  const { direction, agent, from_addr, to_addr, ...details } = call;
  return {
    ...newCallRecord({
      uuid: params.uuid,
      provider: 'vonage',
      direction,
      agent: agent ?? null,
      from: from_addr ?? null,
      to: to_addr ?? null,
      status,
      reason,
      conversationUuid: params.conversation_uuid ?? null,
      now,
    }),
    ...details,
  };
}

/** Writes what the answer decided into the leg's record (unless an event already ended it). */
async function writeOutcome(
  store: Store,
  trx: Trx,
  notify: Set<string>,
  params: AnswerParams,
  outcome: AnswerOutcome,
): Promise<void> {
  const now = Date.now();
  const status =
    outcome.kind === 'connect' ? 'started' : outcome.code === 'no-agent' ? 'missed' : 'refused';
  const reason = outcome.kind === 'refuse' ? outcome.code : null;
  await store.changeCall(trx, notify, params.uuid, (prev) => {
    const fresh = answerRecord(params, outcome.call, status, reason, now);
    if (!prev) return fresh;
    if (FINAL_STATUSES.has(prev.status)) return null;
    return {
      ...prev,
      ...outcome.call,
      status: prev.status === 'started' ? status : prev.status,
      reason,
      updated_at: now,
      conversation_uuid: prev.conversation_uuid ?? fresh.conversation_uuid,
    };
  });
}

/**
 * Decides what Vonage does with a new leg, records it (with the token claim, when guarded) and
 * returns the NCCO; `REPLAYED` when the token was claimed before.
 */
export async function answerCall(
  ctx: AnswerContext,
  params: AnswerParams,
): Promise<AnswerOutcome | Replayed> {
  const to = (params.to ?? '').replace(/^\+/, '');
  if (params.from_user) return outbound(ctx, { ...params, from_user: params.from_user }, to);
  if (to === ctx.vonage.number) return inbound(ctx, params, to);
  return recordOutcome(
    ctx,
    params,
    refuse('unknown-destination', 'This number cannot be reached.', {
      direction: 'inbound',
      agent: null,
      from_addr: params.from ?? null,
      to_addr: to,
    }),
  );
}
