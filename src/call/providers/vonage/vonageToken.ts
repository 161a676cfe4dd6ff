// The Vonage Client SDK JWT: fetched per agent from our backend, and when to refresh it.
import { z } from 'zod';
import { CallFailure } from '../../provider';
import { backendClient, expectOk } from '../../backendClient';

export const vonageTokenResponseSchema = z.object({
  jwt: z.string().min(20),
  /** ISO date, epoch ms or epoch seconds: all seen in the wild, all accepted. */
  expiresAt: z.union([z.string(), z.number()]).optional(),
});

export interface VonageToken {
  jwt: string;
  /** Epoch ms. */
  expiresAt: number;
}

/** Epoch ms from an ISO string, epoch ms or epoch seconds; NaN if unreadable. */
export function toEpochMs(value: string | number): number {
  if (typeof value === 'number') return value < 1e12 ? value * 1000 : value;
  if (/^\d+$/.test(value)) return toEpochMs(Number(value));
  return Date.parse(value);
}

/** The `exp` claim of a JWT in epoch ms (no signature check: the SDK and Vonage do that). */
export function jwtExpiry(jwt: string): number {
  const payload = jwt.split('.')[1];
  if (!payload) return NaN;
  try {
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const exp = (JSON.parse(json) as { exp?: unknown }).exp;
    return typeof exp === 'number' ? exp * 1000 : NaN;
  } catch {
    return NaN;
  }
}

export async function fetchVonageToken(
  backendUrl: string,
  sessionToken: string,
  fetchImpl: typeof fetch = fetch,
): Promise<VonageToken> {
  const client = backendClient(backendUrl, { token: sessionToken, fetch: fetchImpl });
  const body = await expectOk(await client.api.token.vonage.$post(), 'token/vonage');
  const parsed = vonageTokenResponseSchema.safeParse(body);
  if (!parsed.success)
    throw new CallFailure('backend-unreachable', 'token/vonage answered an unexpected body');
  const fromClaim = jwtExpiry(parsed.data.jwt);
  const fromBody = parsed.data.expiresAt === undefined ? NaN : toEpochMs(parsed.data.expiresAt);
  // The earlier of the two wins: refreshing early is harmless, late is a dropped session.
  const candidates = [fromClaim, fromBody].filter((n) => Number.isFinite(n));
  if (candidates.length === 0)
    throw new CallFailure('backend-unreachable', 'token/vonage has no expiry');
  return { jwt: parsed.data.jwt, expiresAt: Math.min(...candidates) };
}

/** Refresh once three quarters of the token's life is gone, and never later than a minute before expiry. */
export function refreshDelayMs(token: VonageToken, now: number, issuedAt = now): number {
  const lifetime = Math.max(token.expiresAt - issuedAt, 0);
  const at = Math.min(issuedAt + lifetime * 0.75, token.expiresAt - 60_000);
  return Math.max(at - now, 5_000);
}
