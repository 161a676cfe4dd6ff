import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { InferResponseType } from 'hono/client';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { addAgent } from '../../backend/agents';
import { makeTestApp, type TestApp } from '../../backend/testing/support';
import type { AgentInfo } from '../contract/agent';
import type { CallsPage } from '../contract/call';
import { backendClient, expectOk, failureFor, type BackendClient } from './backendClient';
import { CallFailure } from './provider';

const BACKEND = 'http://backend.test';

describe('backendClient against the real app', () => {
  let t: TestApp;
  let accessKey: string;
  /** The app as `fetch`: the client's requests reach the real routes, no network. */
  const appFetch: typeof fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    return t.app.request(`${url.pathname}${url.search}`, init);
  };

  beforeAll(async () => {
    t = await makeTestApp('sqlite');
    ({ accessKey } = await addAgent(t.store, 'ava', { cuid: 'ava_sales' }));
  });
  afterAll(() => t.close());

  it('types each response from its route', () => {
    type Api = BackendClient['api'];
    expectTypeOf<InferResponseType<Api['calls']['$get'], 200>>().toEqualTypeOf<CallsPage>();
    expectTypeOf<
      InferResponseType<Api['session']['$post'], 200>['agent']
    >().toEqualTypeOf<AgentInfo>();
    expectTypeOf<InferResponseType<Api['token']['vonage']['$post'], 200>>().toEqualTypeOf<{
      jwt: string;
      expiresAt: number;
    }>();
  });

  it('signs in and reads the history with the body the route declares', async () => {
    const anonymous = backendClient(BACKEND, { fetch: appFetch });
    const session = await expectOk(
      await anonymous.api.session.$post({ json: { accessKey } }),
      'sign-in',
    );
    expect(session?.agent).toEqual({ name: 'ava', admin: false, cuid: 'ava_sales' });
    const client = backendClient(BACKEND, { token: session!.token, fetch: appFetch });
    const page = await expectOk(await client.api.calls.$get({ query: { limit: '5' } }), 'calls');
    expect(page).toEqual({ items: [], nextCursor: null });
  });

  async function signedIn(): Promise<BackendClient> {
    const anonymous = backendClient(BACKEND, { fetch: appFetch });
    const session = await expectOk(
      await anonymous.api.session.$post({ json: { accessKey } }),
      'sign-in',
    );
    return backendClient(BACKEND, { token: session!.token, fetch: appFetch });
  }

  it('maps a refused access key to invalid-credentials', async () => {
    const client = backendClient(BACKEND, { fetch: appFetch });
    const response = await client.api.session.$post({
      json: { accessKey: 'c2c_000000000000_wrong' },
    });
    expect(response.status).toBe(401);
    await expect(expectOk(response, 'sign-in')).rejects.toMatchObject({
      code: 'invalid-credentials',
    });
  });

  it('maps an unknown session token to session-expired', async () => {
    const client = backendClient(BACKEND, {
      token: 'not-a-session-token-0123456789',
      fetch: appFetch,
    });
    const response = await client.api.calls.$get({ query: { limit: '5' } });
    expect(response.status).toBe(401);
    await expect(expectOk(response, 'calls')).rejects.toMatchObject({ code: 'session-expired' });
  });

  it('maps an unconfigured provider to provider-not-configured', async () => {
    const response = await (await signedIn()).api.token.vonage.$post();
    expect(response.status).toBe(503);
    await expect(expectOk(response, 'token/vonage')).rejects.toMatchObject({
      code: 'provider-not-configured',
    });
  });
});

describe('failureFor (one status → code mapping)', () => {
  it.each([
    ['sign-in', 401, 'invalid-credentials'],
    ['sign-in', 403, 'invalid-credentials'],
    ['sign-in', 429, 'invalid-credentials'],
    ['sign-in', 500, 'backend-unreachable'],
    ['calls', 401, 'session-expired'],
    ['calls', 503, 'backend-unreachable'],
    ['calls', 500, 'backend-unreachable'],
    ['token/vonage', 401, 'session-expired'],
    ['token/vonage', 403, 'provider-not-configured'],
    ['token/vonage', 409, 'provider-not-configured'],
    ['token/clevertap', 404, 'provider-not-configured'],
    ['token/clevertap', 503, 'provider-not-configured'],
    ['token/clevertap', 502, 'backend-unreachable'],
  ] as const)('%s HTTP %i → %s', async (request, status, code) => {
    const failure = await failureFor(request, new Response('{"error":"x"}', { status }));
    expect(failure).toBeInstanceOf(CallFailure);
    expect(failure.code).toBe(code);
  });
});

describe('backendClient over loopback', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    // Accepts the request and never answers.
    server = createServer(() => undefined);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('gives up after the timeout with backend-unreachable', async () => {
    const client = backendClient(url, { timeoutMs: 100 });
    const error: unknown = await client.healthz.$get().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CallFailure);
    expect(error).toMatchObject({ code: 'backend-unreachable', cause: { name: 'TimeoutError' } });
  });

  it('turns a refused connection into backend-unreachable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const error: unknown = await backendClient(`http://127.0.0.1:${port}`)
      .healthz.$get()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'backend-unreachable' });
  });
});
