import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addAgent } from '../agents';
import { makeTestApp, type TestApp } from '../testing/support';

/** The Node bindings @hono/node-server gives a request: here only the peer's address. */
const peer = (remoteAddress: string) => ({
  incoming: {
    socket: { remoteAddress, remoteFamily: remoteAddress.includes(':') ? 'IPv6' : 'IPv4' },
  },
});

const PROXY = '10.0.0.2';
const ATTACKER = '203.0.113.9';
const AGENT = '198.51.100.7';
const JUNK = `c2c_000000000000_${'A'.repeat(32)}`;

describe.each([
  ['behind a trusted proxy', ['10.0.0.0/8']],
  ['behind a trusted proxy given by address', ['127.0.0.1', PROXY]],
])('sign-in limits %s', (_label, trustProxy) => {
  let t: TestApp;
  let key: string;
  const signIn = (accessKey: string, socket: string, forwardedFor?: string) =>
    t.app.request(
      '/api/session',
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}),
        },
        body: JSON.stringify({ accessKey }),
      },
      peer(socket),
    );

  beforeAll(async () => {
    t = await makeTestApp('sqlite', { trustProxy });
    key = (await addAgent(t.store, 'ava')).accessKey;
  });
  afterAll(() => t.close());

  it('100 junk sign-ins from one client lock out that client, not every agent behind the proxy', async () => {
    for (let i = 0; i < 100; i++) await signIn(JUNK, PROXY, ATTACKER);
    const attacker = await signIn(JUNK.replace('000000000000', '000000000001'), PROXY, ATTACKER);
    expect(attacker.status).toBe(429);
    expect((await signIn(key, PROXY, AGENT)).status).toBe(200);
  });

  it('believes only the hop the proxy added: addresses the client writes further left change nothing', async () => {
    const client = '192.0.2.44';
    for (let i = 0; i < 100; i++)
      await signIn(JUNK, PROXY, `198.18.${i % 250}.${i % 7}, ${client}`);
    expect((await signIn(JUNK, PROXY, `198.18.99.99, ${client}`)).status).toBe(429);
  });

  it('wrong keys against an agent’s key id lock out the guesser, never the agent elsewhere', async () => {
    const wrong = key.slice(0, -4) + 'ZZZZ';
    const guesser = '192.0.2.77';
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await signIn(wrong, PROXY, guesser)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    // The guesser now waits even with the right key…
    expect((await signIn(key, PROXY, guesser)).status).toBe(429);
    // …and the agent, from their own address, signs in.
    expect((await signIn(key, PROXY, '198.51.100.8')).status).toBe(200);
  });

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', async () => {
    const direct = '192.0.2.99';
    for (let i = 0; i < 100; i++) await signIn(JUNK, direct, `198.19.0.${i}`);
    expect((await signIn(JUNK, direct, '198.19.1.1')).status).toBe(429);
    expect((await signIn(key, PROXY, '198.51.100.9')).status).toBe(200);
  });
});

describe('sign-in limits without TRUST_PROXY', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeTestApp('sqlite');
  });
  afterAll(() => t.close());

  it('counts the socket address, whatever X-Forwarded-For says', async () => {
    const request = (forwardedFor: string) =>
      t.app.request(
        '/api/session',
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
          body: JSON.stringify({ accessKey: JUNK }),
        },
        peer('::ffff:192.0.2.5'),
      );
    for (let i = 0; i < 100; i++) await request(`198.20.0.${i}`);
    expect((await request('198.20.1.1')).status).toBe(429);
  });
});
