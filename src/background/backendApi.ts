// The extension's calls to its backend: sign-in and sign-out, with errors mapped to clear codes.
import { z } from 'zod';
import { CallFailure } from '../call/provider';
import { backendRequest } from '../call/backendRequest';
import {
  agentInfoSchema,
  recentCallSchema,
  type AgentInfo,
  type RecentCall,
} from '../messaging/protocol';

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
  const response = await backendRequest(
    new URL('/api/session', backendUrl),
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ accessKey }),
    },
    fetchImpl,
  );
  if (response.status === 401 || response.status === 403) {
    throw new CallFailure('invalid-credentials', 'the backend did not accept this access key');
  }
  if (response.status === 429) {
    throw new CallFailure(
      'invalid-credentials',
      'too many sign-in attempts; wait a minute and try again',
    );
  }
  if (!response.ok)
    throw new CallFailure('backend-unreachable', `sign-in failed with HTTP ${response.status}`);
  const parsed = sessionResponseSchema.safeParse(await response.json().catch(() => null));
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
  await backendRequest(
    new URL('/api/session', auth.backendUrl),
    {
      method: 'DELETE',
      headers: { authorization: `Bearer ${auth.token}` },
    },
    fetchImpl,
  ).catch(() => undefined);
}

/** The agent's history from `GET /api/calls`, newest first, reduced to what the popup shows. */
export async function requestRecentCalls(
  auth: SignedIn,
  limit: number,
  fetchImpl = fetch,
): Promise<RecentCall[]> {
  const url = new URL('/api/calls', auth.backendUrl);
  url.searchParams.set('limit', String(limit));
  const response = await backendRequest(
    url,
    { headers: { authorization: `Bearer ${auth.token}` } },
    fetchImpl,
  );
  if (response.status === 401)
    throw new CallFailure('session-expired', 'the backend ended the session');
  if (!response.ok) throw new CallFailure('backend-unreachable', `calls: HTTP ${response.status}`);
  const body = (await response.json().catch(() => null)) as { items?: unknown } | null;
  const rows = Array.isArray(body?.items) ? (body.items as Record<string, unknown>[]) : [];
  const items: RecentCall[] = [];
  for (const row of rows) {
    const inbound = row.direction === 'inbound';
    const parsed = recentCallSchema.safeParse({
      uuid: row.uuid,
      direction: row.direction,
      status: row.status,
      remote: (inbound ? row.from : row.to) ?? null,
      createdAt: row.createdAt,
      answeredAt: row.answeredAt ?? null,
      endedAt: row.endedAt ?? null,
    });
    if (parsed.success) items.push(parsed.data);
  }
  return items;
}
