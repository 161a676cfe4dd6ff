// Vonage Voice webhooks: the answer webhook (NCCO for outbound, contact and inbound calls) and the
// event webhook (durable, idempotent event store and call records).
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import type { VonageConfig } from '../config';
import type { AppDeps, AppEnv } from '../context';
import { readBody } from '../rawBody';
import { FINAL_STATUSES } from '../db/store';
import type { NewCall } from '../db/schema';
import {
  canonicalJson,
  checkDestination,
  sha256Hex,
  verifySignedWebhook,
  type NccoAction,
} from '../vonageWebhook';
import { vonageCallContextSchema } from '../../src/call/vonageContext';
import { CONTACT_ID as CONTACT } from '../../src/contract/ids';

// Printable only: PostgreSQL text cannot hold NUL, and nothing legitimate has control characters.
const text = z
  .string()
  .max(256)
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  .regex(/^[^\u0000-\u001f\u007f]*$/);
const answerSchema = z.object({
  uuid: text.min(1).max(128),
  conversation_uuid: text.optional(),
  from: text.optional(),
  to: text.optional(),
  from_user: text.optional(),
  custom_data: z.unknown().optional(),
});
type AnswerParams = z.infer<typeof answerSchema>;

const eventSchema = z
  .object({
    uuid: text.max(128).optional(),
    conversation_uuid: text.max(128).optional(),
    status: text.max(64).optional(),
  })
  .passthrough();

/**
 * The answer webhook must reply quickly: its call record is committed (visible to every reader and
 * to the next webhook) before the NCCO goes out, but the reply does not wait for the fsync.
 */
const ANSWER_WRITE = { durable: false } as const;

const INBOUND_TALK = 'Please wait while we connect you to an agent.';
const NO_AGENT_TALK = 'Sorry, all our agents are busy right now. Please call again later.';

type Decision =
  | { kind: 'connect'; ncco: NccoAction[]; call: Partial<NewCall> & Pick<NewCall, 'direction'> }
  | {
      kind: 'refuse';
      code: string;
      spoken: string;
      call: Partial<NewCall> & Pick<NewCall, 'direction'>;
    };

