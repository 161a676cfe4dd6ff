// Per-agent call credentials: a short-lived Vonage Client SDK JWT and the CleverTap Signed Call settings.
import { randomUUID, type KeyObject } from 'node:crypto';
import { Hono } from 'hono';
import { SignJWT } from 'jose';
import { requireAgent } from '../auth';
import type { VonageConfig } from '../config';
import type { AppDeps, AppEnv } from '../context';

export const VONAGE_ACL_PATHS = [
  '/*/rtc/**',
  '/*/users/**',
  '/*/conversations/**',
  '/*/sessions/**',
  '/*/devices/**',
  '/*/push/**',
  '/*/knocking/**',
  '/*/legs/**',
] as const;

export async function signVonageJwt(
  vonage: VonageConfig,
  key: KeyObject,
  user: string,
  now = Date.now(),
): Promise<{ jwt: string; expiresAt: number }> {
  const iat = Math.floor(now / 1000);
  const exp = iat + Math.min(vonage.jwtTtlSec, 86_400);
  const jwt = await new SignJWT({
    application_id: vonage.applicationId,
    acl: { paths: Object.fromEntries(VONAGE_ACL_PATHS.map((p) => [p, {}])) },
  })
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
    .setSubject(user)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .setJti(randomUUID())
    .sign(key);
  return { jwt, expiresAt: exp * 1000 };
}

export function tokenRoutes(deps: AppDeps) {
  return new Hono<AppEnv>()
    .use(requireAgent(deps))
    .post('/vonage', async (c) => {
      const vonage = deps.config.vonage;
      if (!vonage || !deps.vonageKey) {
        return c.json(
          { error: 'Vonage is not configured on this backend (set the VONAGE_* variables)' },
          503,
        );
      }
      const agent = c.get('agent');
      if (!agent.vonage_user) {
        return c.json(
          {
            error: `Agent "${agent.name}" has no Vonage user: an admin adds one with --vonage-user`,
          },
          409,
        );
      }
      const token = await signVonageJwt(vonage, deps.vonageKey, agent.vonage_user);
      deps.log.info('vonage token issued', { agent: agent.name, requestId: c.get('requestId') });
      return c.json(token, 200);
    })
    .get('/clevertap', (c) => {
      const clevertap = deps.config.clevertap;
      if (!clevertap) {
        return c.json(
          {
            error:
              'CleverTap is not configured on this backend (set CLEVERTAP_ACCOUNT_ID, CLEVERTAP_API_KEY and CLEVERTAP_PROJECT_ID)',
          },
          503,
        );
      }
      const agent = c.get('agent');
      if (!agent.cuid) {
        return c.json(
          { error: `Agent "${agent.name}" has no CleverTap cuid: an admin adds one with --cuid` },
          409,
        );
      }
      c.header('Cache-Control', 'no-store');
      return c.json(
        {
          accountId: clevertap.accountId,
          apiKey: clevertap.apiKey,
          clevertapAccountId: clevertap.projectId,
          cuid: agent.cuid,
          displayName: agent.name,
          ...(clevertap.region ? { region: clevertap.region } : {}),
        },
        200,
      );
    });
}
