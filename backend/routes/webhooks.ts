// Vonage Voice webhooks: the answer webhook (NCCO for outbound, contact and inbound calls) and the
// event webhook (durable, idempotent event store and call records).
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { answerCall, type ReplayGuard } from '../calls/answer';
import type { VonageConfig } from '../config';
import type { AppDeps, AppEnv } from '../context';
import { readBody } from '../rawBody';
import { canonicalJson, checkAnswerToken, sha256Hex, verifySignedWebhook } from '../vonageWebhook';

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

const eventSchema = z
  .object({
    uuid: text.max(128).optional(),
    conversation_uuid: text.max(128).optional(),
    status: text.max(64).optional(),
  })
  .passthrough();

/** A webhook whose signature holds: its raw body and, for POST, the parsed JSON. */
interface Signed {
  raw: string;
  body: unknown;
  /** An answer's token id, still to claim: the answer claims it in its record's transaction. */
  guard?: ReplayGuard;
}

const GET_REFUSED =
  'GET webhooks are refused: the signature does not cover the query string. Set the answer and event URL methods to POST in the Vonage application (or VONAGE_ALLOW_GET_ANSWER=1)';

function refused(deps: AppDeps, c: Context<AppEnv>, reason: string, status: 401 | 403 = 401) {
  deps.log.warn('webhook refused', { path: c.req.path, reason, requestId: c.get('requestId') });
  return c.json(
    { error: status === 403 ? GET_REFUSED : 'Invalid or missing webhook signature' },
    status,
  );
}

/**
 * The one gate every webhook passes: Vonage configured, the signature valid, and (POST) a JSON body.
 * Answer webhooks and any GET also need our application id and a token never seen before (an
 * answer's is claimed with its record, an event's here), and a GET needs the admin's opt-in.
 * Returns what was signed or the response to send.
 */
async function signedWebhook(
  deps: AppDeps,
  c: Context<AppEnv>,
  kind: 'answer' | 'event',
): Promise<{ vonage: VonageConfig; signed: Signed } | Response> {
  const vonage = deps.config.vonage;
  if (!vonage) {
    return c.json(
      { error: 'Vonage is not configured on this backend (set the VONAGE_* variables)' },
      503,
    );
  }
  const raw = await readBody(c, 64 * 1024);
  const check = await verifySignedWebhook(vonage, c.req.header('authorization'), raw);
  if (!check.ok) return refused(deps, c, check.reason);
  const get = c.req.method === 'GET';
  let guard: ReplayGuard | undefined;
  // A GET's query string is not signed: GET events get the answer's checks too.
  if (kind === 'answer' || get) {
    if (get && !vonage.allowGetAnswer) return refused(deps, c, `GET ${kind}`, 403);
    const token = checkAnswerToken(vonage, check.claims);
    if (!token.ok) return refused(deps, c, token.reason);
    guard = { jti: token.jti, keepUntil: token.keepUntil };
    if (kind === 'event' && !(await deps.store.claimJti(guard.jti, guard.keepUntil, Date.now())))
      return refused(deps, c, 'replayed jti');
  }
  const answerGuard = kind === 'answer' && guard ? { guard } : {};
  if (get) return { vonage, signed: { raw, body: undefined, ...answerGuard } };
  try {
    return { vonage, signed: { raw, body: JSON.parse(raw) as unknown, ...answerGuard } };
  } catch {
    return c.json({ error: 'Body is not JSON' }, 400);
  }
}

export function webhookRoutes(deps: AppDeps) {
  async function answer(c: Context<AppEnv>, vonage: VonageConfig, signed: Signed, params: unknown) {
    const parsed = answerSchema.safeParse(params);
    if (!parsed.success) return c.json({ error: 'Answer webhook needs at least uuid' }, 400);
    const base = deps.config.publicUrl ?? new URL(c.req.url).origin;
    const outcome = await answerCall(
      {
        store: deps.store,
        vonage,
        destinations: {
          countries: deps.config.allowedCountries,
          types: deps.config.allowedNumberTypes,
        },
        eventUrl: `${base}/webhooks/event`,
        ...(signed.guard ? { replayGuard: signed.guard } : {}),
      },
      parsed.data,
    );
    if (outcome.kind === 'replayed') return refused(deps, c, 'replayed jti');
    const requestId = c.get('requestId');
    if (outcome.kind === 'refuse') {
      deps.log.warn('call refused', {
        uuid: parsed.data.uuid,
        code: outcome.code,
        agent: outcome.call.agent,
        requestId,
      });
    } else {
      deps.log.info('call connected', {
        uuid: parsed.data.uuid,
        direction: outcome.call.direction,
        agent: outcome.call.agent,
        requestId,
      });
    }
    return c.json(outcome.ncco, 200);
  }

  /** Stores an event (POST body or GET query) once, durably, before acknowledging it. */
  async function event(c: Context<AppEnv>, body: unknown, raw: string) {
    const parsed = eventSchema.safeParse(body);
    if (!parsed.success || Array.isArray(body))
      return c.json({ error: 'Event must be a JSON object' }, 400);
    const fields = parsed.data as Record<string, unknown>;
    let dedupeKey: string;
    try {
      dedupeKey = sha256Hex(canonicalJson(fields));
    } catch {
      return c.json({ error: 'Event is nested too deeply' }, 400);
    }
    try {
      await deps.ingestor.submit({ dedupeKey, receivedAt: Date.now(), body: fields, raw });
    } catch {
      // Not stored: a 5xx makes Vonage deliver it again.
      return c.json({ error: 'Event not stored, retry later' }, 503);
    }
    return c.json({ ok: true }, 200);
  }

  return new Hono<AppEnv>()
    .get('/answer', async (c) => {
      const result = await signedWebhook(deps, c, 'answer');
      if (result instanceof Response) return result;
      return answer(c, result.vonage, result.signed, c.req.query());
    })
    .post('/answer', async (c) => {
      const result = await signedWebhook(deps, c, 'answer');
      if (result instanceof Response) return result;
      return answer(c, result.vonage, result.signed, result.signed.body);
    })
    .get('/event', async (c) => {
      const result = await signedWebhook(deps, c, 'event');
      if (result instanceof Response) return result;
      const query = c.req.query();
      return event(c, query, JSON.stringify(query));
    })
    .post('/event', async (c) => {
      const result = await signedWebhook(deps, c, 'event');
      if (result instanceof Response) return result;
      return event(c, result.signed.body, result.signed.raw);
    });
}
