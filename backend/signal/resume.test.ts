// A backend restart mid-call: answered built-in calls are not ended by the stop, both sides resume
// them on the new instance (same database), and a call that ended while a side was away is reconciled.
import { describe, expect, it } from 'vitest';
import { addAgent, checkAccessKey, createSession } from '../agents';
import { addLine } from '../lines';
import { createLogger } from '../log';
import { startServer, type RunningServer } from '../server';
import {
  SignalClient,
  eventually,
  forEachEngine,
  freshPgDatabase,
  makeTestApp,
  signIn,
  tempDir,
} from '../testing/support';
import { SignalRelay } from './relay';
import type { Party, RelayHooks, SignalBus } from './signalBus';

const SDP = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\n';
const LINE = 'tel:+14155552671';

/** A database that outlives the server: a temp SQLite folder or a fresh PostgreSQL database. */
async function database(engine: 'sqlite' | 'pg') {
  const dir = tempDir();
  const pg = engine === 'pg' ? await freshPgDatabase() : undefined;
  return {
    start: (): Promise<RunningServer> =>
      startServer(
        {
          port: 0,
          host: '127.0.0.1',
          dataDir: dir.path,
          logLevel: 'silent',
          ...(pg ? { databaseUrl: pg.url } : {}),
        },
        { env: {} },
      ),
    async remove() {
      await pg?.drop();
      dir.remove();
    },
  };
}

/** The agent ava and the softphone line's owner, signed in; the line added. */
async function agentAndLine(server: RunningServer) {
  const agentToken = await signIn(server.url, (await addAgent(server.store, 'ava')).accessKey);
  const lineToken = await signIn(server.url, (await addAgent(server.store, 'line')).accessKey);
  await addLine(server.store, LINE, 'line');
  return { agentToken, lineToken };
}

/** Ava calls the line and the line answers. */
async function answeredCall(before: { agent: SignalClient; line: SignalClient }, callId: string) {
  before.agent.send({ t: 'invite', callId, to: LINE, sdp: SDP });
  await before.line.next((m) => m.t === 'invite');
  before.line.send({ t: 'answer', callId, sdp: SDP });
  await before.agent.next((m) => m.t === 'answer');
}

/** Both sides signed in, the line registered. */
async function sides(url: string, agentToken: string, lineToken: string) {
  const agent = await SignalClient.signedIn(url, agentToken);
  const line = await SignalClient.signedIn(url, lineToken);
  line.send({ t: 'register', address: LINE });
  await line.next((m) => m.t === 'registered');
  return { agent, line };
}

/** After a restart: both sides sign in again and resume the call; a keypad digit crosses it. */
async function resumedBoth(url: string, agentToken: string, lineToken: string, callId: string) {
  const after = await sides(url, agentToken, lineToken);
  after.agent.send({ t: 'resume', callId });
  after.line.send({ t: 'resume', callId });
  after.line.send({ t: 'dtmf', callId, digits: '5' });
  expect(await after.agent.next((m) => m.t === 'dtmf')).toMatchObject({ callId, digits: '5' });
  return after;
}

