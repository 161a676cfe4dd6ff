// The extension's calls to its backend: sign-in and sign-out, with errors mapped to clear codes.
import { z } from 'zod';
import { CallFailure } from '../call/provider';
import { agentInfoSchema, type AgentInfo } from '../messaging/protocol';

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

const TIMEOUT_MS = 8000;

export async function requestSession(
  backendUrl: string,
  accessKey: string,
  fetchImpl = fetch,
): Promise<SignedIn> {
  const response = await call(fetchImpl, new URL('/api/session', backendUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ accessKey }),
  });
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
  await call(fetchImpl, new URL('/api/session', auth.backendUrl), {
    method: 'DELETE',
    headers: { authorization: `Bearer ${auth.token}` },
  }).catch(() => undefined);
}

async function call(fetchImpl: typeof fetch, url: URL, init: RequestInit): Promise<Response> {
  try {
    return await fetchImpl(url, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (error) {
    const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new CallFailure('backend-unreachable', `${url.origin}: ${detail}`);
  }
}
