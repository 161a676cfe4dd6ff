// A built-in call whose sides are on different instances survives either instance stopping: the
// other side's instance holds the call, and the side that was away resumes it on any instance.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addAgent, checkAccessKey, createSession } from '../agents';
import { createLogger } from '../log';
import {
  SignalClient,
  engines,
  eventually,
  freshPgDatabase,
  startTestBackend,
  makeTestApp,
  type TestBackend,
} from '../testing/support';
import { PgSignalBus } from './crossInstance';
import { SignalRelay } from './relay';

const pgAvailable = engines().find((e) => e.name === 'pg')!.available;
const SDP = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\n';
let n = 0;
const newCallId = () => `xres-${Date.now()}-${++n}`;

const ice = (candidate: string) => ({ candidate, sdpMid: '0' });
const iceFrom = (candidate: string) => (m: Record<string, unknown>) =>
  m.t === 'ice' && (m.candidate as { candidate: string }).candidate === candidate;

describe.skipIf(!pgAvailable)('resuming a call split over two instances', () => {
  let db: Awaited<ReturnType<typeof freshPgDatabase>>;
  const backends: TestBackend[] = [];
  const start = async () => {
    const backend = await startTestBackend('pg', {}, { databaseUrl: db.url });
    backends.push(backend);
    return backend;
  };
  const stop = async (backend: TestBackend) => {
    backends.splice(backends.indexOf(backend), 1);
    await backend.close();
  };

  beforeAll(async () => {
    db = await freshPgDatabase();
  });
  afterAll(async () => {
    for (const backend of [...backends]) await backend.close();
    await db?.drop();
  });

  async function answeredCall(caller: SignalClient, callee: SignalClient, to: string) {
    const callId = newCallId();
    caller.send({ t: 'invite', callId, to, sdp: SDP });
    await callee.next((m) => m.t === 'invite' && m.callId === callId);
    callee.send({ t: 'answer', callId, sdp: SDP });
    await caller.next((m) => m.t === 'answer' && m.callId === callId);
    const store = backends[0]!.store;
    await eventually(async () => (await store.getCall(callId))?.status === 'answered' || undefined);
    return callId;
  }

  async function exchange(x: SignalClient, y: SignalClient, callId: string, tag: string) {
    x.send({ t: 'ice', callId, candidate: ice(`${tag}-x`) });
    y.send({ t: 'ice', callId, candidate: ice(`${tag}-y`) });
    await y.next(iceFrom(`${tag}-x`));
    await x.next(iceFrom(`${tag}-y`));
  }

  const hungUp = (client: SignalClient, callId: string) =>
    client.messages.some((m) => m.t === 'hangup' && m.callId === callId);

  it('the callee’s instance stops: the caller’s keeps the call, the callee resumes on a third', async () => {
    const a = await start();
    const b = await start();
    const c = await start();
    const alice = await SignalClient.signedIn(a.url, (await a.agent('alice')).token);
    const bobToken = (await b.agent('bob')).token;
    const bob = await SignalClient.signedIn(b.url, bobToken);
    const callId = await answeredCall(alice, bob, 'agent:bob');

    await stop(b);
    expect(await bob.closed()).toBe(1001);
    // Sent while bob is away: held for him.
    alice.send({ t: 'ice', callId, candidate: ice('while-away') });
    await new Promise((r) => setTimeout(r, 500));
    expect(hungUp(alice, callId)).toBe(false);

    const back = await SignalClient.signedIn(c.url, bobToken);
    back.send({ t: 'resume', callId });
    await back.next(iceFrom('while-away'));
    await exchange(alice, back, callId, 'after');
    back.send({ t: 'dtmf', callId, digits: '42' });
    expect(await alice.next((m) => m.t === 'dtmf')).toMatchObject({
      callId,
      from: 'agent:bob',
      digits: '42',
    });
    alice.send({ t: 'hangup', callId, reason: 'hangup' });
    expect(await back.next((m) => m.t === 'hangup')).toMatchObject({ callId, reason: 'hangup' });
    const record = await eventually(async () => {
      const row = await a.store.getCall(callId);
      return row?.status === 'completed' ? row : undefined;
    });
    expect(record).toMatchObject({ agent: 'alice', reason: null });
    alice.close();
    back.close();
    await stop(a);
    await stop(c);
  });

  it('the caller’s instance stops: the callee’s holds the call, the caller resumes on a new one', async () => {
    const a = await start();
    const c = await start();
    const carolToken = (await a.agent('carol')).token;
    const carol = await SignalClient.signedIn(a.url, carolToken);
    const dave = await SignalClient.signedIn(c.url, (await c.agent('dave')).token);
    const callId = await answeredCall(carol, dave, 'agent:dave');

    await stop(a);
    expect(await carol.closed()).toBe(1001);
    await new Promise((r) => setTimeout(r, 500));
    expect(hungUp(dave, callId)).toBe(false);
    dave.send({ t: 'ice', callId, candidate: ice('while-away') });

    const d = await start();
    const back = await SignalClient.signedIn(d.url, carolToken);
    back.send({ t: 'resume', callId });
    await back.next(iceFrom('while-away'));
    await exchange(back, dave, callId, 'after');
    dave.send({ t: 'hangup', callId, reason: 'hangup' });
    expect(await back.next((m) => m.t === 'hangup')).toMatchObject({ callId, reason: 'hangup' });
    const record = await eventually(async () => {
      const row = await c.store.getCall(callId);
      return row?.status === 'completed' ? row : undefined;
    });
    expect(record).toMatchObject({ agent: 'carol', reason: null });
    expect(hungUp(dave, callId)).toBe(false);
    back.close();
    dave.close();
  });

  it('both sides were on the stopped instance: they resume at once on two others, the call goes on', async () => {
    const a = await start();
    const b = await start();
    const c = await start();
    const erinToken = (await a.agent('erin')).token;
    const frankToken = (await a.agent('frank')).token;
    const erin = await SignalClient.signedIn(a.url, erinToken);
    const frank = await SignalClient.signedIn(a.url, frankToken);
    const callId = await answeredCall(erin, frank, 'agent:frank');

    await stop(a);
    const erin2 = await SignalClient.signedIn(b.url, erinToken);
    const frank2 = await SignalClient.signedIn(c.url, frankToken);
    erin2.send({ t: 'resume', callId });
    frank2.send({ t: 'resume', callId });
    await exchange(erin2, frank2, callId, 'after');
    frank2.send({ t: 'hangup', callId, reason: 'hangup' });
    expect(await erin2.next((m) => m.t === 'hangup')).toMatchObject({ callId, reason: 'hangup' });
    const record = await eventually(async () => {
      const row = await b.store.getCall(callId);
      return row?.status === 'completed' ? row : undefined;
    });
    expect(record).toMatchObject({ agent: 'erin', reason: null });
    expect(hungUp(frank2, callId)).toBe(false);
    erin2.close();
    frank2.close();
  });
});