forEachEngine((engine) =>
  describe('a backend restart mid-call (built-in provider)', () => {
    it('keeps an answered call: the stop ends nothing, both sides resume, a later hangup is normal', async () => {
      const db = await database(engine);
      let server = await db.start();
      try {
        const { agentToken, lineToken } = await agentAndLine(server);
        const before = await sides(server.url, agentToken, lineToken);
        const callId = `call-${Date.now()}`;
        await answeredCall(before, callId);
        await eventually(async () => (await server.store.getCall(callId))?.status === 'answered');

        await server.close();
        // Neither side was told the call ended; the record is still a live call.
        expect(await before.agent.closed()).toBe(1001);
        expect(await before.line.closed()).toBe(1001);
        for (const side of [before.agent, before.line])
          expect(side.messages.some((m) => m.t === 'hangup')).toBe(false);

        server = await db.start();
        expect((await server.store.getCall(callId))?.status).toBe('answered');
        // Signalling for the call flows again on the new connections...
        const after = await resumedBoth(server.url, agentToken, lineToken, callId);
        // ...and a hangup reaches the other side and completes the record.
        after.agent.send({ t: 'hangup', callId, reason: 'hangup' });
        expect(await after.line.next((m) => m.t === 'hangup')).toMatchObject({
          callId,
          reason: 'hangup',
          from: 'agent:ava',
        });
        await eventually(async () => (await server.store.getCall(callId))?.status === 'completed');
        after.agent.close();
        after.line.close();
      } finally {
        await server.close();
        await db.remove();
      }
    });

    it('writes an answer it has just relayed before it tells the sides to reconnect', async () => {
      // Another instance rebuilds the call from its record as soon as a side reconnects there: a
      // record still saying "ringing" made it end the call as never answered (a rolling restart).
      const db = await database(engine);
      let server = await db.start();
      try {
        const { agentToken, lineToken } = await agentAndLine(server);
        const before = await sides(server.url, agentToken, lineToken);
        const callId = `call-${Date.now()}`;
        // A slow database: every write waits 150 ms, so the answer's is still pending at the stop.
        const store = server.store;
        const write = store.write.bind(store);
        let answeredAt = Infinity;
        store.write = (async (job, opts) => {
          await new Promise((r) => setTimeout(r, 150));
          const value = await write(job, opts);
          if (answeredAt === Infinity && (await store.getCall(callId))?.status === 'answered')
            answeredAt = performance.now();
          return value;
        }) as typeof store.write;
        await answeredCall(before, callId);
        const stopped = server.close();
        expect(await before.agent.closed()).toBe(1001);
        const toldAt = performance.now();
        await stopped;
        expect(answeredAt).toBeLessThan(toldAt);

        server = await db.start();
        expect((await server.store.getCall(callId))?.status).toBe('answered');
        const after = await resumedBoth(server.url, agentToken, lineToken, callId);
        after.agent.close();
        after.line.close();
      } finally {
        await server.close();
        await db.remove();
      }
    });

    it('reconciles a call that ended while a side was away, and refuses strangers', async () => {
      const db = await database(engine);
      let server = await db.start();
      try {
        const { agentToken, lineToken } = await agentAndLine(server);
        const otherToken = await signIn(server.url, (await addAgent(server.store, 'bo')).accessKey);
        const before = await sides(server.url, agentToken, lineToken);
        const callId = `call-${Date.now()}`;
        await answeredCall(before, callId);
        await server.close();

        server = await db.start();
        const after = await sides(server.url, agentToken, lineToken);
        // Another agent cannot join the call by naming it.
        const stranger = await SignalClient.signedIn(server.url, otherToken);
        stranger.send({ t: 'resume', callId });
        expect(await stranger.next()).toMatchObject({ t: 'error', code: 'unknown-call', callId });
        // The agent comes back first and hangs up before the line returns.
        after.agent.send({ t: 'resume', callId });
        after.agent.send({ t: 'hangup', callId, reason: 'hangup' });
        await eventually(async () => (await server.store.getCall(callId))?.status === 'completed');
        after.line.send({ t: 'resume', callId });
        expect(await after.line.next((m) => m.t === 'hangup')).toMatchObject({
          callId,
          from: 'agent:ava',
        });
        stranger.close();
        after.agent.close();
        after.line.close();
      } finally {
        await server.close();
        await db.remove();
      }
    });
  }),
);

/** A store with ava and the line's owner signed in, the line added, and sockets on any relay. */
async function relayWorld() {
  const t = await makeTestApp();
  const log = createLogger('silent');
  const { accessKey: agentKey } = await addAgent(t.store, 'ava');
  const { accessKey: lineKey } = await addAgent(t.store, 'line');
  const token = async (key: string) =>
    (await createSession(t.store, (await checkAccessKey(t.store, key))!, 3600)).token;
  const socket = (relay: SignalRelay, auth: string) => {
    const sent: Record<string, unknown>[] = [];
    const conn = relay.connect({ send: (d) => sent.push(JSON.parse(d)), close: () => {} });
    conn.onMessage(JSON.stringify({ t: 'auth', token: auth }));
    return { sent, send: (m: object) => conn.onMessage(JSON.stringify(m)) };
  };
  const [agentToken, lineToken] = [await token(agentKey), await token(lineKey)];
  await addLine(t.store, LINE, 'line');
  /** Ava calls the line on `relay`, the line answers, the record says so; then `relay` stops. */
  const answeredThenStopped = async (relay: SignalRelay) => {
    const agent = socket(relay, agentToken);
    const line = socket(relay, lineToken);
    line.send({ t: 'register', address: LINE });
    await eventually(() => line.sent.some((m) => m.t === 'registered'));
    const callId = `call-${Date.now()}`;
    agent.send({ t: 'invite', callId, to: LINE, sdp: SDP });
    await eventually(() => line.sent.some((m) => m.t === 'invite'));
    line.send({ t: 'answer', callId, sdp: SDP });
    await eventually(async () => (await t.store.getCall(callId))?.status === 'answered');
    await relay.close();
    return callId;
  };
  return { t, log, socket, agentToken, lineToken, answeredThenStopped };
}