function eventUrl(deps: AppDeps, c: Context): string {
  const base = deps.config.publicUrl ?? new URL(c.req.url).origin;
  return `${base}/webhooks/event`;
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

function refusalNcco(spoken: string): NccoAction[] {
  return [{ action: 'talk', text: spoken }];
}

export function webhookRoutes(deps: AppDeps) {
  const notConfigured = (c: Context) =>
    c.json({ error: 'Vonage is not configured on this backend (set the VONAGE_* variables)' }, 503);

  /** Reads the raw body and checks the signature; returns the body or a response to send. */
  async function verified(c: Context, vonage: VonageConfig): Promise<{ raw: string } | Response> {
    const raw = await readBody(c, 64 * 1024);
    const check = await verifySignedWebhook(vonage, c.req.header('authorization'), raw);
    if (!check.ok) {
      deps.log.warn('webhook refused', {
        path: c.req.path,
        reason: check.reason,
        requestId: c.get('requestId'),
      });
      return c.json({ error: 'Invalid or missing webhook signature' }, 401);
    }
    return { raw };
  }

  async function decide(vonage: VonageConfig, params: AnswerParams, c: Context): Promise<Decision> {
    const to = (params.to ?? '').replace(/^\+/, '');
    const from = params.from ?? null;
    if (params.from_user) {
      const agent = await deps.store.getAgentByVonageUser(params.from_user);
      const base = {
        direction: 'outbound' as const,
        agent: agent?.name ?? null,
        from_addr: params.from_user,
        to_addr: to,
      };
      if (!agent || agent.disabled) {
        return {
          kind: 'refuse',
          code: 'unknown-agent',
          spoken: 'This call cannot be placed: your account is not allowed to call.',
          call: base,
        };
      }
      const data = customData(params.custom_data);
      const context = vonageCallContextSchema.safeParse({ ...data, to });
      if (context.success && context.data.type === 'app') {
        return {
          kind: 'connect',
          call: base,
          ncco: [
            {
              action: 'connect',
              eventUrl: [eventUrl(deps, c)],
              timeout: vonage.connectTimeoutSec,
              limit: vonage.callLimitSec,
              endpoint: [{ type: 'app', user: context.data.to }],
            },
          ],
        };
      }
      if (data.type === 'app' && !CONTACT.test(to)) {
        return {
          kind: 'refuse',
          code: 'invalid-contact',
          spoken: 'This call cannot be placed: the contact is not valid.',
          call: base,
        };
      }
      const destination = checkDestination(to, deps.config.allowedCountries);
      if (!destination.ok)
        return { kind: 'refuse', code: destination.code, spoken: destination.spoken, call: base };
      const since = Date.now() - 60_000;
      const recent = await deps.store.countRecentOutbound(agent.name, since);
      if (recent >= vonage.callsPerMinute) {
        return {
          kind: 'refuse',
          code: 'rate-limited',
          spoken:
            'This call cannot be placed: too many calls in a short time. Please wait a minute.',
          call: base,
        };
      }
      const ext = context.success && context.data.type === 'phone' ? context.data.ext : undefined;
      const ncco: NccoAction[] = [];
      if (vonage.talkText.trim()) ncco.push({ action: 'talk', text: vonage.talkText });
      ncco.push({
        action: 'connect',
        from: vonage.number,
        eventUrl: [eventUrl(deps, c)],
        timeout: vonage.connectTimeoutSec,
        limit: vonage.callLimitSec,
        endpoint: [
          { type: 'phone', number: destination.number, ...(ext ? { dtmfAnswer: ext } : {}) },
        ],
      });
      return { kind: 'connect', call: base, ncco };
    }
    if (to === vonage.number) {
      // Inbound: choose and record the agent in one transaction so two callers never get the same one.
      const agent = await deps.store.write(async (trx) => {
        const existing = await trx
          .selectFrom('calls')
          .select('agent')
          .where('uuid', '=', params.uuid)
          .executeTakeFirst();
        if (existing?.agent) {
          return trx
            .selectFrom('agents')
            .selectAll()
            .where('name', '=', existing.agent)
            .executeTakeFirst();
        }
        const chosen = await deps.store.pickInboundAgent(trx, Date.now());
        if (chosen) {
          const now = Date.now();
          await trx
            .insertInto('calls')
            .values(
              newCall(
                params,
                { direction: 'inbound', agent: chosen.name, from_addr: from, to_addr: to },
                'started',
                null,
                now,
              ),
            )
            .onConflict((oc) => oc.column('uuid').doNothing())
            .execute();
        }
        return chosen;
      }, ANSWER_WRITE);
      const base = {
        direction: 'inbound' as const,
        agent: agent?.name ?? null,
        from_addr: from,
        to_addr: to,
      };
      if (!agent?.vonage_user)
        return { kind: 'refuse', code: 'no-agent', spoken: NO_AGENT_TALK, call: base };
      return {
        kind: 'connect',
        call: base,
        ncco: [
          { action: 'talk', text: INBOUND_TALK },
          {
            action: 'connect',
            eventUrl: [eventUrl(deps, c)],
            timeout: vonage.connectTimeoutSec,
            limit: vonage.callLimitSec,
            endpoint: [{ type: 'app', user: agent.vonage_user }],
          },
        ],
      };
    }
    return {
      kind: 'refuse',
      code: 'unknown-destination',
      spoken: 'This number cannot be reached.',
      call: { direction: 'inbound', agent: null, from_addr: from, to_addr: to },
    };
  }

  function newCall(
    params: AnswerParams,
    call: Partial<NewCall> & Pick<NewCall, 'direction'>,
    status: string,
    reason: string | null,
    now: number,
  ): NewCall {
    return {
      uuid: params.uuid,
      provider: 'vonage',
      agent: call.agent ?? null,
      direction: call.direction,
      from_addr: call.from_addr ?? null,
      to_addr: call.to_addr ?? null,
      status,
      reason,
      conversation_uuid: params.conversation_uuid ?? null,
      parent_uuid: null,
      created_at: now,
      started_at: now,
      answered_at: null,
      ended_at: FINAL_STATUSES.has(status) ? now : null,
      duration: null,
      price: null,
      rate: null,
      network: null,
      updated_at: now,
    };
  }

  async function answer(c: Context<AppEnv>, params: unknown) {
    const vonage = deps.config.vonage!;
    const parsed = answerSchema.safeParse(params);
    if (!parsed.success) return c.json({ error: 'Answer webhook needs at least uuid' }, 400);
    const decision = await decide(vonage, parsed.data, c);
    const now = Date.now();
    const status =
      decision.kind === 'connect' ? 'started' : decision.code === 'no-agent' ? 'missed' : 'refused';
    const reason = decision.kind === 'refuse' ? decision.code : null;
    await deps.store.write(async (trx, notify) => {
      await deps.store.changeCall(trx, notify, parsed.data.uuid, (prev) => {
        const fresh = newCall(parsed.data, decision.call, status, reason, now);
        if (!prev) return fresh;
        if (FINAL_STATUSES.has(prev.status)) return null;
        return {
          ...prev,
          ...decision.call,
          status: prev.status === 'started' ? status : prev.status,
          reason,
          updated_at: now,
          conversation_uuid: prev.conversation_uuid ?? fresh.conversation_uuid,
        };
      });
    }, ANSWER_WRITE);
    if (decision.kind === 'refuse') {
      deps.log.warn('call refused', {
        uuid: parsed.data.uuid,
        code: decision.code,
        agent: decision.call.agent,
        requestId: c.get('requestId'),
      });
      return c.json(refusalNcco(decision.spoken), 200);
    }
    deps.log.info('call connected', {
      uuid: parsed.data.uuid,
      direction: decision.call.direction,
      agent: decision.call.agent,
      requestId: c.get('requestId'),
    });
    return c.json(decision.ncco, 200);
  }

  return new Hono<AppEnv>()
    .get('/answer', async (c) => {
      const vonage = deps.config.vonage;
      if (!vonage) return notConfigured(c);
      const result = await verified(c, vonage);
      if (result instanceof Response) return result;
      return answer(c, c.req.query());
    })
    .post('/answer', async (c) => {
      const vonage = deps.config.vonage;
      if (!vonage) return notConfigured(c);
      const result = await verified(c, vonage);
      if (result instanceof Response) return result;
      let body: unknown;
      try {
        body = JSON.parse(result.raw);
      } catch {
        return c.json({ error: 'Body is not JSON' }, 400);
      }
      return answer(c, body);
    })
    .post('/event', async (c) => {
      const vonage = deps.config.vonage;
      if (!vonage) return notConfigured(c);
      const result = await verified(c, vonage);
      if (result instanceof Response) return result;
      let body: unknown;
      try {
        body = JSON.parse(result.raw);
      } catch {
        return c.json({ error: 'Body is not JSON' }, 400);
      }
      const parsed = eventSchema.safeParse(body);
      if (!parsed.success || Array.isArray(body))
        return c.json({ error: 'Event must be a JSON object' }, 400);
      const event = parsed.data as Record<string, unknown>;
      let dedupeKey: string;
      try {
        dedupeKey = sha256Hex(canonicalJson(event));
      } catch {
        return c.json({ error: 'Event is nested too deeply' }, 400);
      }
      try {
        await deps.ingestor.submit({
          dedupeKey,
          receivedAt: Date.now(),
          body: event,
          raw: result.raw,
        });
      } catch {
        // Not stored: a 5xx makes Vonage deliver it again.
        return c.json({ error: 'Event not stored, retry later' }, 503);
      }
      return c.json({ ok: true }, 200);
    });
}
