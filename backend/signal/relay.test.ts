import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CLOSE_REPLACED, CLOSE_UNAUTHORIZED } from '../../src/call/signalling';
import { addAgent, checkAccessKey, createSession, disableAgent } from '../agents';
import { addLine, removeLine } from '../lines';
import { createLogger } from '../log';
import {
  SignalClient,
  eventually,
  forEachEngine,
  makeTestApp,
  signIn,
  startTestBackend,
  type TestBackend,
} from '../testing/support';
import { SignalRelay } from './relay';

const SDP = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\n';
let n = 0;
const newCallId = () => `call-${Date.now()}-${++n}`;

forEachEngine((engine) =>
  describe('signalling relay', () => {
    let backend: TestBackend;
    let alice: string;
    let bob: string;
    let phone: string;
    let phoneKey: string;

    beforeAll(async () => {
      backend = await startTestBackend(engine);
      alice = (await backend.agent('alice')).token;
      bob = (await backend.agent('bob')).token;
      ({ token: phone, accessKey: phoneKey } = await backend.agent('softphone'));
      for (const line of ['tel:+14155552671', 'contact:cust-7', 'tel:+14155550000'])
        await addLine(backend.store, line, 'softphone');
    });
    afterAll(() => backend.close());

    it('closes a socket whose first message is not a valid auth', async () => {
      const c1 = await SignalClient.open(backend.url);
      c1.send({ t: 'ping', id: 1 });
      expect(await c1.closed()).toBe(CLOSE_UNAUTHORIZED);
      const c2 = await SignalClient.open(backend.url);
      c2.send({ t: 'auth', token: 'not-a-real-token-xxxxxxxxxxxx' });
      expect(await c2.closed()).toBe(CLOSE_UNAUTHORIZED);
      const c3 = await SignalClient.open(backend.url);
      c3.send('{not json');
      expect(await c3.closed()).toBe(CLOSE_UNAUTHORIZED);
    });

    it('refuses foreign origins and accepts the extension and its own origin', async () => {
      await expect(SignalClient.open(backend.url, 'https://evil.example')).rejects.toThrow(/403/);
      const own = await SignalClient.open(backend.url, backend.url);
      own.close();
    });

    it('accepts any Firefox install (random moz-extension UUID) but still wants a token', async () => {
      const firefox = 'moz-extension://0b7e2a4c-9d3f-4e1a-8c6b-5f2d1e0a9b37';
      const anonymous = await SignalClient.open(backend.url, firefox);
      anonymous.send({ t: 'ping', id: 1 });
      expect(await anonymous.closed()).toBe(CLOSE_UNAUTHORIZED);
      const signedIn = await SignalClient.open(backend.url, firefox);
      signedIn.send({ t: 'auth', token: alice });
      expect(await signedIn.next((m) => m.t === 'ready')).toMatchObject({ t: 'ready' });
      signedIn.close();
      // Web pages (and look-alikes of the Firefox origin) are refused before any message.
      for (const origin of [
        'https://evil.example',
        'moz-extension://evil.example',
        'https://moz-extension.evil.example',
        `${firefox}.evil.example`,
        `${firefox}:443`,
        'moz-extension://0B7E2A4C-9D3F-4E1A-8C6B-5F2D1E0A9B37x',
      ]) {
        await expect(SignalClient.open(backend.url, origin), origin).rejects.toThrow(/403/);
      }
    });

    it('relays an ICE restart of an answered call: the caller offers, the callee answers', async () => {
      const a = await SignalClient.signedIn(backend.url, alice);
      const b = await SignalClient.signedIn(backend.url, bob);
      const callId = newCallId();
      a.send({ t: 'invite', callId, to: 'agent:bob', sdp: SDP });
      await b.next((m) => m.t === 'invite' && m.callId === callId);
      // Not before the call is answered.
      a.send({ t: 'renegotiate', callId, kind: 'offer', sdp: SDP });
      expect(await a.next((m) => m.t === 'error' && m.callId === callId)).toMatchObject({
        code: 'bad-message',
      });
      b.send({ t: 'answer', callId, sdp: SDP });
      await a.next((m) => m.t === 'answer' && m.callId === callId);
      a.send({ t: 'renegotiate', callId, kind: 'offer', sdp: `${SDP}a=ice-ufrag:new\r\n` });
      expect(await b.next((m) => m.t === 'renegotiate')).toEqual({
        t: 'renegotiate',
        callId,
        from: 'agent:alice',
        kind: 'offer',
        sdp: `${SDP}a=ice-ufrag:new\r\n`,
      });
      b.send({ t: 'renegotiate', callId, kind: 'answer', sdp: SDP });
      expect(await a.next((m) => m.t === 'renegotiate')).toMatchObject({
        from: 'agent:bob',
        kind: 'answer',
      });
      // The callee does not offer (no glare), the caller does not answer.
      b.send({ t: 'renegotiate', callId, kind: 'offer', sdp: SDP });
      expect(await b.next((m) => m.t === 'error' && m.callId === callId)).toMatchObject({
        code: 'bad-message',
      });
      a.send({ t: 'renegotiate', callId, kind: 'answer', sdp: SDP });
      expect(await a.next((m) => m.t === 'error' && m.callId === callId)).toMatchObject({
        code: 'bad-message',
      });
      a.send({ t: 'hangup', callId, reason: 'hangup' });
      await b.next((m) => m.t === 'hangup');
      a.close();
      b.close();
    });

    it('answers ready, pong, and bad-message without closing', async () => {
      const c = await SignalClient.signedIn(backend.url, alice);
      c.send({ t: 'ping', id: 42 });
      expect(await c.next()).toEqual({ t: 'pong', id: 42 });
      c.send({ t: 'invite', callId: 'x' });
      expect(await c.next()).toMatchObject({ t: 'error', code: 'bad-message' });
      c.send('garbage');
      expect(await c.next()).toMatchObject({ t: 'error', code: 'bad-message' });
      c.ws.send(Buffer.from([0xff, 0x00]), { binary: true });
      expect(await c.next()).toMatchObject({ t: 'error', code: 'bad-message' });
      c.send({ t: 'ringing', callId: 'unknown-call-1' });
      expect(await c.next()).toMatchObject({
        t: 'error',
        code: 'unknown-call',
        callId: 'unknown-call-1',
      });
      c.send({ t: 'ping', id: 43 });
      expect(await c.next()).toEqual({ t: 'pong', id: 43 });
      c.close();
    });

    it('relays a full call between an agent and a softphone line and records it', async () => {
      const agent = await SignalClient.signedIn(backend.url, alice);
      const line = await SignalClient.signedIn(backend.url, phone);
      line.send({ t: 'register', address: 'tel:+14155552671' });
      expect(await line.next()).toEqual({ t: 'registered', address: 'tel:+14155552671' });
      const callId = newCallId();
      agent.send({ t: 'invite', callId, to: 'tel:+14155552671', sdp: SDP, displayName: 'Alice' });
      expect(await line.next()).toEqual({
        t: 'invite',
        callId,
        from: 'agent:alice',
        to: 'tel:+14155552671',
        sdp: SDP,
        displayName: 'Alice',
      });
      line.send({ t: 'ringing', callId });
      expect(await agent.next()).toEqual({ t: 'ringing', callId, from: 'tel:+14155552671' });
      const candidate = {
        candidate: 'candidate:1 1 udp 1 127.0.0.1 5000 typ host',
        sdpMid: '0',
        sdpMLineIndex: 0,
      };
      agent.send({ t: 'ice', callId, candidate });
      expect(await line.next()).toEqual({ t: 'ice', callId, from: 'agent:alice', candidate });
      line.send({ t: 'answer', callId, sdp: SDP });
      expect(await agent.next()).toEqual({
        t: 'answer',
        callId,
        from: 'tel:+14155552671',
        sdp: SDP,
      });
      await eventually(async () => (await backend.store.getCall(callId))?.status === 'answered');
      agent.send({ t: 'dtmf', callId, digits: '12#' });
      expect(await line.next()).toEqual({ t: 'dtmf', callId, from: 'agent:alice', digits: '12#' });
      // A third party cannot touch the call.
      const intruder = await SignalClient.signedIn(backend.url, bob);
      intruder.send({ t: 'hangup', callId, reason: 'hangup' });
      expect(await intruder.next()).toMatchObject({ t: 'error', code: 'unknown-call', callId });
      agent.send({ t: 'hangup', callId, reason: 'hangup' });
      expect(await line.next()).toEqual({
        t: 'hangup',
        callId,
        from: 'agent:alice',
        reason: 'hangup',
      });
      const record = await eventually(async () => {
        const call = await backend.store.getCall(callId);
        return call?.status === 'completed' ? call : undefined;
      });
      expect(record).toMatchObject({
        provider: 'builtin',
        agent: 'alice',
        direction: 'outbound',
        from_addr: 'agent:alice',
        to_addr: 'tel:+14155552671',
        answered_by: 'softphone',
      });
      expect(record.answered_at).toBeGreaterThan(0);
      expect(record.ended_at).toBeGreaterThanOrEqual(record.answered_at!);
      expect(record.duration).toBeGreaterThanOrEqual(0);
      // The history API names who answered too.
      const history = (await (
        await fetch(`${backend.url}/api/calls`, { headers: { authorization: `Bearer ${alice}` } })
      ).json()) as { items: { uuid: string; answeredBy: string | null }[] };
      expect(history.items.find((c) => c.uuid === callId)?.answeredBy).toBe('softphone');
      for (const c of [agent, line, intruder]) c.close();
    });

    it('records who an outbound call is with and where it was placed from; refuses a non-http page', async () => {
      const agent = await SignalClient.signedIn(backend.url, alice);
      const line = await SignalClient.signedIn(backend.url, phone);
      line.send({ t: 'register', address: 'tel:+14155550000' });
      expect(await line.next()).toMatchObject({ t: 'registered' });
      const context = {
        contactName: 'Müller, Hans',
        pageUrl: 'https://crm.example.com/contacts/42?tab=calls',
        pageTitle: 'Hans Müller — CRM',
      };
      const callId = newCallId();
      agent.send({ t: 'invite', callId, to: 'tel:+14155550000', sdp: SDP, ext: '12', context });
      expect(await line.next()).toMatchObject({ t: 'invite', callId });
      const record = await eventually(() => backend.store.getCall(callId));
      expect(record).toMatchObject({
        contact_name: 'Müller, Hans',
        extension: '12',
        page_url: context.pageUrl,
        page_title: context.pageTitle,
      });
      agent.send({ t: 'hangup', callId, reason: 'hangup' });
      expect(await line.next()).toMatchObject({ t: 'hangup', callId });
      const bad = newCallId();
      agent.send({
        t: 'invite',
        callId: bad,
        to: 'tel:+14155550000',
        sdp: SDP,
        context: { pageUrl: 'javascript:alert(1)' },
      });
      expect(await agent.next()).toMatchObject({ t: 'error', code: 'bad-message' });
      expect(await backend.store.getCall(bad)).toBeUndefined();
      for (const c of [agent, line]) c.close();
    });

    it('routes agent:* round robin to free agents, records inbound, and reports busy and unreachable', async () => {
      const a = await SignalClient.signedIn(backend.url, alice);
      const b = await SignalClient.signedIn(backend.url, bob);
      const line = await SignalClient.signedIn(backend.url, phone);
      line.send({ t: 'register', address: 'contact:cust-7' });
      await line.next((m) => m.t === 'registered');
      const first = newCallId();
      line.send({ t: 'invite', callId: first, to: 'agent:*', sdp: SDP });
      const ringing = await eventually(() =>
        [a, b].find((c) => c.messages.some((m) => m.t === 'invite' && m.callId === first)),
      );
      await ringing.next((m) => m.t === 'invite');
      const other = ringing === a ? b : a;
      ringing.send({ t: 'answer', callId: first, sdp: SDP });
      await line.next((m) => m.t === 'answer');
      const rec = await eventually(async () => {
        const call = await backend.store.getCall(first);
        return call?.status === 'answered' ? call : undefined;
      });
      expect(rec.direction).toBe('inbound');
      expect(rec.from_addr).toBe('contact:cust-7');
      expect(rec.answered_by).toBe(ringing === a ? 'alice' : 'bob');
      // The busy agent is skipped: the next agent:* call goes to the other one.
      const second = newCallId();
      const line2 = await SignalClient.signedIn(
        backend.url,
        (await backend.agent('softphone2')).token,
      );
      await addLine(backend.store, 'tel:+442079460000', 'softphone2');
      line2.send({ t: 'register', address: 'tel:+442079460000' });
      await line2.next((m) => m.t === 'registered');
      line2.send({ t: 'invite', callId: second, to: 'agent:*', sdp: SDP });
      const inv = await other.next((m) => m.t === 'invite');
      expect(inv).toMatchObject({ callId: second, from: 'tel:+442079460000' });
      // Calling an agent who is on a call: busy.
      const third = newCallId();
      const busyTarget = ringing === a ? 'agent:alice' : 'agent:bob';
      const line3 = await SignalClient.signedIn(
        backend.url,
        (await backend.agent('softphone3')).token,
      );
      line3.send({ t: 'invite', callId: third, to: busyTarget, sdp: SDP });
      expect(await line3.next()).toMatchObject({ t: 'error', callId: third, code: 'busy' });
      await eventually(async () => (await backend.store.getCall(third))?.status === 'busy');
      line3.send({ t: 'invite', callId: newCallId(), to: 'tel:+15555550100', sdp: SDP });
      expect(await line3.next()).toMatchObject({ t: 'error', code: 'unreachable' });
      // The callee declines the second call.
      other.send({ t: 'hangup', callId: second, reason: 'declined' });
      expect(await line2.next((m) => m.t === 'hangup')).toMatchObject({
        callId: second,
        reason: 'declined',
      });
      await eventually(async () => (await backend.store.getCall(second))?.status === 'rejected');
      // A socket closing mid-call: the other party gets hangup/disconnected.
      line.close();
      expect(await ringing.next((m) => m.t === 'hangup')).toMatchObject({
        callId: first,
        reason: 'disconnected',
      });
      await eventually(async () => (await backend.store.getCall(first))?.status === 'completed');
      for (const c of [a, b, line2, line3]) c.close();
    });

    it('replaces an older socket of the same agent, and the same owner’s older line connection', async () => {
      const old = await SignalClient.signedIn(backend.url, alice);
      const fresh = await SignalClient.signedIn(backend.url, alice);
      expect(await old.closed()).toBe(CLOSE_REPLACED);
      const l1 = await SignalClient.signedIn(backend.url, phone);
      l1.send({ t: 'register', address: 'tel:+14155550000' });
      await l1.next((m) => m.t === 'registered');
      // The owner's second session (a reloaded softphone page) takes its own line over.
      const l2 = await SignalClient.signedIn(backend.url, await signIn(backend.url, phoneKey));
      l2.send({ t: 'register', address: 'tel:+14155550000' });
      await l2.next((m) => m.t === 'registered');
      expect(await l1.closed()).toBe(CLOSE_REPLACED);
      const callId = newCallId();
      fresh.send({ t: 'invite', callId, to: 'tel:+14155550000', sdp: SDP });
      expect(await l2.next((m) => m.t === 'invite')).toMatchObject({ callId });
      fresh.close();
      l2.close();
    });

    it('refuses another agent registering a bound line: the owner keeps it and its invites (hijack attack)', async () => {
      const owner = await SignalClient.signedIn(backend.url, phone);
      owner.send({ t: 'register', address: 'tel:+14155550000' });
      await owner.next((m) => m.t === 'registered');
      // Bob, signed in as himself, tries to take the softphone's line.
      const hijacker = await SignalClient.signedIn(backend.url, bob);
      hijacker.send({ t: 'register', address: 'tel:+14155550000' });
      const refused = await hijacker.next();
      expect(refused).toMatchObject({ t: 'error', code: 'address-taken' });
      // …and a line nobody owns: the same answer, so Bob learns nothing about who owns what.
      hijacker.send({ t: 'register', address: 'contact:unbound-1' });
      const unbound = await hijacker.next();
      expect(unbound).toMatchObject({ t: 'error', code: 'address-taken' });
      expect(String(unbound.message).replaceAll('contact:unbound-1', 'X')).toBe(
        String(refused.message).replaceAll('tel:+14155550000', 'X'),
      );
      hijacker.send({ t: 'ping', id: 1 });
      expect(await hijacker.next()).toEqual({ t: 'pong', id: 1 });
      expect(owner.closeCode).toBeUndefined();
      // Alice's invite with her SDP reaches the owner, never Bob.
      const agent = await SignalClient.signedIn(backend.url, alice);
      const callId = newCallId();
      agent.send({ t: 'invite', callId, to: 'tel:+14155550000', sdp: SDP });
      expect(await owner.next((m) => m.t === 'invite')).toMatchObject({
        callId,
        from: 'agent:alice',
        sdp: SDP,
      });
      expect(hijacker.messages.filter((m) => m.t === 'invite')).toEqual([]);
      // Nobody can be called at the unbound address either.
      const other = newCallId();
      agent.send({ t: 'invite', callId: other, to: 'contact:unbound-1', sdp: SDP });
      expect(await agent.next((m) => m.callId === other)).toMatchObject({ code: 'unreachable' });
      agent.send({ t: 'hangup', callId, reason: 'cancelled' });
      await owner.next((m) => m.t === 'hangup');
      // Bob calling an agent rings as himself, not as the line.
      const asBob = newCallId();
      hijacker.send({ t: 'invite', callId: asBob, to: 'agent:alice', sdp: SDP });
      expect(await agent.next((m) => m.t === 'invite')).toMatchObject({
        callId: asBob,
        from: 'agent:bob',
      });
      expect(hijacker.messages.filter((m) => m.t === 'invite')).toEqual([]);
      for (const c of [owner, hijacker, agent]) c.close();
    });

    it('closes sockets of a session that signs out', async () => {
      const { token } = await backend.agent('leaver');
      const c = await SignalClient.signedIn(backend.url, token);
      const res = await fetch(`${backend.url}/api/session`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(res.status).toBe(204);
      expect(await c.closed()).toBe(CLOSE_UNAUTHORIZED);
    });
  }),
);

describe('signalling auth timeout', () => {
  let backend: TestBackend;
  beforeAll(async () => {
    backend = await startTestBackend();
  });
  afterAll(() => backend.close());

  it('closes a socket that never authenticates', async () => {
    const c = await SignalClient.open(backend.url);
    // The real timeout is 10 s; the socket must still be open just before it.
    await new Promise((r) => setTimeout(r, 200));
    expect(c.ws.readyState).toBe(WebSocket.OPEN);
    expect(await c.closed(12_000)).toBe(CLOSE_UNAUTHORIZED);
  }, 15_000);
});

describe('signalling relay sessions', () => {
  it('closes sockets whose session ended elsewhere (agent disabled by the admin CLI)', async () => {
    const t = await makeTestApp();
    const relay = new SignalRelay(t.store, createLogger('silent'), 50);
    try {
      const { accessKey } = await addAgent(t.store, 'dora');
      const agent = (await checkAccessKey(t.store, accessKey))!;
      const { token } = await createSession(t.store, agent, 3600);
      const sent: string[] = [];
      let closed: number | undefined;
      const conn = relay.connect({ send: (d) => sent.push(d), close: (code) => (closed = code) });
      conn.onMessage(JSON.stringify({ t: 'auth', token }));
      await eventually(() => sent.some((m) => m.includes('"ready"')));
      await disableAgent(t.store, 'dora');
      await eventually(() => closed === CLOSE_UNAUTHORIZED);
    } finally {
      await relay.close();
      await t.close();
    }
  });

  it('stops routing a line to its holder once the admin removes it', async () => {
    const t = await makeTestApp();
    const relay = new SignalRelay(t.store, createLogger('silent'), 50);
    try {
      const connect = async (name: string) => {
        const { accessKey } = await addAgent(t.store, name);
        const { token } = await createSession(
          t.store,
          (await checkAccessKey(t.store, accessKey))!,
          3600,
        );
        const sent: Record<string, unknown>[] = [];
        const conn = relay.connect({
          send: (d) => sent.push(JSON.parse(d) as Record<string, unknown>),
          close: () => {},
        });
        conn.onMessage(JSON.stringify({ t: 'auth', token }));
        await eventually(() => sent.some((m) => m.t === 'ready'));
        return { conn, sent };
      };
      const line = await connect('eve-line');
      await addLine(t.store, 'tel:+14155550123', 'eve-line');
      line.conn.onMessage(JSON.stringify({ t: 'register', address: 'tel:+14155550123' }));
      await eventually(() => line.sent.some((m) => m.t === 'registered'));
      await removeLine(t.store, 'tel:+14155550123');
      await eventually(() => line.sent.some((m) => m.code === 'address-taken'));
      const caller = await connect('frank');
      caller.conn.onMessage(
        JSON.stringify({ t: 'invite', callId: newCallId(), to: 'tel:+14155550123', sdp: SDP }),
      );
      await eventually(() => caller.sent.some((m) => m.code === 'unreachable'));
      expect(line.sent.some((m) => m.t === 'invite')).toBe(false);
    } finally {
      await relay.close();
      await t.close();
    }
  });
});
