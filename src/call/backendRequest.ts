// Requests from the extension to its backend: one timeout, and failures turned into codes the agent
// can act on. Used by the background (sign-in, history) and by providers (their call credentials).
import { CallFailure } from './provider';

export const BACKEND_TIMEOUT_MS = 8000;

/** fetch with a timeout; a network failure or timeout becomes `backend-unreachable`. */
export async function backendRequest(
  url: URL,
  init: RequestInit = {},
  fetchImpl: typeof fetch = fetch,
): Promise<Response> {
  try {
    return await fetchImpl(url, { ...init, signal: AbortSignal.timeout(BACKEND_TIMEOUT_MS) });
  } catch (error) {
    const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new CallFailure('backend-unreachable', `${url.origin}: ${detail}`);
  }
}

/**
 * A provider's credentials from `/api/token/<provider>`, as JSON for the caller to validate.
 * 401 means the agent's session is over; 403/404/409/503 mean the admin has not set this provider
 * (or this agent) up.
 */
export async function fetchProviderCredentials(
  backendUrl: string,
  sessionToken: string,
  provider: 'vonage' | 'clevertap',
  method: 'GET' | 'POST',
  fetchImpl: typeof fetch = fetch,
): Promise<unknown> {
  const url = new URL(`/api/token/${provider}`, backendUrl);
  const response = await backendRequest(
    url,
    { method, headers: { authorization: `Bearer ${sessionToken}` } },
    fetchImpl,
  );
  if (response.status === 401)
    throw new CallFailure('session-expired', 'the backend refused our session token');
  if ([403, 404, 409, 503].includes(response.status)) {
    const text = await response.text().catch(() => '');
    throw new CallFailure(
      'provider-not-configured',
      `token/${provider} HTTP ${response.status} ${text.slice(0, 200)}`,
    );
  }
  if (!response.ok)
    throw new CallFailure('backend-unreachable', `token/${provider} HTTP ${response.status}`);
  return response.json().catch(() => null);
}
