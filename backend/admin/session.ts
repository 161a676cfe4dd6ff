// Console sign-in: the admin's access key opens a cookie session (never a bearer token), held
// server-side with an idle timeout. CSRF: every change must come from our own origin (Origin checked)
// AND carry the session's synchronizer token in X-CSRF-Token.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie, setCookie, deleteCookie } from 'hono/cookie';
import { Hono } from 'hono';
import { adminSignInSchema, type AdminSessionView } from '../../src/contract/admin';
import { checkAccessKey, hashToken, parseAccessKey } from '../agents';
import { proxyList } from '../config';
import type { AppDeps, AppEnv } from '../context';
import type { AdminSessionRow } from '../db/schema';
import { RateLimiter } from '../rateLimit';
import { clientIp } from '../routes/session';
import { AdminStore } from './adminStore';
import { audit, type Actor } from './audit';

export const ADMIN_COOKIE = 'c2c_admin';
/** Activity is written at most this often (a console polls; one write per request is waste). */
const TOUCH_EVERY_MS = 30_000;

export interface AdminEnv {
  Variables: AppEnv['Variables'] & { adminSession: AdminSessionRow; actor: Actor };
}

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/;

/** `Secure` everywhere except plain http on loopback (the demo, tests): browsers drop it there. */
function secureCookie(c: Context, deps: AppDeps): boolean {
  if (deps.config.publicUrl?.startsWith('https:')) return true;
  const url = new URL(c.req.url);
  return !(url.protocol === 'http:' && LOOPBACK.test(url.hostname));
}

/** Whether a state-changing request comes from our own page (same host, or PUBLIC_URL's origin). */
export function sameOrigin(c: Context, deps: AppDeps): boolean {
  const origin = c.req.header('origin');
  if (!origin) return false;
  if (deps.config.publicUrl && origin === new URL(deps.config.publicUrl).origin) return true;
  try {
    return new URL(origin).host === new URL(c.req.url).host;
  } catch {
    return false;
  }
}

function tokensEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * For every /api/admin route: a console session cookie of an enabled admin, not idle too long.
 * An Authorization header is never looked at (an extension's bearer token opens nothing here).
 * Changes need the Origin check and the CSRF token. `touch: false` for background reads (the live
 * stream and its snapshot) so a wallboard left open still times out.
 */
export function requireAdmin(
  deps: AppDeps,
  opts: { touch?: boolean } = {},
): MiddlewareHandler<AdminEnv> {
  const admin = new AdminStore(deps.store.db);
  const idleMs = deps.config.adminIdleSec * 1000;
  return async (c, next) => {
    const token = getCookie(c, ADMIN_COOKIE);
    const now = Date.now();
    const found =
      token && /^[A-Za-z0-9_-]{20,200}$/.test(token)
        ? await admin.getSession(hashToken(token), now, idleMs)
        : undefined;
    if (!found)
      return c.json(
        { error: 'Sign in to the admin console (signed out, timed out or not an admin)' },
        401,
      );
    if (!SAFE.has(c.req.method)) {
      if (!sameOrigin(c, deps))
        return c.json({ error: 'Refused: the request does not come from this console' }, 403);
      const csrf = c.req.header('x-csrf-token') ?? '';
      if (!tokensEqual(csrf, found.session.csrf_token))
        return c.json({ error: 'Refused: missing or wrong X-CSRF-Token (reload the page)' }, 403);
    }
    if (opts.touch !== false && now - found.session.last_seen_at > TOUCH_EVERY_MS)
      await admin.touchSession(found.session.token_hash, now);
    c.set('agent', found.agent);
    c.set('tokenHash', found.session.token_hash);
    c.set('adminSession', found.session);
    c.set('actor', { name: found.agent.name, source: 'console' });
    await next();
  };
}

function view(deps: AppDeps, name: string, csrfToken: string): AdminSessionView {
  return { agent: { name }, csrfToken, idleTimeoutSec: deps.config.adminIdleSec };
}

export function adminSessionRoutes(deps: AppDeps) {
  const admin = new AdminStore(deps.store.db);
  const proxies = deps.config.trustProxy.length ? proxyList(deps.config.trustProxy) : undefined;
  const perIp = new RateLimiter(30, 60_000);
  const perKey = new RateLimiter(10, 60_000);
  return new Hono<AdminEnv>()
    .post('/', async (c) => {
      // No session yet, so no CSRF token: the Origin check alone stops sign-in from other sites.
      if (!sameOrigin(c, deps))
        return c.json({ error: 'Refused: the request does not come from this console' }, 403);
      const parsed = adminSignInSchema.safeParse(await c.req.json().catch(() => null));
      if (!parsed.success)
        return c.json({ error: 'Send JSON {"accessKey": "…"}', code: 'adminErrKeyRequired' }, 400);
      const { accessKey } = parsed.data;
      const ip = clientIp(c, proxies);
      const keyId = parseAccessKey(accessKey)?.keyId;
      const wait = Math.max(perIp.hit(ip), keyId ? perKey.hit(`${keyId} ${ip}`) : 0);
      if (wait > 0) {
        c.header('Retry-After', String(wait));
        return c.json({ error: `Too many sign-in attempts: try again in ${wait} s` }, 429);
      }
      const agent = await checkAccessKey(deps.store, accessKey);
      if (!agent || agent.disabled || agent.admin !== 1) {
        deps.log.warn('admin sign-in refused', { ip, keyId, requestId: c.get('requestId') });
        return c.json(
          {
            error: 'Unknown, rotated or disabled access key, or not an admin',
            code: 'adminErrSignIn',
          },
          401,
        );
      }
      const token = randomBytes(32).toString('base64url');
      const csrfToken = randomBytes(24).toString('base64url');
      const now = Date.now();
      await admin.createSession({
        token_hash: hashToken(token),
        agent_id: agent.id,
        csrf_token: csrfToken,
        created_at: now,
        last_seen_at: now,
        expires_at: now + deps.config.sessionTtlSec * 1000,
      });
      setCookie(c, ADMIN_COOKIE, token, {
        httpOnly: true,
        secure: secureCookie(c, deps),
        sameSite: 'Strict',
        path: '/',
        maxAge: deps.config.sessionTtlSec,
      });
      await audit(admin, { name: agent.name, source: 'console' }, 'admin.sign-in', agent.name, {
        ip,
      });
      return c.json(view(deps, agent.name, csrfToken), 200);
    })
    .get('/', requireAdmin(deps), (c) =>
      c.json(view(deps, c.get('agent').name, c.get('adminSession').csrf_token), 200),
    )
    .delete('/', requireAdmin(deps), async (c) => {
      await admin.revokeSession(c.get('tokenHash'), Date.now());
      deleteCookie(c, ADMIN_COOKIE, { path: '/', secure: secureCookie(c, deps) });
      await audit(admin, c.get('actor'), 'admin.sign-out', c.get('agent').name);
      return c.body(null, 204);
    })
    .post('/everywhere', requireAdmin(deps), async (c) => {
      const ended = await admin.revokeAgentSessions(c.get('agent').id, Date.now());
      deleteCookie(c, ADMIN_COOKIE, { path: '/', secure: secureCookie(c, deps) });
      await audit(admin, c.get('actor'), 'admin.sign-out-everywhere', c.get('agent').name, {
        sessions: ended,
      });
      return c.json({ ended }, 200);
    });
}
