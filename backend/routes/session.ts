// Sign-in with an agent access key (rate-limited per IP and per key), and sign-out.
import { getConnInfo } from '@hono/node-server/conninfo';
import { Hono, type Context } from 'hono';
import { validator } from 'hono/validator';
import { z } from 'zod';
import { agentInfo, checkAccessKey, createSession, parseAccessKey } from '../agents';
import { requireAgent } from '../auth';
import type { AppDeps, AppEnv } from '../context';
import { RateLimiter } from '../rateLimit';

const signInSchema = z.object({ accessKey: z.string().min(1).max(200) });

export function clientIp(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown'; // app.request() in tests has no socket
  }
}

export function sessionRoutes(deps: AppDeps) {
  // Offices share one address behind NAT: generous per IP, strict per key (keys are 192-bit random).
  const perIp = new RateLimiter(100, 60_000);
  const perKey = new RateLimiter(5, 60_000);
  return new Hono<AppEnv>()
    .post(
      '/',
      validator('json', (value, c) => {
        const parsed = signInSchema.safeParse(value);
        if (!parsed.success) return c.json({ error: 'Send JSON {"accessKey": "…"}' }, 400);
        return parsed.data;
      }),
      async (c) => {
        const { accessKey } = c.req.valid('json');
        const ip = clientIp(c);
        const keyId = parseAccessKey(accessKey)?.keyId;
        const wait = Math.max(perIp.hit(ip), keyId ? perKey.hit(keyId) : 0);
        if (wait > 0) {
          deps.log.warn('sign-in rate limited', { ip, keyId, requestId: c.get('requestId') });
          c.header('Retry-After', String(wait));
          return c.json({ error: `Too many sign-in attempts: try again in ${wait} s` }, 429);
        }
        const agent = await checkAccessKey(deps.store, accessKey);
        if (!agent || agent.disabled) {
          deps.log.warn('sign-in refused', { ip, keyId, requestId: c.get('requestId') });
          return c.json({ error: 'Unknown, rotated or disabled access key' }, 401);
        }
        const session = await createSession(deps.store, agent, deps.config.sessionTtlSec);
        deps.log.info('signed in', { agent: agent.name, requestId: c.get('requestId') });
        const { disabled: _disabled, ...info } = agentInfo(agent);
        return c.json({ token: session.token, expiresAt: session.expiresAt, agent: info }, 200);
      },
    )
    .get('/', requireAgent(deps), (c) => {
      const { disabled: _disabled, ...info } = agentInfo(c.get('agent'));
      return c.json({ agent: info }, 200);
    })
    .delete('/', requireAgent(deps), async (c) => {
      const tokenHash = c.get('tokenHash');
      await deps.store.revokeSession(tokenHash, Date.now());
      deps.onSessionRevoked?.(tokenHash);
      return c.body(null, 204);
    });
}
