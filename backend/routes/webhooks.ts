// Vonage Voice webhooks: the answer webhook (NCCO for outbound, contact and inbound calls) and the
// event webhook (durable, idempotent event store and call records).
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { answerCall } from '../calls/answer';
import type { VonageConfig } from '../config';
import type { AppDeps, AppEnv } from '../context';
import { readBody } from '../rawBody';
import { canonicalJson, sha256Hex, verifySignedWebhook } from '../vonageWebhook';

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
}

export function webhookRoutes(deps: AppDeps) {
  const notConfigured = (c: Context) =>
    c.json({ error: 'Vonage is not configured on this backend (set the VONAGE_* variables)' }, 503);

  /**
   * The one gate every webhook passes: Vonage configured, the signature valid, and (POST) a JSON
   * body. Returns what was signed or the response to send.
   */
  async function signed(
    c: Context<AppEnv>,
    json: boolean,
  ): Promise<{ vonage: VonageConfig; signed: Signed } | Response> {
    const vonage = deps.config.vonage;
    if (!vonage) return notConfigured(c);
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
    if (!json) return { vonage, signed: { raw, body: undefined } };
    try {
      return { vonage, signed: { raw, body: JSON.parse(raw) as unknown } };
    } catch {
      return c.json({ error: 'Body is not JSON' }, 400);
    }
  }

  async function answer(c: Context<AppEnv>, vonage: VonageConfig, params: unknown) {
    const parsed = answerSchema.safeParse(params);
    if (!parsed.success) return c.json({ error: 'Answer webhook needs at least uuid' }, 400);
    const base = deps.config.publicUrl ?? new URL(c.req.url).origin;
    const outcome = await answerCall(
      {
        store: deps.store,
        vonage,
        allowedCountries: deps.config.allowedCountries,
        eventUrl: `${base}/webhooks/event`,
      },
      parsed.data,
    );
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

  return new Hono<AppEnv>()
    .get('/answer', async (c) => {
      const result = await signed(c, false);
      if (result instanceof Response) return result;
      return answer(c, result.vonage, c.req.query());
    })
    .post('/answer', async (c) => {
      const result = await signed(c, true);
      if (result instanceof Response) return result;
      return answer(c, result.vonage, result.signed.body);
    })
    .post('/event', async (c) => {
      const result = await signed(c, true);
      if (result instanceof Response) return result;
      const { raw, body } = result.signed;
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
        await deps.ingestor.submit({ dedupeKey, receivedAt: Date.now(), body: event, raw });
      } catch {
        // Not stored: a 5xx makes Vonage deliver it again.
        return c.json({ error: 'Event not stored, retry later' }, 503);
      }
      return c.json({ ok: true }, 200);
    });
}
