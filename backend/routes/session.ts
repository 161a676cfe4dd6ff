// Sign-in with an agent access key (rate-limited per client address, and per key and address), and
// sign-out.
import { isIP, type BlockList } from 'node:net';
import { getConnInfo } from '@hono/node-server/conninfo';
import { Hono, type Context } from 'hono';
import { validator } from 'hono/validator';
import { z } from 'zod';
import { agentInfo, checkAccessKey, createSession, parseAccessKey } from '../agents';
import { requireAgent } from '../auth';
import { proxyList } from '../config';
import type { AppDeps, AppEnv } from '../context';
import { RateLimiter } from '../rateLimit';

const signInSchema = z.object({ accessKey: z.string().min(1).max(200) });

function trusted(proxies: BlockList, address: string): boolean {
  const family = isIP(address);
  return family !== 0 && proxies.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * The client's address: the socket's, unless the socket is a trusted proxy; then the nearest
 * `X-Forwarded-For` hop that is not a trusted proxy (hops further left are the client's own claims).
 */
export function clientIp(c: Context, proxies?: BlockList): string {
  let address: string;
  try {
    address = getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown'; // app.request() in tests has no socket
  }
  if (!proxies || !trusted(proxies, address)) return address;
  const hops = (c.req.header('x-forwarded-for') ?? '').split(',').map((hop) => hop.trim());
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i]!;
    if (!isIP(hop)) break; // not what a proxy writes: believe no further
    address = hop;
    if (!trusted(proxies, hop)) break;
  }
  return address;
}

export function sessionRoutes(deps: AppDeps) {
  const proxies = deps.config.trustProxy.length ? proxyList(deps.config.trustProxy) : undefined;
  // Offices share one address behind NAT: generous per address. Wrong keys are counted per key id
  // *and* address, so guessing from one place is slow while nobody else can lock the agent out
  // (keys are 192-bit random: the per-address limit is what bounds guessing).
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
        const ip = clientIp(c, proxies);
        const keyId = parseAccessKey(accessKey)?.keyId;
        const wait = Math.max(perIp.hit(ip), keyId ? perKey.hit(`${keyId} ${ip}`) : 0);
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
