// Bearer-token middleware for /api routes: resolves the signed-in agent.
import type { MiddlewareHandler } from 'hono';
import { hashToken } from './agents';
import type { AppDeps, AppEnv } from './context';

export function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer ([A-Za-z0-9_-]{20,200})$/.exec(header ?? '');
  return match ? match[1]! : null;
}

export function requireAgent(deps: AppDeps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const token = bearerToken(c.req.header('authorization'));
    if (!token) {
      c.header('WWW-Authenticate', 'Bearer');
      return c.json(
        { error: 'Sign in first: missing or malformed Authorization: Bearer <token>' },
        401,
      );
    }
    const tokenHash = hashToken(token);
    const session = await deps.store.getSession(tokenHash, Date.now());
    if (!session) {
      c.header('WWW-Authenticate', 'Bearer error="invalid_token"');
      return c.json({ error: 'Session expired or signed out: sign in again' }, 401);
    }
    c.set('agent', session.agent);
    c.set('tokenHash', tokenHash);
    await next();
  };
}
