// Webhook endpoints: what an admin may register (HTTPS, public addresses, a strong secret), listing
// with delivery counts, removal and a test delivery. The admin CLI calls these; a console can too.
import { randomBytes } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import type { Store } from '../db/store';
import { addressRefusal, classifyAddress } from './address';
import { deliver, type DeliveryResult } from './deliver';

export class WebhookError extends Error {}

export const MIN_SECRET_BYTES = 32;
const MAX_URL_LENGTH = 2048;

export interface EndpointPolicy {
  /** Test-only: lets endpoints on 127.0.0.0/8 and ::1 (and plain http there) through. */
  allowLoopback: boolean;
}

/** `WEBHOOKS_ALLOW_LOOPBACK=1` (tests and benchmarks only) lets loopback receivers through. */
export function policyFromEnv(env: Record<string, string | undefined>): EndpointPolicy {
  return { allowLoopback: env.WEBHOOKS_ALLOW_LOOPBACK === '1' };
}

/** Checks an endpoint URL, resolving its hostname; throws WebhookError with the reason. */
export async function checkEndpointUrl(raw: string, policy: EndpointPolicy): Promise<URL> {
  if (raw.length > MAX_URL_LENGTH)
    throw new WebhookError(`Webhook URL too long (${MAX_URL_LENGTH} characters max)`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new WebhookError(`Invalid webhook URL "${raw}": expected https://host/path`);
  }
  if (url.username || url.password)
    throw new WebhookError('Webhook URL must not contain credentials: the secret signs each event');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const addresses = isIP(host)
    ? [host]
    : await lookup(host, { all: true }).then(
        (list) => list.map((a) => a.address),
        (error: Error) => {
          throw new WebhookError(`Cannot resolve ${host}: ${error.message}`);
        },
      );
  const loopbackOnly = addresses.every((a) => classifyAddress(a) === 'loopback');
  if (
    url.protocol !== 'https:' &&
    !(url.protocol === 'http:' && policy.allowLoopback && loopbackOnly)
  )
    throw new WebhookError(`Webhook URL must use https:// (got ${url.protocol}//)`);
  for (const address of addresses) {
    const refusal = addressRefusal(address, policy.allowLoopback);
    if (refusal)
      throw new WebhookError(
        `Refused ${url.origin}: ${host === address ? '' : `${host} → `}${refusal}`,
      );
  }
  return url;
}

export function checkSecret(secret: string): string {
  const bytes = Buffer.byteLength(secret, 'utf8');
  if (bytes < MIN_SECRET_BYTES)
    throw new WebhookError(
      `Webhook secret too short: ${bytes} bytes, at least ${MIN_SECRET_BYTES} needed (omit --secret-file to generate one)`,
    );
  if (bytes > 1024) throw new WebhookError('Webhook secret too long (1,024 bytes max)');
  return secret;
}

/** Reads a secret file; one trailing newline (as editors add) is not part of the secret. */
export async function readSecretFile(path: string): Promise<string> {
  const text = await readFile(path, 'utf8').catch((error: Error) => {
    throw new WebhookError(`Cannot read secret file ${path}: ${error.message}`);
  });
  return checkSecret(text.replace(/\r?\n$/, ''));
}

export async function addEndpoint(
  store: Store,
  rawUrl: string,
  opts: { secret?: string; policy: EndpointPolicy },
): Promise<{ id: number; url: string; secret: string; generated: boolean }> {
  const url = await checkEndpointUrl(rawUrl, opts.policy);
  const generated = opts.secret === undefined;
  const secret =
    opts.secret === undefined ? randomBytes(32).toString('base64url') : checkSecret(opts.secret);
  const row = await store.insertWebhookEndpoint(url.toString(), secret, Date.now());
  return { id: row.id, url: row.url, secret, generated };
}

export interface EndpointSummary {
  id: number;
  url: string;
  delivered: number;
  failed: number;
  pending: number;
  failedAttempts: number;
  lastError: string | null;
  lastErrorAt: number | null;
}

export async function listEndpoints(store: Store): Promise<EndpointSummary[]> {
  return (await store.listWebhookEndpoints()).map((e) => ({
    id: e.id,
    url: e.url,
    delivered: e.delivered,
    failed: e.failed,
    pending: e.pending,
    failedAttempts: Number(e.failed_attempts),
    lastError: e.last_error,
    lastErrorAt: e.last_error_at,
  }));
}

export function parseEndpointId(raw: string | undefined): number {
  if (!raw || !/^\d{1,15}$/.test(raw))
    throw new WebhookError(`Invalid webhook id "${raw ?? ''}": use the id from webhook list`);
  return Number(raw);
}

export async function removeEndpoint(store: Store, id: number): Promise<void> {
  if (!(await store.deleteWebhookEndpoint(id))) throw new WebhookError(`No webhook with id ${id}`);
}

/** Sends a signed `webhook.test` event now (not through the outbox) and reports what came back. */
export async function testEndpoint(
  store: Store,
  id: number,
  opts: { policy: EndpointPolicy; timeoutMs?: number },
): Promise<DeliveryResult> {
  const endpoint = await store.getWebhookEndpoint(id);
  if (!endpoint) throw new WebhookError(`No webhook with id ${id}`);
  const eventId = `evt_test_${randomBytes(12).toString('hex')}`;
  const body = JSON.stringify({
    id: eventId,
    type: 'webhook.test',
    version: 1,
    createdAt: new Date().toISOString(),
    data: {},
  });
  return deliver(
    { url: endpoint.url, secret: endpoint.secret, eventId, type: 'webhook.test', body, attempt: 1 },
    { allowLoopback: opts.policy.allowLoopback, timeoutMs: opts.timeoutMs ?? 10_000 },
  );
}
