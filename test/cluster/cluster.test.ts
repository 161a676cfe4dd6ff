import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addLine } from '../../backend/lines';
import { SseClient } from '../../backend/testing/support';
import { eventBody, signBody } from '../bench/backend-harness';
import { Phone, startCluster, type Cluster } from './cluster';

/** A browser-like offer: audio with a few host/srflx candidates (about 1.5 KB). */
function offer(callId: string, candidates = 4): string {
  const lines = [
    'v=0',
    `o=- ${callId.length}4611731400430051336 2 IN IP4 127.0.0.1`,
    's=-',
    't=0 0',
    'a=group:BUNDLE 0',
    'a=extmap-allow-mixed',
    'a=msid-semantic: WMS stream',
    'm=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126',
    'c=IN IP4 0.0.0.0',
    'a=rtcp:9 IN IP4 0.0.0.0',
    'a=ice-ufrag:8hhY',
    'a=ice-pwd:asd88fgpdd777uzjYhagZg',
    'a=ice-options:trickle',
    'a=fingerprint:sha-256 D2:FA:0E:C3:22:59:5E:14:95:69:92:3D:13:B4:84:24:2C:C2:A2:C0:3E:FD:34:8E:5E:EA:6F:AF:52:CE:E6:0F',
    'a=setup:actpass',
    'a=mid:0',
    'a=sendrecv',
    'a=rtcp-mux',
    'a=rtpmap:111 opus/48000/2',
    'a=rtcp-fb:111 transport-cc',
    'a=fmtp:111 minptime=10;useinbandfec=1',
    'a=rtpmap:0 PCMU/8000',
    'a=rtpmap:8 PCMA/8000',
    'a=ssrc:3735928559 cname:4TOk42mSjXCkVIa6',
  ];
  for (let i = 0; i < candidates; i++)
    lines.push(
      `a=candidate:${1000 + i} 1 udp ${2122260223 - i} 192.0.2.${(i % 250) + 1} ${50000 + i} typ host generation 0 network-id 1`,
    );
  return `${lines.join('\r\n')}\r\n`;
}
/** Over NOTIFY's 8000 bytes: the cross-instance path through the table. */
const bigOffer = (callId: string) => offer(callId, 90);

const callIds: string[] = [];
const newCallId = () => {
  const id = `cl-${randomUUID()}`;
  callIds.push(id);
  return id;
};

/** Connects through the proxy until the socket lands on `instance` (round robin: a few tries). */
async function phoneOn(
  cluster: Cluster,
  instance: string,
  token: string,
  lines: string[] = [],
): Promise<Phone> {
  for (let attempt = 0; attempt < 12; attempt++) {
    const phone = await Phone.connect(cluster.proxyUrl, token, lines);
    if (phone.servedBy === instance) return phone;
    phone.close();
    await phone.client.closed().catch(() => {});
  }
  throw new Error(`could not reach ${instance} through the proxy`);
}

async function setUpCall(caller: Phone, callee: Phone, to: string, sdp: string): Promise<string> {
  const callId = newCallId();
  caller.send({ t: 'invite', callId, to, sdp });
  expect(await callee.next((m) => m.t === 'invite' && m.callId === callId)).toMatchObject({ sdp });
  callee.send({ t: 'ringing', callId });
  await caller.next((m) => m.t === 'ringing' && m.callId === callId);
  callee.send({ t: 'answer', callId, sdp });
  await caller.next((m) => m.t === 'answer' && m.callId === callId);
  return callId;
}

/** One ICE candidate each way: proves the call's signalling still crosses. */
async function exchange(
  a: Phone,
  b: Phone,
  callId: string,
  tag: string,
  timeoutMs?: number,
): Promise<void> {
  a.send({ t: 'ice', callId, candidate: { candidate: `${tag}-a`, sdpMid: '0' } });
  b.send({ t: 'ice', callId, candidate: { candidate: `${tag}-b`, sdpMid: '0' } });
  await b.next(
    (m) => m.t === 'ice' && (m.candidate as { candidate: string }).candidate === `${tag}-a`,
    timeoutMs,
  );
  await a.next(
    (m) => m.t === 'ice' && (m.candidate as { candidate: string }).candidate === `${tag}-b`,
    timeoutMs,
  );
}

