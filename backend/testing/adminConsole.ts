// Test support for the admin API: signing in to the console through app.request() and sending
// requests with its cookie, CSRF token and Origin.
import { addAgent } from '../agents';
import type { TestApp } from './support';
import { ADMIN_COOKIE } from '../admin/session';

export const ORIGIN = 'http://localhost';

export interface ConsoleSession {
  cookie: string;
  csrf: string;
}

export interface AdminRequest {
  method?: string;
  body?: unknown;
  session?: ConsoleSession | undefined;
  /** Override the CSRF header (null: none). */
  csrf?: string | null;
  /** Override the Origin header (null: none). */
  origin?: string | null;
  headers?: Record<string, string>;
}

export function adminRequest(t: TestApp, path: string, req: AdminRequest = {}) {
  const headers: Record<string, string> = { ...req.headers };
  const origin = req.origin === undefined ? ORIGIN : req.origin;
  if (origin) headers.origin = origin;
  if (req.session) headers.cookie = req.session.cookie;
  const csrf = req.csrf === undefined ? req.session?.csrf : req.csrf;
  if (csrf) headers['x-csrf-token'] = csrf;
  if (req.body !== undefined) headers['content-type'] = 'application/json';
  return t.app.request(path, {
    method: req.method ?? 'GET',
    headers,
    ...(req.body !== undefined ? { body: JSON.stringify(req.body) } : {}),
  });
}

export async function consoleSignIn(t: TestApp, accessKey: string): Promise<ConsoleSession> {
  const res = await adminRequest(t, '/api/admin/session', {
    method: 'POST',
    body: { accessKey },
  });
  if (res.status !== 200) throw new Error(`console sign-in: ${res.status} ${await res.text()}`);
  const setCookie = res.headers.get('set-cookie') ?? '';
  const value = new RegExp(`${ADMIN_COOKIE}=([^;]+)`).exec(setCookie)?.[1];
  if (!value) throw new Error(`no ${ADMIN_COOKIE} cookie in "${setCookie}"`);
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return { cookie: `${ADMIN_COOKIE}=${value}`, csrf: csrfToken };
}

/** Adds an admin and signs it in to the console. */
export async function signedInAdmin(
  t: TestApp,
  name: string,
): Promise<ConsoleSession & { accessKey: string }> {
  const { accessKey } = await addAgent(t.store, name, { admin: true });
  return { ...(await consoleSignIn(t, accessKey)), accessKey };
}
