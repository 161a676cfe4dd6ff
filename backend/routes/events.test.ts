import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { addAgent, createSession, disableAgent, rotateAgentKey } from '../agents';
import { createApp } from '../app';
import { Bus } from '../bus';
import { saveCallRecord } from '../calls/builtin';
import { newCallRecord } from '../calls/records';
import { defaultConfig } from '../config';
import { openDatabase } from '../db/connect';
import { Store } from '../db/store';
import { Ingestor } from '../ingest';
import { addLine } from '../lines';
import { createLogger } from '../log';
import {
  SignalClient,
  SseClient,
  engines,
  eventually,
  forEachEngine,
  signIn,
  signWebhook,
  startTestBackend,
  tempDir,
  testVonageConfig,
  type TestBackend,
} from '../testing/support';

const SDP = 'v=0\r\n';

forEachEngine((engine) => {
  describe('live call status (SSE)', () => {
    let backend: TestBackend;
    let alice: string;
    let phone: string;

    beforeAll(async () => {
      backend = await startTestBackend(engine);
      alice = (await backend.agent('alice')).token;
      phone = (await backend.agent('phone')).token;
      await addLine(backend.store, 'tel:+14155552671', 'phone');
    });
    afterAll(() => backend.close());

    it('needs a session', async () => {
      expect((await SseClient.open(backend.url, 'x'.repeat(43))).status).toBe(401);
    });

    it('streams the agent’s call status changes in order and resumes with Last-Event-ID', async () => {
      const sse = await SseClient.open(backend.url, alice);
      expect(sse.status).toBe(200);
      const agent = await SignalClient.signedIn(backend.url, alice);
      const line = await SignalClient.signedIn(backend.url, phone);
      line.send({ t: 'register', address: 'tel:+14155552671' });
      await line.next((m) => m.t === 'registered');
      const callId = `sse-${engine}-${Date.now()}`;
      agent.send({ t: 'invite', callId, to: 'tel:+14155552671', sdp: SDP });
      await line.next((m) => m.t === 'invite');
      line.send({ t: 'answer', callId, sdp: SDP });
      await agent.next((m) => m.t === 'answer');
      line.send({ t: 'hangup', callId, reason: 'hangup' });
      await agent.next((m) => m.t === 'hangup');
      const updates = await sse.calls(3);
      expect(updates.map((u) => u.call.status)).toEqual(['ringing', 'answered', 'completed']);
      expect(updates[0]!.call).toMatchObject({
        uuid: callId,
        provider: 'builtin',
        direction: 'outbound',
      });
      const ids = updates.map((u) => Number(u.id));
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      sse.close();

      // Resume after the first update: exactly the two later ones come again.
      const resumed = await SseClient.open(backend.url, alice, updates[0]!.id);
      const again = await resumed.calls(2);
      expect(again.map((u) => u.call.status)).toEqual(['answered', 'completed']);
      await new Promise((r) => setTimeout(r, 100));
      expect(resumed.events.filter((e) => e.event === 'call')).toHaveLength(2);
      resumed.close();

      // The softphone's agent sees the call too, but another agent sees nothing.
      const bob = (await backend.agent('bob')).token;
      const bobStream = await SseClient.open(backend.url, bob);
      await new Promise((r) => setTimeout(r, 100));
      expect(bobStream.events.filter((e) => e.event === 'call')).toHaveLength(0);
      bobStream.close();
      agent.close();
      line.close();
    });

    /** Writes these statuses of one call of `agent`'s, each in its own transaction. */
    async function changeStatuses(agent: string, uuid: string, statuses: string[]) {
      for (const [i, status] of statuses.entries()) {
        const record = newCallRecord({
          uuid,
          provider: 'builtin',
          agent,
          direction: 'outbound',
          from: 'agent:' + agent,
          to: 'tel:+14155552671',
          status,
          now: Date.now() + i,
        });
        await saveCallRecord(backend.store, record, []);
      }
    }

    it('sends what a commit hands over without reading it back, on SQLite', async () => {
      const { token } = await backend.agent('handed');
      const sse = await SseClient.open(backend.url, token);
      await eventually(() => sse.events.some((e) => e.event === 'hello'));
      const reads = vi.spyOn(backend.store, 'updatesSince');
      const uuid = `handed-${engine}-${Date.now()}`;
      await changeStatuses('handed', uuid, ['ringing', 'answered', 'completed']);
      const updates = await sse.calls(3);
      expect(updates.map((u) => u.call.status)).toEqual(['ringing', 'answered', 'completed']);
      // PostgreSQL: other instances commit too, so every wake reads from the cursor.
      if (engine === 'sqlite') expect(reads).not.toHaveBeenCalled();
      else expect(reads).toHaveBeenCalled();
      reads.mockRestore();
      sse.close();
    });

    it('loses and repeats nothing when updates commit while the stream reads', async () => {
      const { token } = await backend.agent('racer');
      const uuid = `race-${engine}-${Date.now()}`;
      await changeStatuses('racer', uuid, ['ringing']);
      // The first read (at connect) is slow on both sides of the query: updates committed before
      // it runs are in it and handed over too; those committed after it ran are only handed over.
      const real = backend.store.updatesSince.bind(backend.store);
      const reads = vi.spyOn(backend.store, 'updatesSince').mockImplementation(async (...args) => {
        if (reads.mock.calls.length > 1) return real(...args);
        await changeStatuses('racer', uuid, ['answered']);
        const rows = await real(...args);
        await changeStatuses('racer', uuid, ['on-hold', 'completed']);
        return rows;
      });
      const sse = await SseClient.open(backend.url, token);
      const updates = await sse.calls(4);
      await new Promise((r) => setTimeout(r, 100));
      expect(
        sse.events.filter((e) => e.event === 'call').map((e) => JSON.parse(e.data).status),
      ).toEqual(['ringing', 'answered', 'on-hold', 'completed']);
      const ids = updates.map((u) => Number(u.id));
      expect(new Set(ids).size).toBe(4);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      reads.mockRestore();
      sse.close();
    });

    it.each(['sign-out', 'rotate-key', 'disable'] as const)(
      'ends the stream promptly at %s, not at the next heartbeat',
      async (how) => {
        const name = `ender-${how}`;
        const { token } = await backend.agent(name);
        const sse = await SseClient.open(backend.url, token);
        expect(sse.status).toBe(200);
        await eventually(() => sse.events.some((e) => e.event === 'hello'));
        if (how === 'sign-out') {
          const out = await fetch(`${backend.url}/api/session`, {
            method: 'DELETE',
            headers: { authorization: `Bearer ${token}` },
          });
          expect(out.status).toBe(204);
        } else if (how === 'rotate-key') {
          // As the admin CLI does, from outside this server process: only the database changes.
          await rotateAgentKey(backend.store, name);
        } else {
          await disableAgent(backend.store, name);
        }
        // The heartbeat recheck would take 15 s; the stream must end well before that.
        await eventually(() => sse.done, 5000);
        expect(sse.events.at(-1)?.event).toBe('expired');
      },
    );

    it('caps concurrent streams per session with a clear 429', async () => {
      const { accessKey, token } = await backend.agent('streamer');
      const streams: SseClient[] = [];
      for (let i = 0; i < 4; i++) {
        const sse = await SseClient.open(backend.url, token);
        expect(sse.status).toBe(200);
        streams.push(sse);
      }
      const res = await fetch(`${backend.url}/api/events`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(res.status).toBe(429);
      expect(await res.json()).toEqual({
        error: 'Too many live streams for this session (4 at once): close one first',
      });
      // Another session of the same agent has its own allowance.
      const other = await SseClient.open(backend.url, await signIn(backend.url, accessKey));
      expect(other.status).toBe(200);
      // Closing one frees its place.
      streams.shift()!.close();
      const again = await eventually(async () => {
        const sse = await SseClient.open(backend.url, token);
        return sse.status === 200 ? sse : undefined;
      });
      for (const sse of [...streams, other, again]) sse.close();
    });
  });
});

const pg = engines().find((e) => e.name === 'pg')!;
describe.skipIf(!pg.available)('two backend instances on one PostgreSQL', () => {
  let a: TestBackend;
  let b: TestBackend;
  let dir: ReturnType<typeof tempDir>;

  beforeAll(async () => {
    dir = tempDir();
    const { vonage } = testVonageConfig(dir.path);
    a = await startTestBackend('pg', { vonage, allowedCountries: ['GB'] });
    b = await startTestBackend(
      'pg',
      { vonage, allowedCountries: ['GB'] },
      { databaseUrl: a.databaseUrl!, dataDir: dir.path },
    );
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    dir.remove();
  });

  it('delivers an event received by one instance to the agent streaming from the other', async () => {
    const { accessKey } = await a.agent('alice', { vonageUser: 'alice-v' });
    const token = (await (
      await fetch(`${b.url}/api/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ accessKey }),
      })
    ).json()) as { token: string };
    const sse = await SseClient.open(b.url, token.token);
    expect(sse.status).toBe(200);
    // The answer webhook hits instance A…
    const leg = `two-${Date.now()}`;
    const answer = await fetch(
      `${a.url}/webhooks/answer?${new URLSearchParams({ uuid: leg, conversation_uuid: `CON-${leg}`, from_user: 'alice-v', to: '447400123456' })}`,
      { headers: { authorization: await signWebhook('') } },
    );
    expect(answer.status).toBe(200);
    // …and the events arrive at A and B alternately.
    for (const [i, status] of ['ringing', 'answered', 'completed'].entries()) {
      const body = JSON.stringify({
        uuid: leg,
        conversation_uuid: `CON-${leg}`,
        status,
        timestamp: new Date().toISOString(),
      });
      const res = await fetch(`${(i % 2 ? b : a).url}/webhooks/event`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: await signWebhook(body) },
        body,
      });
      expect(res.status).toBe(200);
    }
    const updates = await sse.calls(4);
    expect(updates.map((u) => u.call.status)).toEqual([
      'started',
      'ringing',
      'answered',
      'completed',
    ]);
    sse.close();
  });
});

describe('live call status at shutdown', () => {
  it('tells every open stream to reconnect, through one listener on the shutdown signal', async () => {
    const dir = tempDir();
    const handle = await openDatabase({ dataDir: dir.path });
    const store = new Store(handle, new Bus());
    const log = createLogger('silent');
    const shutdown = new AbortController();
    const app = createApp({
      config: { ...defaultConfig, dataDir: dir.path },
      store,
      ingestor: new Ingestor(store, log),
      log,
      shutdown: shutdown.signal,
    });
    // Streams opening and closing must not touch the signal (a listener each: O(n) per stream).
    const touched: string[] = [];
    const signal = shutdown.signal;
    for (const method of ['addEventListener', 'removeEventListener'] as const) {
      const original = signal[method].bind(signal) as (...args: unknown[]) => void;
      signal[method] = ((...args: unknown[]) => {
        touched.push(method);
        original(...args);
      }) as never;
    }
    try {
      const { agent } = await addAgent(store, 'drainer');
      const row = (await store.getAgentByName(agent.name))!;
      const streams = await Promise.all(
        Array.from({ length: 12 }, async () => {
          const { token } = await createSession(store, row, 3600);
          const res = await app.request('/api/events', {
            headers: { authorization: `Bearer ${token}` },
          });
          expect(res.status).toBe(200);
          return res;
        }),
      );
      // One closes early: it leaves without a trace on the signal either.
      await streams.pop()!.body!.cancel();
      const bodies = streams.map((res) => res.text());
      await new Promise((r) => setTimeout(r, 50));
      expect(touched).toEqual([]);
      shutdown.abort();
      for (const body of await Promise.all(bodies)) {
        expect(body).toContain('event: hello');
        expect(body.trimEnd().split('\n\n').at(-1)).toBe(
          'event: reconnect\ndata: {"reason":"server shutting down"}\nretry: 1000',
        );
      }
      expect(touched).toEqual([]);
    } finally {
      await store.flushWrites();
      await handle.close();
      dir.remove();
    }
  });
});
