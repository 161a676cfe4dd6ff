// The extension's calls to its backend: sign-in, sign-out and the call history, through the typed client.
import { z } from 'zod';
import { CallFailure } from '../call/provider';
import { backendClient, expectOk } from '../call/backendClient';
import type { AgentInfo } from '../contract/agent';
import type { Dispositions, Wrapup } from '../contract/call';
import type { PresenceChoice } from '../contract/presence';
import { agentInfoSchema, callRecordSchema, dispositionsSchema } from '../contract/schemas';
import type { RecentCall, WrapupSaved } from '../messaging/background';

export const sessionResponseSchema = z.object({
  token: z.string().min(1),
  expiresAt: z.union([z.string(), z.number()]),
  agent: agentInfoSchema,
});

export interface SignedIn {
  token: string;
  expiresAt: number;
  agent: AgentInfo;
  backendUrl: string;
}

export async function requestSession(
  backendUrl: string,
  accessKey: string,
  fetchImpl = fetch,
): Promise<SignedIn> {
  const response = await backendClient(backendUrl, { fetch: fetchImpl }).api.session.$post({
    json: { accessKey },
  });
  const parsed = sessionResponseSchema.safeParse(await expectOk(response, 'sign-in'));
  if (!parsed.success)
    throw new CallFailure(
      'backend-unreachable',
      'the backend answered sign-in with an unexpected body',
    );
  const expiresAt =
    typeof parsed.data.expiresAt === 'number'
      ? parsed.data.expiresAt
      : Date.parse(parsed.data.expiresAt);
  return { token: parsed.data.token, expiresAt, agent: parsed.data.agent, backendUrl };
}

export async function endSession(auth: SignedIn, fetchImpl = fetch): Promise<void> {
  await backendClient(auth.backendUrl, { token: auth.token, fetch: fetchImpl })
    .api.session.$delete()
    .catch(() => undefined);
}

/** The fields of a history row the popup shows; a row without them is skipped, not the page. */
const historyRowSchema = callRecordSchema
  .pick({
    uuid: true,
    direction: true,
    status: true,
    from: true,
    to: true,
    createdAt: true,
    answeredAt: true,
    endedAt: true,
    duration: true,
    contactName: true,
    extension: true,
    outcome: true,
    notes: true,
    followUpOn: true,
  })
  .partial({ from: true, to: true, answeredAt: true, endedAt: true, duration: true });

/** The agent's history from `GET /api/calls`, newest first, reduced to what the popup shows. */
export async function requestRecentCalls(
  auth: SignedIn,
  limit: number,
  fetchImpl = fetch,
): Promise<RecentCall[]> {
  const response = await backendClient(auth.backendUrl, {
    token: auth.token,
    fetch: fetchImpl,
  }).api.calls.$get({ query: { limit: String(limit) } });
  const body: unknown = await expectOk(response, 'calls');
  const rows: unknown[] = Array.isArray((body as { items?: unknown } | null)?.items)
    ? (body as { items: unknown[] }).items
    : [];
  const items: RecentCall[] = [];
  for (const row of rows) {
    const item = toRecentCall(row);
    if (item) items.push(item);
  }
  return items;
}

/** Sets the agent's presence (`PUT /api/presence`); repeated, it is the heartbeat. */
export async function sendPresence(
  auth: SignedIn,
  presence: PresenceChoice,
  fetchImpl = fetch,
): Promise<void> {
  const response = await backendClient(auth.backendUrl, {
    token: auth.token,
    fetch: fetchImpl,
  }).api.presence.$put({ json: { presence } });
  if ((response.status as number) === 401)
    throw new CallFailure('session-expired', 'presence: HTTP 401');
  if (!response.ok)
    throw new CallFailure('backend-unreachable', `presence: HTTP ${response.status}`);
}

/** A history row as the popup shows it; null when it lacks what the popup needs. */
function toRecentCall(row: unknown): RecentCall | null {
  const parsed = historyRowSchema.safeParse(row);
  if (!parsed.success) return null;
  const { from, to, answeredAt, endedAt, duration, ...rest } = parsed.data;
  return {
    uuid: rest.uuid,
    direction: rest.direction,
    status: rest.status,
    createdAt: rest.createdAt,
    remote: (rest.direction === 'inbound' ? from : to) ?? null,
    answeredAt: answeredAt ?? null,
    endedAt: endedAt ?? null,
    duration: duration ?? null,
    contactName: rest.contactName ?? null,
    extension: rest.extension ?? null,
    outcome: rest.outcome ?? null,
    notes: rest.notes ?? null,
    followUpOn: rest.followUpOn ?? null,
  };
}

/** The deployment's disposition list (`GET /api/dispositions`). */
export async function requestDispositions(
  auth: SignedIn,
  fetchImpl = fetch,
): Promise<Dispositions> {
  const response = await backendClient(auth.backendUrl, {
    token: auth.token,
    fetch: fetchImpl,
  }).api.dispositions.$get();
  const parsed = dispositionsSchema.safeParse(await expectOk(response, 'calls'));
  if (!parsed.success)
    throw new CallFailure('backend-unreachable', 'the backend answered with an unexpected body');
  return parsed.data;
}

/**
 * Saves a wrap-up (`PUT /api/calls/:id/wrapup`). A refusal (400/403/404) comes back with the
 * backend's message; the rest (offline, signed out) rejects like any backend request.
 */
export async function requestSaveWrapup(
  auth: SignedIn,
  callId: string,
  wrapup: Wrapup,
  fetchImpl = fetch,
): Promise<WrapupSaved> {
  const response = await backendClient(auth.backendUrl, {
    token: auth.token,
    fetch: fetchImpl,
  }).api.calls[':id'].wrapup.$put({ param: { id: callId }, json: wrapup });
  if (response.status === 400 || response.status === 403 || response.status === 404) {
    const body = (await response.json().catch(() => null)) as { error?: unknown } | null;
    return { ok: false, error: typeof body?.error === 'string' ? body.error : response.statusText };
  }
  const call = toRecentCall(await expectOk(response, 'calls'));
  if (!call)
    throw new CallFailure('backend-unreachable', 'the backend answered with an unexpected body');
  return { ok: true, call };
}
