// The console's calls to /api/admin: same-origin, cookie session, CSRF token on every change, and
// errors as ApiError with the server's message key (translated by the page).
import type { AdminSessionView } from '../contract/admin';

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code?: string,
    readonly fields: Record<string, string> = {},
  ) {
    super(message);
  }
}

let csrfToken = '';
/** Called when the server says the session is gone (401): the app shows the sign-in form. */
let onSignedOut: () => void = () => {};

export function setSession(session: AdminSessionView | null, signedOut?: () => void): void {
  csrfToken = session?.csrfToken ?? '';
  if (signedOut) onSignedOut = signedOut;
}

export async function api<T>(
  path: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ data: T; response: Response }> {
  const method = init.method ?? 'GET';
  const headers: Record<string, string> = { ...init.headers };
  if (method !== 'GET') headers['x-csrf-token'] = csrfToken;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(`/api/admin${path}`, {
      method,
      headers,
      credentials: 'same-origin',
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    });
  } catch {
    throw new ApiError('network', 0, 'adminErrNetwork');
  }
  if (response.status === 204) return { data: undefined as T, response };
  const data = (await response.json().catch(() => ({}))) as T & {
    error?: string;
    code?: string;
    fields?: Record<string, string>;
  };
  if (!response.ok) {
    if (response.status === 401 && !path.startsWith('/session')) onSignedOut();
    throw new ApiError(data.error ?? response.statusText, response.status, data.code, data.fields);
  }
  return { data, response };
}