/** The logs of instances this file stopped (`told` reads them with the running ones'). */
const stoppedLogs: string[] = [];

/**
 * Runs one step of a call's test; a failure says which instance each side is on, what each heard
 * last, what the call's record says and what the instances logged (a rare failure is then readable).
 */
async function told(
  cluster: Cluster,
  a: Phone,
  b: Phone,
  callId: string,
  step: () => Promise<void>,
) {
  try {
    await step();
  } catch (error) {
    const heard = (p: Phone) =>
      `${p.servedBy} heard ${JSON.stringify(p.client.messages.slice(-4)).slice(0, 600)}`;
    const row = await cluster.store.getCall(callId).catch(() => undefined);
    const record = row
      ? `record ${row.status} (${row.reason ?? 'no reason'}), ended ${row.ended_at ?? '-'}, updated ${row.updated_at}`
      : 'no record';
    const logs = [
      ...stoppedLogs,
      ...cluster.instances.map((s, i) => (s ? `s${i}\n${s.stderr()}` : '')),
    ]
      .flatMap((text) => {
        const [name, ...lines] = text.split('\n');
        return lines
          .filter((l) => l.includes(callId) || /"level":"(warn|error)"/.test(l))
          .map((l) => `${name}: ${l}`);
      })
      .slice(-40)
      .join('\n');
    throw new Error(
      `${(error as Error).message} (call ${callId} at ${Date.now()}: ${heard(a)}; ${heard(b)}; ${record})${logs ? `\n${logs}` : ''}`,
      { cause: error },
    );
  }
}

/**
 * `exchange`, tried again until it crosses both ways within `withinMs`: a side still talking to a
 * dead instance loses what it sends until the cluster notices the death (heartbeat expiry).
 */
