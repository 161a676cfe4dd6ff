// /api/admin/settings and /api/admin/webhooks: what the environment fixes (shown read-only) and
// the outgoing webhook endpoints with their delivery status, a test send, add and remove.
import { Hono } from 'hono';
import { newWebhookSchema, type AdminSettings } from '../../src/contract/admin';
import { NUMBER_TYPES } from '../config';
import type { AppDeps } from '../context';
import { listEndpoints, parseEndpointId, type EndpointPolicy } from '../outbox/endpoints';
import { parseOr400, refusal } from './http';
import { adminContext, createWebhook, deleteWebhook, sendTestWebhook } from './operations';
import type { AdminEnv } from './session';

export function settingsRoutes(deps: AppDeps) {
  const { config } = deps;
  return new Hono<AdminEnv>().get('/', async (c) => {
    const settings: AdminSettings = {
      allowedCountries: { value: config.allowedCountries, env: 'ALLOWED_COUNTRIES', fixed: true },
      allowedNumberTypes: {
        value: config.allowedNumberTypes,
        env: 'ALLOWED_NUMBER_TYPES',
        fixed: true,
      },
      numberTypes: NUMBER_TYPES,
      sessionTtlSec: { value: config.sessionTtlSec, env: 'SESSION_TTL', fixed: true },
      adminIdleSec: { value: config.adminIdleSec, env: 'ADMIN_IDLE_TIMEOUT', fixed: true },
      webhooks: await listEndpoints(deps.store),
    };
    return c.json(settings, 200);
  });
}

export function webhooksRoutes(deps: AppDeps, policy: EndpointPolicy) {
  const endpointId = (raw: string) => {
    try {
      return parseEndpointId(raw);
    } catch {
      return undefined;
    }
  };
  return new Hono<AdminEnv>()
    .get('/', async (c) => c.json({ webhooks: await listEndpoints(deps.store) }, 200))
    .post('/', async (c) => {
      const body = parseOr400(c, newWebhookSchema, await c.req.json().catch(() => null));
      if (!body.ok) return body.response;
      try {
        const ctx = adminContext(deps.store, c.get('actor'));
        const { secret, ...rest } = body.data;
        const added = await createWebhook(ctx, rest.url, { policy, ...(secret ? { secret } : {}) });
        c.header('Cache-Control', 'no-store');
        return c.json(
          { id: added.id, url: added.url, ...(added.generated ? { secret: added.secret } : {}) },
          201,
        );
      } catch (error) {
        return refusal(c, error);
      }
    })
    .delete('/:id', async (c) => {
      const id = endpointId(c.req.param('id'));
      if (id === undefined) return c.json({ error: 'Invalid webhook id' }, 400);
      try {
        await deleteWebhook(adminContext(deps.store, c.get('actor')), id);
        return c.body(null, 204);
      } catch (error) {
        return refusal(c, error);
      }
    })
    .post('/:id/test', async (c) => {
      const id = endpointId(c.req.param('id'));
      if (id === undefined) return c.json({ error: 'Invalid webhook id' }, 400);
      try {
        return c.json(
          await sendTestWebhook(adminContext(deps.store, c.get('actor')), id, policy),
          200,
        );
      } catch (error) {
        return refusal(c, error);
      }
    });
}
