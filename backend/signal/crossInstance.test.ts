import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { CLOSE_REPLACED } from '../../src/call/signalling';
import {
  SignalClient,
  engines,
  eventually,
  freshPgDatabase,
  startTestBackend,
  type TestBackend,
} from '../testing/support';
import { addLine } from '../lines';

const pgAvailable = engines().find((e) => e.name === 'pg')!.available;
const SDP = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\n';
/** Bigger than NOTIFY's 8000-byte payload limit, as a real SDP with many candidates can be. */
const BIG_SDP = `${SDP}${'a=candidate:1 1 udp 2122260223 192.0.2.1 54400 typ host\r\n'.repeat(250)}`;
let n = 0;
const newCallId = () => `xcall-${Date.now()}-${++n}`;

describe.skipIf(!pgAvailable)('signalling across two instances on one PostgreSQL', () => {
  let db: Awaited<ReturnType<typeof freshPgDatabase>>;
  let a: TestBackend;
  let b: TestBackend;

  beforeAll(async () => {
    db = await freshPgDatabase();
    a = await startTestBackend('pg', {}, { databaseUrl: db.url });
    b = await startTestBackend('pg', {}, { databaseUrl: db.url });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await db?.drop();
  });

  it('relays a whole call from an agent on A to a line on B, in order, and records it once', async () => {
    const alice = await SignalClient.signedIn(a.url, (await a.agent('alice')).token);
    const line = await SignalClient.signedIn(b.url, (await b.agent('softphone')).token);
    await addLine(b.store, 'tel:+14155552671', 'softphone');
    line.send({ t: 'register', address: 'tel:+14155552671' });
    await line.next((m) => m.t === 'registered');
    expect(await a.store.db.selectFrom('calls').selectAll().execute()).toEqual([]);

    const callId = newCallId();
    alice.send({ t: 'invite', callId, to: 'tel:+14155552671', sdp: BIG_SDP, displayName: 'Alice' });
    expect(await line.next((m) => m.t === 'invite')).toEqual({
      t: 'invite',
      callId,
      from: 'agent:alice',
      to: 'tel:+14155552671',
      sdp: BIG_SDP,
      displayName: 'Alice',
    });
    line.send({ t: 'ringing', callId });
    expect(await alice.next((m) => m.t === 'ringing')).toMatchObject({ callId });
    line.send({ t: 'answer', callId, sdp: BIG_SDP });
    expect(await alice.next((m) => m.t === 'answer')).toMatchObject({
      callId,
      from: 'tel:+14155552671',
      sdp: BIG_SDP,
    });
    // Ordering per call: small and stored (big) messages interleaved arrive in the order sent.
    for (let i = 0; i < 30; i++) {
      const candidate = i % 5 === 0 ? `c${i} ${'x'.repeat(900)}` : `c${i}`;
      line.send({ t: 'ice', callId, candidate: { candidate, sdpMid: '0' } });
      if (i % 5 === 0) line.send({ t: 'dtmf', callId, digits: '1'.repeat(1 + (i % 3)) });
    }
    const seen: string[] = [];
    for (let i = 0; i < 30; i++) {
      const m = await alice.next((x) => x.t === 'ice');
      seen.push(String((m.candidate as { candidate: string }).candidate.split(' ')[0]));
    }
    expect(seen).toEqual(Array.from({ length: 30 }, (_, i) => `c${i}`));
    alice.send({ t: 'hangup', callId, reason: 'hangup' });
    expect(await line.next((m) => m.t === 'hangup')).toMatchObject({ callId, from: 'agent:alice' });

    const record = await eventually(async () => {
      const rows = await b.store.db.selectFrom('calls').selectAll().execute();
      return rows.length === 1 && rows[0]!.status === 'completed' ? rows[0] : undefined;
    });
    expect(record).toMatchObject({ uuid: callId, agent: 'alice', direction: 'outbound' });
    // Stored payloads are taken when delivered.
    const left = await a.store.db
      .selectFrom('signal_messages' as never)
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirst();
    expect(Number((left as { n: unknown }).n)).toBe(0);
    alice.close();
    line.close();
  });

  it('routes agent:* to a free agent on the other instance; busy and gone cross too', async () => {
    const caller = await SignalClient.signedIn(a.url, (await a.agent('phone2')).token);
    await addLine(a.store, 'tel:+14155552672', 'phone2');
    caller.send({ t: 'register', address: 'tel:+14155552672' });
    await caller.next((m) => m.t === 'registered');
    const bob = await SignalClient.signedIn(b.url, (await b.agent('bob')).token);
    await eventually(
      async () =>
        (await a.store.db
          .selectFrom('signal_presence' as never)
          .selectAll()
          .where('address' as never, '=', 'agent:bob' as never)
          .executeTakeFirst()) as unknown,
    );
    const callId = newCallId();
    caller.send({ t: 'invite', callId, to: 'agent:*', sdp: SDP });
    expect(await bob.next((m) => m.t === 'invite')).toMatchObject({
      callId,
      from: 'tel:+14155552672',
      to: 'agent:bob',
    });
    // bob is in a call now: a second invite to him from A is busy.
    const other = await SignalClient.signedIn(a.url, (await a.agent('carol')).token);
    const second = newCallId();
    other.send({ t: 'invite', callId: second, to: 'agent:bob', sdp: SDP });
    expect(await other.next((m) => m.callId === second)).toMatchObject({
      t: 'error',
      code: 'busy',
    });
    // …also when the invite comes from an instance that has not seen his call (his own checks).
    const local = await SignalClient.signedIn(b.url, (await b.agent('gina')).token);
    const third = newCallId();
    local.send({ t: 'invite', callId: third, to: 'agent:bob', sdp: SDP });
    expect(await local.next((m) => m.callId === third)).toMatchObject({ code: 'busy' });
    local.close();
    // The callee's socket closing ends the call on the caller's instance.
    bob.close();
    expect(await caller.next((m) => m.t === 'hangup')).toMatchObject({
      callId,
      reason: 'disconnected',
    });
    const rows = await eventually(async () => {
      const r = await a.store.db
        .selectFrom('calls')
        .selectAll()
        .where('uuid', 'in', [callId, second])
        .orderBy('uuid')
        .execute();
      return r.length === 2 && r.every((x) => x.status !== 'ringing') ? r : undefined;
    });
    expect(Object.fromEntries(rows.map((r) => [r.uuid, [r.agent, r.direction, r.status]]))).toEqual(
      {
        [callId]: ['bob', 'inbound', 'failed'],
        [second]: ['carol', 'outbound', 'busy'],
      },
    );
    caller.close();
    other.close();
  });

  it('closes the older socket on the other instance when an agent signs in again', async () => {
    const { token } = await a.agent('dave');
    const first = await SignalClient.signedIn(a.url, token);
    const second = await SignalClient.signedIn(b.url, token);
    expect(await first.closed()).toBe(CLOSE_REPLACED);
    second.send({ t: 'ping', id: 1 });
    expect(await second.next()).toEqual({ t: 'pong', id: 1 });
    second.close();
  });

  it('a stored message is delivered once even if notified twice', async () => {
    const { token } = await b.agent('erin');
    const erin = await SignalClient.signedIn(b.url, token);
    const caller = await SignalClient.signedIn(a.url, (await a.agent('frank')).token);
    const callId = newCallId();
    caller.send({ t: 'invite', callId, to: 'agent:erin', sdp: BIG_SDP });
    await erin.next((m) => m.t === 'invite');
    // Replay every notification the channel could see again: the rows are gone, nothing is resent.
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const instance = (
      await client.query<{ instance: string }>(
        "select instance from signal_presence where address = 'agent:erin'",
      )
    ).rows[0]!.instance;
    const max = (await client.query<{ m: string }>('select max(id) as m from signal_messages'))
      .rows[0]!.m;
    for (let id = 1; id <= Number(max ?? 50); id++)
      await client.query('select pg_notify($1, $2)', [`c2c_sig_${instance}`, `#${id}`]);
    await client.end();
    caller.send({ t: 'hangup', callId, reason: 'cancelled' });
    await erin.next((m) => m.t === 'hangup');
    expect(erin.messages.filter((m) => m.t === 'invite')).toEqual([]);
    erin.close();
    caller.close();
  });
});
