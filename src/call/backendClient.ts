// The extension's one way to call its backend: Hono's typed client over the backend's own routes
// (`AppType` is imported as a type, so no backend code enters the bundle), one timeout, and one
// mapping from HTTP failures to codes the agent can act on. Used by the background (sign-in,
// history), the providers (their call credentials, Vonage's refusal lookup) and the self-test.
import { hc, type ClientResponse } from 'hono/client';
import type { SuccessStatusCode } from 'hono/utils/http-status';
import type { AppType } from '../../backend/app';
import { CallFailure } from './provider';

export const BACKEND_TIMEOUT_MS = 8000;

export interface BackendClientOptions {
  /** The agent's session token, sent as `Authorization: Bearer …`. */
  token?: string;
  fetch?: typeof fetch;
  /** Longer than this and the request fails as `backend-unreachable`. */
  timeoutMs?: number;
}

/**
 * The typed client for the backend at `backendUrl` (its origin: the routes are absolute). A network
 * failure or timeout rejects with `backend-unreachable`, the original error as its `cause`.
 */
export function backendClient(backendUrl: string, options: BackendClientOptions = {}) {
  const fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
  const timeoutMs = options.timeoutMs ?? BACKEND_TIMEOUT_MS;
  const origin = new URL(backendUrl).origin;
  return hc<AppType>(origin, {
    headers: options.token ? { authorization: `Bearer ${options.token}` } : {},
    fetch: async (input: RequestInfo | URL, init?: RequestInit) => {
      try {
        return await fetchImpl(input, { ...init, signal: AbortSignal.timeout(timeoutMs) });
      } catch (error) {
        const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        throw Object.assign(new CallFailure('backend-unreachable', `${origin}: ${detail}`), {
          cause: error,
        });
      }
    },
  });
}

export type BackendClient = ReturnType<typeof backendClient>;

/** What a request is, for the failure it maps to (sign-in and the credentials read their statuses differently). */
export type BackendRequest = 'sign-in' | 'calls' | 'token/vonage' | 'token/clevertap';

/** The body of a successful response, as the route declares it. */
export type SuccessBody<R> =
  R extends ClientResponse<infer T, infer S, 'json'>
    ? S extends SuccessStatusCode
      ? T
      : never
    : never;

/**
 * The success body of `response` (null if it is not JSON: the caller validates it anyway, the
 * backend's address is the agent's to set), or the CallFailure its status means.
 */
export async function expectOk<R extends ClientResponse<unknown>>(
  response: R,
  request: BackendRequest,
): Promise<SuccessBody<R> | null> {
  if (!response.ok) throw await failureFor(request, response);
  return (await response.json().catch(() => null)) as SuccessBody<R> | null;
}

/** HTTP status → the code the agent can act on; the one mapping for every backend request. */
export async function failureFor(
  request: BackendRequest,
  response: Pick<Response, 'status' | 'text'>,
): Promise<CallFailure> {
  const { status } = response;
  if (request === 'sign-in') {
    if (status === 401 || status === 403)
      return new CallFailure('invalid-credentials', 'the backend did not accept this access key');
    if (status === 429)
      return new CallFailure(
        'invalid-credentials',
        'too many sign-in attempts; wait a minute and try again',
      );
    return new CallFailure('backend-unreachable', `sign-in failed with HTTP ${status}`);
  }
  if (status === 401)
    return new CallFailure(
      'session-expired',
      request === 'calls'
        ? 'the backend ended the session'
        : 'the backend refused our session token',
    );
  // The admin has not set this provider (or this agent) up.
  if (request !== 'calls' && [403, 404, 409, 503].includes(status)) {
    const text = await response.text().catch(() => '');
    return new CallFailure(
      'provider-not-configured',
      `${request} HTTP ${status} ${text.slice(0, 200)}`,
    );
  }
  return new CallFailure('backend-unreachable', `${request} HTTP ${status}`);
}
