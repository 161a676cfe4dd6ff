import { hc } from 'hono/client';
import { describe, expect, it } from 'vitest';
import { addAgent } from './agents';
import type { AppType } from './app';
import { createLogger } from './log';
import { startServer } from './server';
import {
  SignalClient,
  SseClient,
  TEST_SIGNATURE_SECRET,
  signIn,
  signWebhook,
  tempDir,
  testVonageConfig,
} from './testing/support';

describe('server', () => {
  it('logs JSON lines with request ids and never a secret', async () => {
    const dir = tempDir();
    const lines: string[] = [];
    const { vonage } = testVonageConfig(dir.path);
    const server = await startServer(
      {
        port: 0,
        host: '127.0.0.1',
        dataDir: dir.path,
        vonage,
        allowedCountries: ['GB'],
        clevertap: { accountId: 'acc', apiKey: 'clevertap-api-key-secret', projectId: 'P-1' },
      },
      { env: {}, log: createLogger('debug', (line) => lines.push(line)) },
    );
    try {
      const { accessKey } = await addAgent(server.store, 'alice', {
        vonageUser: 'alice-v',
        cuid: 'c',
      });
      const token = await signIn(server.url, accessKey);
      const auth = { authorization: `Bearer ${token}` };
      const jwt = (await (
        await fetch(`${server.url}/api/token/vonage`, { method: 'POST', headers: auth })
      ).json()) as {
        jwt: string;
      };
      await fetch(`${server.url}/api/token/clevertap`, { headers: auth });
      await fetch(`${server.url}/api/events?access_token=${token}`).then((r) => r.body?.cancel());
      const body = JSON.stringify({ uuid: 'log-1', status: 'started' });
      const signature = await signWebhook(body);
      await fetch(`${server.url}/webhooks/event`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: signature },
        body,
      });
      await fetch(`${server.url}/webhooks/event`, { method: 'POST', body }); // unsigned: logged as refused
      await fetch(`${server.url}/api/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ accessKey: accessKey.slice(0, -3) + 'xyz' }),
      });
      const text = lines.join('\n');
      for (const secret of [
        accessKey,
        accessKey.slice(17),
        token,
        jwt.jwt,
        signature.slice(7),
        TEST_SIGNATURE_SECRET,
        'clevertap-api-key-secret',
      ]) {
        expect(text).not.toContain(secret);
      }
      const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
      const requests = records.filter((r) => r.msg === 'request');
      expect(requests.length).toBeGreaterThanOrEqual(7);
      for (const r of requests)
        expect(r).toMatchObject({ requestId: expect.any(String), status: expect.any(Number) });
      expect(records.some((r) => r.msg === 'webhook refused')).toBe(true);
      expect(records.some((r) => r.msg === 'sign-in refused')).toBe(true);
    } finally {
      await server.close();
      dir.remove();
    }
  });

  it('shuts down gracefully: in-flight requests finish, streams and sockets close, new requests are refused', async () => {
    const dir = tempDir();
    const server = await startServer(
      { port: 0, host: '127.0.0.1', dataDir: dir.path, logLevel: 'silent' },
      { env: {} },
    );
    const { accessKey } = await addAgent(server.store, 'alice');
    const token = await signIn(server.url, accessKey);
    const sse = await SseClient.open(server.url, token);
    const ws = await SignalClient.signedIn(server.url, token);
    // A sign-in takes tens of milliseconds (scrypt): it is in flight when the shutdown starts.
    const inFlight = fetch(`${server.url}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ accessKey }),
    });
    await new Promise((r) => setTimeout(r, 5));
    const closing = server.close();
    expect((await inFlight).status).toBe(200);
    await closing;
    expect(await ws.closed()).toBe(1001);
    await expect.poll(() => sse.done).toBe(true);
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
    dir.remove();
  });

  it('refuses to start with a clear message when the configuration is wrong', async () => {
    await expect(
      startServer({}, { env: { PORT: 'abc', DATABASE_URL: 'mysql://x' } }),
    ).rejects.toThrow(/PORT must be a whole number[\s\S]*DATABASE_URL must be a postgres/);
  });

  it('exposes a typed client for the extension', () => {
    const client = hc<AppType>('http://127.0.0.1:8787');
    expect(typeof client.api.session.$post).toBe('function');
    expect(typeof client.api.calls.$get).toBe('function');
    expect(typeof client.api.token.vonage.$post).toBe('function');
  });
});

describe('server start failures', () => {
  it('reports a taken port clearly and releases the database', async () => {
    const dir = tempDir();
    const first = await startServer(
      { port: 0, host: '127.0.0.1', dataDir: dir.path, logLevel: 'silent' },
      { env: {} },
    );
    try {
      await expect(
        startServer(
          { port: first.port, host: '127.0.0.1', dataDir: dir.path, logLevel: 'silent' },
          { env: {} },
        ),
      ).rejects.toThrow(/Cannot listen on 127.0.0.1:\d+: .*EADDRINUSE/);
    } finally {
      await first.close();
      dir.remove();
    }
  });
});