describe.skipIf(!pgAvailable)('the grace for a split call', () => {
  it('ends the held call as disconnected when the away side never resumes', async () => {
    const t = await makeTestApp('pg');
    const log = createLogger('silent');
    const url = t.deps.config.databaseUrl!;
    const token = async (name: string) => {
      const { accessKey } = await addAgent(t.store, name);
      return (await createSession(t.store, (await checkAccessKey(t.store, accessKey))!, 3600))
        .token;
    };
    const socket = (relay: SignalRelay, auth: string) => {
      const sent: Record<string, unknown>[] = [];
      const conn = relay.connect({ send: (d) => sent.push(JSON.parse(d)), close: () => {} });
      conn.onMessage(JSON.stringify({ t: 'auth', token: auth }));
      return { sent, send: (m: object) => conn.onMessage(JSON.stringify(m)) };
    };
    const busA = new PgSignalBus(url, t.store, log);
    const busB = new PgSignalBus(url, t.store, log);
    await busA.start();
    await busB.start();
    const a = new SignalRelay(t.store, log, 60_000, 300, busA);
    const b = new SignalRelay(t.store, log, 60_000, 300, busB);
    try {
      const caller = socket(a, await token('gina'));
      const callee = socket(b, await token('hal'));
      await eventually(() => caller.sent.some((m) => m.t === 'ready'));
      await eventually(() => callee.sent.some((m) => m.t === 'ready'));
      const callId = newCallId();
      caller.send({ t: 'invite', callId, to: 'agent:hal', sdp: SDP });
      await eventually(() => callee.sent.some((m) => m.t === 'invite'));
      callee.send({ t: 'answer', callId, sdp: SDP });
      await eventually(async () => (await t.store.getCall(callId))?.status === 'answered');

      await b.close();
      await busB.close();
      // Held within the grace...
      await new Promise((r) => setTimeout(r, 100));
      expect(caller.sent.some((m) => m.t === 'hangup')).toBe(false);
      // ...ended once it is over, and recorded.
      await eventually(() => caller.sent.some((m) => m.t === 'hangup'));
      expect(caller.sent.find((m) => m.t === 'hangup')).toMatchObject({
        callId,
        reason: 'disconnected',
        from: 'agent:hal',
      });
      const record = await eventually(async () => {
        const row = await t.store.getCall(callId);
        return row?.status === 'completed' ? row : undefined;
      });
      expect(record.reason).toBe('disconnected');
    } finally {
      await a.close();
      await busA.close();
      await b.close();
      await busB.close();
      await t.close();
    }
  });
});