async function exchangeWithin(a: Phone, b: Phone, callId: string, tag: string, withinMs: number) {
  const deadline = Date.now() + withinMs;
  for (let i = 0; ; i++) {
    try {
      await exchange(a, b, callId, `${tag}-${i}`, 1000);
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
  }
}

const hungUp = (p: Phone, callId: string) =>
  p.client.messages.some((m) => m.t === 'hangup' && m.callId === callId);

async function records(cluster: Cluster, ids: string[]) {
  return cluster.store.db.selectFrom('calls').selectAll().where('uuid', 'in', ids).execute();
}

/** The records once all of them exist and have ended (writes are asynchronous), within 10 s. */
async function endedRecords(cluster: Cluster, ids: string[]) {
  let rows = await records(cluster, ids);
  for (
    let i = 0;
    i < 100 && (rows.length < ids.length || rows.some((x) => x.ended_at === null));
    i++
  ) {
    await new Promise((r) => setTimeout(r, 100));
    rows = await records(cluster, ids);
  }
  return rows;
}

describe('three backend instances on one PostgreSQL behind HAProxy', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await startCluster(3);
  }, 120_000);
  afterAll(async () => {
    await cluster?.close();
  }, 60_000);

  it('sets up calls between agents on different instances; SSE on a third sees them', async () => {
    const alice = await cluster.agent('alice');
    const bob = await cluster.agent('bob');
    const a = await phoneOn(cluster, 's0', alice.token);
    const b = await phoneOn(cluster, 's1', bob.token);
    const sse = await SseClient.open(cluster.instances[2]!.url, alice.token);
    expect(sse.status).toBe(200);

    const callId = await setUpCall(a, b, 'agent:bob', bigOffer('x'));
    for (let i = 0; i < 5; i++) await exchange(a, b, callId, `c${i}`);
    b.send({ t: 'dtmf', callId, digits: '12#' });
    expect(await a.next((m) => m.t === 'dtmf')).toMatchObject({ from: 'agent:bob', digits: '12#' });
    a.send({ t: 'hangup', callId, reason: 'hangup' });
    await b.next((m) => m.t === 'hangup' && m.callId === callId);

    const seen = async () => {
      const events = (await sse.calls(1, 15_000)).map((e) => e.call);
      return events.filter((c) => c.id === callId || c.uuid === callId).map((c) => c.status);
    };
    const deadline = Date.now() + 15_000;
    let statuses = await seen();
    while (!statuses.includes('completed') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      statuses = await seen();
    }
    expect(statuses).toContain('completed');
    sse.close();

    // agent:* from a softphone line on s2 reaches the only agent signed in (on s0).
    a.close();
    b.close();
    const carol = await cluster.agent('carol');
    const c = await phoneOn(cluster, 's0', carol.token);
    const softphone = await cluster.agent('softphone');
    await addLine(cluster.store, 'tel:+14155550100', 'softphone');
    const phone = await phoneOn(cluster, 's2', softphone.token, ['tel:+14155550100']);
    const second = await setUpCall(phone, c, 'agent:*', offer('y'));
    await exchange(phone, c, second, 'star');
    c.send({ t: 'hangup', callId: second, reason: 'hangup' });
    await phone.next((m) => m.t === 'hangup' && m.callId === second);
    c.close();
    phone.close();

    const rows = await endedRecords(cluster, [callId, second]);
    expect(rows.map((r) => [r.uuid, r.agent, r.direction, r.status]).sort()).toEqual(
      [
        [callId, 'alice', 'outbound', 'completed'],
        [second, 'carol', 'inbound', 'completed'],
      ].sort(),
    );
  });

  it('keeps every call through an instance killed with SIGKILL mid-call, and a new one joining', async () => {
    const token = async (name: string) => (await cluster.agent(name)).token;
    // P: both sides on survivors. Q: caller on the victim. R: callee on the victim.
    const p1 = await phoneOn(cluster, 's0', await token('p1'));
    const p2 = await phoneOn(cluster, 's1', await token('p2'));
    const q1 = await phoneOn(cluster, 's2', await token('q1'));
    const q2 = await phoneOn(cluster, 's0', await token('q2'));
    const r1 = await phoneOn(cluster, 's1', await token('r1'));
    const r2 = await phoneOn(cluster, 's2', await token('r2'));
    const p = await setUpCall(p1, p2, 'agent:p2', offer('p'));
    const q = await setUpCall(q1, q2, 'agent:q2', bigOffer('q'));
    const r = await setUpCall(r1, r2, 'agent:r2', offer('r'));

    // The relay answers before the record's write commits: let the writes land before the kill.
    for (let i = 0; i < 100; i++) {
      const rows = await records(cluster, [p, q, r]);
      if (rows.length === 3 && rows.every((x) => x.status === 'answered')) break;
      await new Promise((res) => setTimeout(res, 50));
    }
    await cluster.instances[2]!.kill9();
    cluster.instances[2] = undefined;
    const killedAt = Date.now();

    // The sides on the dead instance reconnect through the proxy and resume their calls at once;
    // the calls are whole again once the survivors notice the death (heartbeat expiry), and the
    // survivors' own call carries on meanwhile.
    await expect.poll(() => q1.down && r2.down, { timeout: 5000 }).toBe(true);
    await q1.reconnect();
    await r2.reconnect();
    expect([q1.servedBy, r2.servedBy]).not.toContain('s2');
    q1.send({ t: 'resume', callId: q });
    r2.send({ t: 'resume', callId: r });
    await exchange(p1, p2, p, 'alive');
    await exchangeWithin(q1, q2, q, 'resumed', 20_000);
    await exchangeWithin(r1, r2, r, 'resumed', 20_000);
    expect(Date.now() - killedAt).toBeLessThan(25_000);
    q2.send({ t: 'dtmf', callId: q, digits: '7' });
    expect(await q1.next((m) => m.t === 'dtmf' && m.callId === q)).toMatchObject({ digits: '7' });
    for (const [phone, id] of [
      [p1, p],
      [p2, p],
      [q1, q],
      [q2, q],
      [r1, r],
      [r2, r],
    ] as const)
      expect(hungUp(phone, id)).toBe(false);

    // A new instance joins on the dead one's port and takes calls from the others.
    await cluster.start(2);
    await cluster.settled();
    const n1 = await phoneOn(cluster, 's2', await token('n1'));
    const n2 = await phoneOn(cluster, 's0', await token('n2'));
    const fresh = await setUpCall(n1, n2, 'agent:n2', offer('n'));
    await exchange(n1, n2, fresh, 'new');
    await exchange(p1, p2, p, 'still');
    await exchange(q1, q2, q, 'still');
    await exchange(r1, r2, r, 'still');
    for (const [phone, id] of [
      [n1, fresh],
      [p1, p],
      [q1, q],
      [r2, r],
    ] as const)
      phone.send({ t: 'hangup', callId: id, reason: 'hangup' });
    await p2.next((m) => m.t === 'hangup' && m.callId === p);
    await q2.next((m) => m.t === 'hangup' && m.callId === q);
    await r1.next((m) => m.t === 'hangup' && m.callId === r);

    const ids = [p, q, r, fresh];
    const rows = await endedRecords(cluster, ids);
    const names = { p, q, r, fresh };
    const label = (uuid: string) => Object.entries(names).find(([, v]) => v === uuid)![0];
    // Hung up by a side, not ended by the relay: no call was dropped.
    expect(Object.fromEntries(rows.map((x) => [label(x.uuid), [x.status, x.reason]]))).toEqual(
      Object.fromEntries(Object.keys(names).map((k) => [k, ['completed', null]])),
    );
    for (const phone of [p1, p2, q1, q2, r1, r2, n1, n2]) phone.close();
  }, 120_000);

  it('rolls a restart through all three under 50 live calls and a steady webhook load', async () => {
    const pairs: { caller: Phone; callee: Phone; callee_name: string; callId: string }[] = [];
    for (let i = 0; i < 50; i++) {
      const calleeName = `rc${i}`;
      const caller = await Phone.connect(cluster.proxyUrl, (await cluster.agent(`rr${i}`)).token);
      const callee = await Phone.connect(cluster.proxyUrl, (await cluster.agent(calleeName)).token);
      const callId = await setUpCall(caller, callee, `agent:${calleeName}`, offer(`roll${i}`));
      pairs.push({ caller, callee, callee_name: calleeName, callId });
    }
    expect(new Set(pairs.map((x) => x.caller.servedBy)).size).toBe(3);

    // Steady webhook load through the proxy (Vonage retries what is not acknowledged).
    const run = `roll-${Date.now().toString(36)}`;
    const acknowledged: { uuid: string; status: string }[] = [];
    let sent = 0;
    let stopLoad = false;
    const load = (async () => {
      for (let n = 0; n < 3000 && !stopLoad; n++) {
        const body = eventBody(n, n % 4, run);
        sent += 1;
        try {
          const res = await fetch(`${cluster.proxyUrl}/webhooks/event`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: await signBody(body) },
            body,
          });
          if (res.status === 200) {
            const { uuid, status } = JSON.parse(body) as { uuid: string; status: string };
            acknowledged.push({ uuid, status });
          }
          await res.body?.cancel();
        } catch {
          // not acknowledged: the sender retries
        }
        await new Promise((r) => setTimeout(r, 25));
      }
    })();

    // Each call keeps signalling. A side whose socket closed reconnects through the proxy (to
    // whichever instance it reaches) and sends `resume`, as the built-in client does
    // (docs/operations.md, "Several instances"):
    // - both sides were on the restarted instance: both resume, the call survives;
    // - one side was on a surviving instance (a split call): that instance holds the call while the
    //   other side is away, the other side resumes, the call survives;
    // - neither side was on it: the call does not notice the restart.
    const endedElsewhere: string[] = [];
    const resumed: string[] = [];
    const splitResumed: string[] = [];
    const tend = async (round: number, restarted?: string) => {
      await Promise.all(
        pairs.map(async (pair) => {
          const { caller, callee, callId } = pair;
          const down = [caller, callee].filter((p) => p.down);
          const touched =
            restarted === undefined ||
            caller.servedBy === restarted ||
            callee.servedBy === restarted;
          if (!touched && (down.length > 0 || hungUp(caller, callId))) endedElsewhere.push(callId);
          if (down.length === 2) {
            await caller.reconnect();
            await callee.reconnect();
            caller.send({ t: 'resume', callId });
            callee.send({ t: 'resume', callId });
            await told(cluster, callee, caller, callId, () =>
              exchange(callee, caller, callId, `r${round}`),
            );
            expect(hungUp(caller, callId) || hungUp(callee, callId)).toBe(false);
            resumed.push(callId);
            return;
          }
          if (down.length === 1) {
            const away = down[0]!;
            const survivor = away === caller ? callee : caller;
            // Sent while the other side is away: held for it.
            survivor.send({
              t: 'ice',
              callId,
              candidate: { candidate: `held-${round}`, sdpMid: '0' },
            });
            await away.reconnect();
            away.send({ t: 'resume', callId });
            await told(cluster, caller, callee, callId, async () => {
              await away.next(
                (m) =>
                  m.t === 'ice' &&
                  (m.candidate as { candidate: string }).candidate === `held-${round}`,
              );
              await exchange(caller, callee, callId, `r${round}`);
            });
            expect(hungUp(caller, callId) || hungUp(callee, callId)).toBe(false);
            splitResumed.push(callId);
            return;
          }
          await exchange(caller, callee, pair.callId, `r${round}`);
        }),
      );
    };

    let round = 0;
    for (let i = 0; i < 3; i++) {
      await cluster.instances[i]!.stop();
      stoppedLogs.push(`s${i} (stopped)\n${cluster.instances[i]!.stderr()}`);
      cluster.instances[i] = undefined;
      await cluster.start(i);
      await cluster.settled();
      await tend(round++, `s${i}`);
    }
    expect(endedElsewhere).toEqual([]);
    // Calls with both sides on one instance (about a third of them) survive its restart, and so do
    // the calls it split (about two thirds): none ended.
    expect(resumed.length).toBeGreaterThan(0);
    expect(splitResumed.length).toBeGreaterThan(0);
    expect(pairs.every((x) => !hungUp(x.caller, x.callId) && !hungUp(x.callee, x.callId))).toBe(
      true,
    );
    await tend(round++);
    stopLoad = true;
    await load;

    // Every acknowledged webhook event is stored.
    const stored = await cluster.store.db
      .selectFrom('vonage_events')
      .select(['uuid', 'status'])
      .where('uuid', 'like', `${run}-%`)
      .execute();
    const have = new Set(stored.map((e) => `${e.uuid}/${e.status}`));
    const lost = acknowledged.filter((e) => !have.has(`${e.uuid}/${e.status}`));
    expect(acknowledged.length).toBeGreaterThan(sent / 2);
    expect(lost).toEqual([]);

    // One record per call ever set up, none left open once every call is hung up.
    for (const pair of pairs)
      pair.caller.send({ t: 'hangup', callId: pair.callId, reason: 'hangup' });
    for (const pair of pairs)
      await pair.callee.next((m) => m.t === 'hangup' && m.callId === pair.callId);
    const ids = pairs.map((x) => x.callId);
    expect(new Set(ids).size).toBe(ids.length);
    const rows = await endedRecords(cluster, ids);
    expect(rows.length).toBe(ids.length);
    expect(rows.filter((x) => x.ended_at === null)).toEqual([]);
    const all = await cluster.store.db
      .selectFrom('calls')
      .select('uuid')
      .where('provider', '=', 'builtin')
      .execute();
    expect(all.length).toBe(new Set(callIds).size);
    for (const pair of pairs) {
      pair.caller.close();
      pair.callee.close();
    }
  }, 240_000);
});
