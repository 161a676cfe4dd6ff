// The built-in provider's signalling connection as the presence heartbeat: through the real relay
// and database, with a short grace.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addAgent, checkAccessKey, createSession } from './agents';
import { PRESENCE_TOPIC } from './bus';
import { claimLongestIdle, markGone, markLinked } from './db/presenceStore';
import { createLogger } from './log';
import { ConnectionPresence, getOwnPresence, listPresence, setPresence } from './presence';
import { PgSignalBus } from './signal/crossInstance';
import { SignalRelay } from './signal/relay';
import { engines, eventually, forEachEngine, makeTestApp, type TestApp } from './testing/support';

const GRACE_MS = 300;
const log = createLogger('silent');

async function token(t: TestApp, name: string): Promise<string> {
  const { accessKey } = await addAgent(t.store, name);
  return (await createSession(t.store, (await checkAccessKey(t.store, accessKey))!, 3600)).token;
}

/** A signalling socket on `relay`, authenticated. */
async function socket(relay: SignalRelay, auth: string) {
  const sent: Record<string, unknown>[] = [];
  const conn = relay.connect({
    send: (d) => sent.push(JSON.parse(d) as Record<string, unknown>),
    close: () => {},
  });
  conn.onMessage(JSON.stringify({ t: 'auth', token: auth }));
  await eventually(() => sent.some((m) => m.t === 'ready'));
  return { sent, close: () => conn.onClose() };
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

forEachEngine((engine) => {
  describe('heartbeats written late', () => {
    let t: TestApp;
    beforeEach(async () => {
      t = await makeTestApp(engine);
    });
    afterEach(() => t.close());

    it('a heartbeat heard before the close but written after it lets the close mark the agent gone', async () => {
      await addAgent(t.store, 'late');
      const t0 = Date.now();
      await t.store.write((trx) => markLinked(trx, ['late'], t0));
      // The connection closes at t0 + 10; the beat of t0 + 5 was queued and lands only now.
      await t.store.write((trx) => markLinked(trx, ['late'], t0 + 5));
      expect(await t.store.write((trx) => markGone(trx, 'late', t0 + 10))).toBe(true);
    });

    it('a connection that closes while its heartbeat waits in the write queue goes offline after the grace', async () => {
      await addAgent(t.store, 'queued');
      // Every write of this presence waits 100 ms before it runs (a busy write queue).
      const slow = Object.create(t.store) as TestApp['store'];
      slow.write = (job, opts) =>
        new Promise((r) => setTimeout(r, 100)).then(() => t.store.write(job, opts));
      const presence = new ConnectionPresence(slow, log, { graceMs: 50, beatMs: 60_000 });
      try {
        presence.opened('queued');
        presence.closed('queued', false);
        await eventually(async () => {
          const row = await t.store.getAgentByName('queued');
          return row?.gone_at != null;
        });
      } finally {
        presence.stop();
      }
    });

    it('a heartbeat older than the gone mark does not bring the agent back; a newer one does', async () => {
      await addAgent(t.store, 'stale');
      const t0 = Date.now();
      await t.store.write((trx) => markLinked(trx, ['stale'], t0));
      expect(await t.store.write((trx) => markGone(trx, 'stale', t0 + 10))).toBe(true);
      expect(await t.store.write((trx) => markLinked(trx, ['stale'], t0 + 5))).toEqual([]);
      const row = await t.store.getAgentByName('stale');
      expect(row).toMatchObject({ gone_at: t0 + 10, seen_at: t0 });
      expect(await t.store.write((trx) => markLinked(trx, ['stale'], t0 + 20))).toEqual(['stale']);
      expect(await t.store.getAgentByName('stale')).toMatchObject({
        gone_at: null,
        seen_at: t0 + 20,
      });
    });
  });
});

forEachEngine((engine) => {
  describe('presence through the signalling connection', () => {
    let t: TestApp;
    let presence: ConnectionPresence;
    let relay: SignalRelay;
    let published: number;
    let unsubscribe: () => void;

    beforeEach(async () => {
      t = await makeTestApp(engine);
      presence = new ConnectionPresence(t.store, log, { graceMs: GRACE_MS, beatMs: 100 });
      relay = new SignalRelay(t.store, log, 60_000, 30_000, undefined, presence);
      published = 0;
      unsubscribe = t.store.bus.subscribe(PRESENCE_TOPIC, () => published++);
    });
    afterEach(async () => {
      unsubscribe();
      await relay.close();
      presence.stop();
      await t.close();
    });

    const shown = async (name: string) =>
      (await listPresence(t.store.db)).find((a) => a.name === name)!;
    const routable = (name: string) =>
      t.store.write((trx) => claimLongestIdle(trx, t.store.handle.dialect, [name], Date.now(), 1));
    const seenAt = async (name: string) =>
      Number((await t.store.getAgentByName(name))!.seen_at ?? 0);

    it('turns an agent offline soon after its connection closes (browser closed), and publishes it', async () => {
      const ws = await socket(relay, await token(t, 'ava'));
      const firstBeat = await eventually(() => seenAt('ava'));
      // While the socket is open it is the heartbeat: the agent's last-seen time keeps moving.
      await eventually(async () => (await seenAt('ava')) > firstBeat);
      expect((await shown('ava')).presence).toBe('available');
      expect(await routable('ava')).toBe('ava');

      const before = published;
      const closedAt = Date.now();
      ws.close();
      await wait(GRACE_MS / 3);
      expect((await shown('ava')).presence).toBe('available');
      const gone = await eventually(async () => {
        const row = await shown('ava');
        return row.presence === 'offline' ? row : undefined;
      });
      expect(gone.since).toBeGreaterThanOrEqual(closedAt - 5);
      expect(gone.since).toBeLessThan(closedAt + GRACE_MS);
      expect(published).toBeGreaterThan(before);
      expect(await routable('ava')).toBeUndefined();
      const agent = (await t.store.getAgentByName('ava'))!;
      expect((await getOwnPresence(t.store, agent)).presence).toBe('offline');

      // The call host comes back: online again at once, published.
      const again = published;
      await socket(relay, await createSession(t.store, agent, 3600).then((s) => s.token));
      await eventually(async () => (await shown('ava')).presence === 'available');
      expect(published).toBeGreaterThan(again);
    });

    it('keeps an agent online through a reconnect within the grace (call host reloaded)', async () => {
      const auth = await token(t, 'ben');
      const first = await socket(relay, auth);
      first.close();
      await wait(GRACE_MS / 3);
      await socket(relay, auth);
      await wait(GRACE_MS * 2);
      expect((await shown('ben')).presence).toBe('available');
    });

    it('keeps the choice it had, and the HTTP heartbeat (Vonage, CleverTap) brings a gone agent back', async () => {
      const ws = await socket(relay, await token(t, 'cleo'));
      const agent = (await t.store.getAgentByName('cleo'))!;
      await setPresence(t.store, agent, 'dnd');
      ws.close();
      await eventually(async () => (await shown('cleo')).presence === 'offline');
      expect((await getOwnPresence(t.store, agent)).choice).toBe('dnd');
      await setPresence(t.store, agent, 'available');
      expect((await shown('cleo')).presence).toBe('available');
    });

    it('leaves agents online when the instance shuts down (they reconnect to the next one)', async () => {
      await socket(relay, await token(t, 'dan'));
      await relay.close();
      await wait(GRACE_MS * 2);
      expect((await shown('dan')).presence).toBe('available');
    });
  });
});

describe.skipIf(!engines().find((e) => e.name === 'pg')!.available)(
  'presence through the signalling connection, several instances (PostgreSQL)',
  () => {
    it('keeps an agent online whose connection moved to another instance, and not one that left', async () => {
      const t = await makeTestApp('pg');
      const url = t.deps.config.databaseUrl!;
      const busA = new PgSignalBus(url, t.store, log);
      const busB = new PgSignalBus(url, t.store, log);
      await busA.start();
      await busB.start();
      const elsewhere = (bus: PgSignalBus) => async (agent: string) =>
        !!(await bus.find(`agent:${agent}`));
      const presenceA = new ConnectionPresence(t.store, log, {
        graceMs: GRACE_MS,
        connectedElsewhere: elsewhere(busA),
      });
      const presenceB = new ConnectionPresence(t.store, log, {
        graceMs: GRACE_MS,
        connectedElsewhere: elsewhere(busB),
      });
      const a = new SignalRelay(t.store, log, 60_000, 30_000, busA, presenceA);
      const b = new SignalRelay(t.store, log, 60_000, 30_000, busB, presenceB);
      const shown = async (name: string) =>
        (await listPresence(t.store.db)).find((x) => x.name === name)?.presence;
      try {
        const fay = await token(t, 'fay');
        const onA = await socket(a, fay);
        // The call host reconnects through the load balancer to B; A's socket then closes.
        await socket(b, fay);
        onA.close();
        await wait(GRACE_MS * 3);
        expect(await shown('fay')).toBe('available');

        const gus = await token(t, 'gus');
        const gone = await socket(a, gus);
        gone.close();
        await eventually(async () => (await shown('gus')) === 'offline');
      } finally {
        await a.close();
        await b.close();
        presenceA.stop();
        presenceB.stop();
        await busA.close();
        await busB.close();
        await t.close();
      }
    });
  },
);