describe('the resume grace period', () => {
  it('ends a resumed call as disconnected when the other side never comes back', async () => {
    const { t, log, socket, agentToken, answeredThenStopped } = await relayWorld();
    const first = new SignalRelay(t.store, log, 60_000, 200);
    const second = new SignalRelay(t.store, log, 60_000, 200);
    try {
      const callId = await answeredThenStopped(first);

      const back = socket(second, agentToken);
      await eventually(() => back.sent.some((m) => m.t === 'ready'));
      back.send({ t: 'resume', callId });
      // Still in the call within the grace period...
      await new Promise((r) => setTimeout(r, 50));
      expect(back.sent.some((m) => m.t === 'hangup')).toBe(false);
      // ...ended once it is over, and recorded.
      await eventually(() => back.sent.some((m) => m.t === 'hangup'));
      expect(back.sent.find((m) => m.t === 'hangup')).toMatchObject({
        callId,
        reason: 'disconnected',
        from: LINE,
      });
      await eventually(async () => (await t.store.getCall(callId))?.status === 'completed');
    } finally {
      await second.close();
      await t.close();
    }
  });

  it('keeps what one side sends before the other has resumed, and delivers it on resume', async () => {
    const { t, log, socket, agentToken, lineToken, answeredThenStopped } = await relayWorld();
    const first = new SignalRelay(t.store, log);
    const second = new SignalRelay(t.store, log);
    try {
      const callId = await answeredThenStopped(first);

      const agentBack = socket(second, agentToken);
      const lineBack = socket(second, lineToken);
      lineBack.send({ t: 'register', address: LINE });
      await eventually(() => lineBack.sent.some((m) => m.t === 'registered'));
      await eventually(() => agentBack.sent.some((m) => m.t === 'ready'));
      // The agent is back first and sends at once (its ICE, a keypad digit)...
      agentBack.send({ t: 'resume', callId });
      agentBack.send({ t: 'dtmf', callId, digits: '7' });
      agentBack.send({ t: 'ice', callId, candidate: { candidate: 'c1', sdpMid: '0' } });
      await new Promise((r) => setTimeout(r, 100));
      expect(lineBack.sent.some((m) => m.t === 'dtmf')).toBe(false);
      // ...and the line gets it, in order, once it resumes.
      lineBack.send({ t: 'resume', callId });
      await eventually(() => lineBack.sent.some((m) => m.t === 'ice'));
      expect(lineBack.sent.filter((m) => m.t === 'dtmf' || m.t === 'ice')).toMatchObject([
        { t: 'dtmf', callId, digits: '7', from: 'agent:ava' },
        { t: 'ice', callId, candidate: { candidate: 'c1' }, from: 'agent:ava' },
      ]);
    } finally {
      await second.close();
      await t.close();
    }
  });

  it('handles a remote side’s resume before the ICE it sent right after (no message overtakes it)', async () => {
    // Seen in the three-instance rolling restart: the instance holding the call got the other
    // instance's side's `resume` (a rebuild with database round trips) and its ICE just after; the
    // ICE was handled first, found that side not yet in the call and was lost ("unknown-call").
    const { t, log, socket, lineToken, answeredThenStopped } = await relayWorld();
    // The other instances, as this one sees them: holding a call takes 100 ms (a slow database).
    let hooks: RelayHooks | undefined;
    const bus: SignalBus = {
      attach: (h) => void (hooks = h),
      online: async () => {},
      registered: async () => {},
      released: async () => {},
      offline: () => {},
      find: async () => undefined,
      freeAgents: async () => [],
      forward: () => false,
      hold: () => new Promise((r) => setTimeout(() => r(true), 100)),
      release: () => {},
      resume: async () => false,
      handover: () => {},
      close: async () => {},
    };
    const first = new SignalRelay(t.store, log);
    const second = new SignalRelay(t.store, log, 60_000, 5_000, bus);
    try {
      const callId = await answeredThenStopped(first);

      // The line resumes here; the agent resumed on another instance, which forwards its resume
      // and, at once, its ICE.
      const lineBack = socket(second, lineToken);
      await eventually(() => lineBack.sent.some((m) => m.t === 'ready'));
      lineBack.send({ t: 'register', address: LINE });
      await eventually(() => lineBack.sent.some((m) => m.t === 'registered'));
      lineBack.send({ t: 'resume', callId });
      const toAgent: Record<string, unknown>[] = [];
      const agentThere: Party = {
        id: 'remote-ava',
        socket: { send: (d) => toAgent.push(JSON.parse(d)), close: () => {} },
        agent: 'ava',
        identity: 'agent:ava',
        lines: new Set(),
        calls: new Set(),
        closed: false,
      };
      await new Promise((r) => setTimeout(r, 20)); // the line's rebuild waits on its hold
      hooks!.resume(agentThere, callId);
      hooks!.message(agentThere, { t: 'ice', callId, candidate: { candidate: 'c1', sdpMid: '0' } });
      await eventually(() =>
        lineBack.sent.some(
          (m) => m.t === 'ice' && (m.candidate as { candidate: string }).candidate === 'c1',
        ),
      );
      expect(toAgent.filter((m) => m.t === 'error')).toEqual([]);
    } finally {
      await second.close();
      await t.close();
    }
  });
});
