// Vonage signed webhooks: signature verification, and the canonical form events are deduplicated by.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { VonageConfig } from './config';

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export type Claims = Record<string, unknown>;
export type SignatureCheck = { ok: true; claims: Claims } | { ok: false; reason: string };

function decodeJsonPart(part: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

export const CLOCK_TOLERANCE_SEC = 30;

/**
 * Checks `Authorization: Bearer <HS256 JWT>`: signature, issuer, age, api key, application and body
 * hash. Verified with node:crypto directly (one HMAC, constant-time compare): this runs per webhook.
 */
export async function verifySignedWebhook(
  vonage: VonageConfig,
  authorization: string | undefined,
  rawBody: string,
  now = Date.now(),
): Promise<SignatureCheck> {
  const match = /^Bearer ([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/.exec(
    authorization ?? '',
  );
  if (!match || match[0].length > 4000) return { ok: false, reason: 'missing signature' };
  const [, headerPart, payloadPart, signaturePart] = match as unknown as [
    string,
    string,
    string,
    string,
  ];
  const header = decodeJsonPart(headerPart);
  if (!header || header.alg !== 'HS256') return { ok: false, reason: 'not an HS256 token' };
  const expected = createHmac('sha256', vonage.signatureSecret)
    .update(`${headerPart}.${payloadPart}`)
    .digest();
  const signature = Buffer.from(signaturePart, 'base64url');
  if (signature.length !== expected.length || !timingSafeEqual(signature, expected)) {
    return { ok: false, reason: 'bad signature' };
  }
  const claims = decodeJsonPart(payloadPart);
  if (!claims) return { ok: false, reason: 'bad claims' };
  const nowSec = now / 1000;
  if (typeof claims.iat !== 'number') return { ok: false, reason: 'missing iat' };
  if (claims.iat > nowSec + CLOCK_TOLERANCE_SEC) return { ok: false, reason: 'iat in the future' };
  if (nowSec - claims.iat > vonage.webhookMaxAgeSec + CLOCK_TOLERANCE_SEC)
    return { ok: false, reason: 'too old' };
  if (
    claims.exp !== undefined &&
    (typeof claims.exp !== 'number' || claims.exp + CLOCK_TOLERANCE_SEC < nowSec)
  ) {
    return { ok: false, reason: 'expired' };
  }
  if (
    claims.nbf !== undefined &&
    (typeof claims.nbf !== 'number' || claims.nbf - CLOCK_TOLERANCE_SEC > nowSec)
  ) {
    return { ok: false, reason: 'not yet valid' };
  }
  if (claims.iss !== undefined && claims.iss !== 'Vonage')
    return { ok: false, reason: 'wrong issuer' };
  if (vonage.apiKey && claims.api_key !== vonage.apiKey)
    return { ok: false, reason: 'wrong api_key' };
  if (claims.application_id !== undefined && claims.application_id !== vonage.applicationId) {
    return { ok: false, reason: 'wrong application_id' };
  }
  const hash = claims.payload_hash;
  if (rawBody.length > 0 || hash !== undefined) {
    if (typeof hash !== 'string' || !/^[0-9a-fA-F]{64}$/.test(hash)) {
      return { ok: false, reason: 'missing payload_hash' };
    }
    const bodyHash = createHash('sha256').update(rawBody, 'utf8').digest();
    if (!timingSafeEqual(bodyHash, Buffer.from(hash, 'hex')))
      return { ok: false, reason: 'payload_hash mismatch' };
  }
  return { ok: true, claims };
}

export type AnswerTokenCheck =
  { ok: true; jti: string; keepUntil: number } | { ok: false; reason: string };

/**
 * What an answer webhook's (verified) token must also carry: our application id, and a `jti` to
 * refuse replays by, remembered until the token is too old to be accepted anyway (`keepUntil`).
 */
export function checkAnswerToken(vonage: VonageConfig, claims: Claims): AnswerTokenCheck {
  if (claims.application_id !== vonage.applicationId)
    return { ok: false, reason: 'missing or wrong application_id' };
  const jti = claims.jti;
  if (typeof jti !== 'string' || jti.length === 0 || jti.length > 256)
    return { ok: false, reason: 'missing jti' };
  const iat = claims.iat as number; // checked by verifySignedWebhook
  return { ok: true, jti, keepUntil: (iat + vonage.webhookMaxAgeSec + CLOCK_TOLERANCE_SEC) * 1000 };
}

const MAX_DEPTH = 32;

/** A webhook body nested deeper than any real Vonage event. */
export class TooDeepError extends Error {}

/** Stable JSON (sorted keys), so a repeated delivery hashes the same whatever its key order. */
export function canonicalJson(value: unknown, depth = 0): string {
  if (depth > MAX_DEPTH) throw new TooDeepError();
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v, depth + 1)).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v, depth + 1)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
