// The built-in provider's ICE restart: when an answered call's media path breaks while signalling is
// (or comes) back, the caller re-offers with fresh ICE over the relay and the callee answers. The
// browser's WebSocket and RTCPeerConnection are scripted stand-ins, in this test only.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ProviderContext, ProviderEvent } from '../../provider';
import type { ClientMessage, ServerMessage } from '../../signalling';
import { BuiltinProvider } from './BuiltinProvider';
import { ICE_RESTART_DELAY_MS, MEDIA_TIMEOUT_MS } from './MediaRecovery';

/** The relay's end of the signalling socket: what the provider sent, and what the test sends it. */
class ScriptedSocket {
  static last: ScriptedSocket | undefined;
  readyState = 0;
  readonly sent: ClientMessage[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: string }) => void) | null = null;
  onclose: ((event: { code: number }) => void) | null = null;
  onerror: (() => void) | null = null;

  constructor() {
    ScriptedSocket.last = this;
    setTimeout(() => {
      this.readyState = 1;
      this.onopen?.();
    }, 0);
  }

  send(data: string): void {
    this.sent.push(JSON.parse(data) as ClientMessage);
  }

  close(code = 1000): void {
    this.readyState = 3;
    this.onclose?.({ code });
  }

  /** A message from the relay. */
  deliver(message: ServerMessage): void {
    this.onmessage?.({ data: JSON.stringify(message) });
  }

  of<T extends ClientMessage['t']>(t: T): Extract<ClientMessage, { t: T }>[] {
    return this.sent.filter((m) => m.t === t) as Extract<ClientMessage, { t: T }>[];
  }
}

/** A peer connection whose ICE state the test sets. */
class ScriptedPeer {
  static last: ScriptedPeer | undefined;
  connectionState: RTCPeerConnectionState = 'new';
  remoteDescription: { type: string; sdp: string } | null = null;
  readonly remotes: { type: string; sdp: string }[] = [];
  restarts = 0;
  private offers = 0;
  onicecandidate: unknown = null;
  ontrack: unknown = null;
  onconnectionstatechange: (() => void) | null = null;

  constructor() {
    ScriptedPeer.last = this;
  }
  addTrack(): void {}
  getSenders(): [] {
    return [];
  }
  restartIce(): void {
    this.restarts += 1;
  }
  async createOffer(opts?: { iceRestart?: boolean }) {
    this.offers += 1;
    return { type: 'offer', sdp: opts?.iceRestart ? `restart-offer-${this.offers}` : 'offer' };
  }
  async createAnswer() {
    return { type: 'answer', sdp: `answer-to-${this.remoteDescription?.sdp}` };
  }
  async setLocalDescription(): Promise<void> {}
  async setRemoteDescription(description: { type: string; sdp: string }): Promise<void> {
    this.remoteDescription = description;
    this.remotes.push(description);
  }
  async addIceCandidate(): Promise<void> {}
  close(): void {
    this.connectionState = 'closed';
  }
  /** The ICE agent reports a new state. */
  set(state: RTCPeerConnectionState): void {
    this.connectionState = state;
    this.onconnectionstatechange?.();
  }
}

async function connected() {
  const events: ProviderEvent[] = [];
  const ctx = {
    backendUrl: 'http://127.0.0.1:1',
    token: 'token',
    settings: {},
    emit: (event: ProviderEvent) => events.push(event),
    getMicrophone: async () => ({ getAudioTracks: () => [] }) as unknown as MediaStream,
  } as unknown as ProviderContext;
  const provider = new BuiltinProvider({ playRemote: () => () => {} });
  const connecting = provider.connect(ctx);
  await vi.advanceTimersByTimeAsync(0);
  const socket = ScriptedSocket.last!;
  socket.deliver({ t: 'ready', identity: 'agent:alice' });
  await connecting;
  return { provider, socket, events };
}

const media = (events: ProviderEvent[]) =>
  events.filter((e) => e.type === 'media').map((e) => (e as { state: string }).state);
const ended = (events: ProviderEvent[]) => events.filter((e) => e.type === 'ended');

describe('built-in provider: ICE restart', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.stubGlobal('WebSocket', ScriptedSocket);
    vi.stubGlobal('RTCPeerConnection', ScriptedPeer);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  async function answeredOutbound() {
    const session = await connected();
    await session.provider.startCall('call-out-1', { kind: 'contact', id: 'bob', label: 'Bob' });
    const peer = ScriptedPeer.last!;
    session.socket.deliver({ t: 'answer', callId: 'call-out-1', from: 'contact:bob', sdp: 'a1' });
    await vi.advanceTimersByTimeAsync(0);
    peer.set('connected');
    return { ...session, peer };
  }

  it('the caller restarts ICE when the path stays disconnected, and takes the new answer', async () => {
    const { provider, socket, events, peer } = await answeredOutbound();
    peer.set('disconnected');
    expect(media(events)).toEqual(['connected', 'reconnecting']);
    // A momentary loss is left to ICE itself.
    await vi.advanceTimersByTimeAsync(ICE_RESTART_DELAY_MS - 100);
    expect(socket.of('renegotiate')).toEqual([]);
    await vi.advanceTimersByTimeAsync(100);
    expect(peer.restarts).toBe(1);
    expect(socket.of('renegotiate')).toEqual([
      { t: 'renegotiate', callId: 'call-out-1', kind: 'offer', sdp: 'restart-offer-2' },
    ]);
    socket.deliver({
      t: 'renegotiate',
      callId: 'call-out-1',
      from: 'contact:bob',
      kind: 'answer',
      sdp: 'a2',
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(peer.remotes.at(-1)).toEqual({ type: 'answer', sdp: 'a2' });
    peer.set('connected');
    await vi.advanceTimersByTimeAsync(MEDIA_TIMEOUT_MS * 2);
    expect(media(events)).toEqual(['connected', 'reconnecting', 'connected']);
    expect(ended(events)).toEqual([]);
    await provider.disconnect();
  });

  it('an older relay refusing the re-offer leaves the answered call up', async () => {
    const { provider, socket, events, peer } = await answeredOutbound();
    peer.set('failed');
    await vi.advanceTimersByTimeAsync(0);
    expect(socket.of('renegotiate')).toHaveLength(1);
    socket.deliver({
      t: 'error',
      callId: 'call-out-1',
      code: 'bad-message',
      message: 'Bad message: Invalid discriminator value',
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(ended(events)).toEqual([]);
    peer.set('connected');
    await vi.advanceTimersByTimeAsync(MEDIA_TIMEOUT_MS * 2);
    expect(ended(events)).toEqual([]);
    await provider.disconnect();
  });

  it('a path that recovers by itself is not restarted', async () => {
    const { provider, socket, peer } = await answeredOutbound();
    peer.set('disconnected');
    await vi.advanceTimersByTimeAsync(ICE_RESTART_DELAY_MS / 2);
    peer.set('connected');
    await vi.advanceTimersByTimeAsync(MEDIA_TIMEOUT_MS * 2);
    expect(peer.restarts).toBe(0);
    expect(socket.of('renegotiate')).toEqual([]);
    await provider.disconnect();
  });

  it('failed while signalling is down: resumes, then restarts ICE once signalling is back', async () => {
    const { provider, socket, events, peer } = await answeredOutbound();
    socket.close(1001); // the backend restarts
    peer.set('failed');
    await vi.advanceTimersByTimeAsync(0);
    expect(peer.restarts).toBe(0);
    expect(ended(events)).toEqual([]);
    await vi.advanceTimersByTimeAsync(1000); // the reconnect's backoff
    const again = ScriptedSocket.last!;
    expect(again).not.toBe(socket);
    again.deliver({ t: 'ready', identity: 'agent:alice' });
    await vi.advanceTimersByTimeAsync(0);
    expect(again.sent.map((m) => m.t)).toEqual(['auth', 'resume', 'renegotiate']);
    expect(again.of('renegotiate')[0]).toMatchObject({ callId: 'call-out-1', kind: 'offer' });
    await provider.disconnect();
  });

  it('the callee answers a re-offer; media that never comes back ends the call', async () => {
    const { provider, socket, events } = await connected();
    socket.deliver({
      t: 'invite',
      callId: 'call-in-1',
      from: 'tel:+14155550100',
      to: 'agent:alice',
      sdp: 'o1',
    });
    await vi.advanceTimersByTimeAsync(0);
    await provider.answer('call-in-1');
    const peer = ScriptedPeer.last!;
    peer.set('connected');
    peer.set('disconnected');
    await vi.advanceTimersByTimeAsync(ICE_RESTART_DELAY_MS * 2);
    // The callee does not offer (the caller does): no glare.
    expect(socket.of('renegotiate')).toEqual([]);
    socket.deliver({
      t: 'renegotiate',
      callId: 'call-in-1',
      from: 'tel:+14155550100',
      kind: 'offer',
      sdp: 'o2',
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(peer.remotes.at(-1)).toEqual({ type: 'offer', sdp: 'o2' });
    expect(socket.of('renegotiate')).toEqual([
      { t: 'renegotiate', callId: 'call-in-1', kind: 'answer', sdp: 'answer-to-o2' },
    ]);
    // A re-offer from anyone else is ignored.
    socket.deliver({
      t: 'renegotiate',
      callId: 'call-in-1',
      from: 'agent:mallory',
      kind: 'offer',
      sdp: 'x',
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(socket.of('renegotiate')).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(MEDIA_TIMEOUT_MS);
    expect(ended(events)).toEqual([
      { type: 'ended', callId: 'call-in-1', reason: 'media-timeout' },
    ]);
    expect(socket.of('hangup')).toEqual([{ t: 'hangup', callId: 'call-in-1', reason: 'hangup' }]);
    await provider.disconnect();
  });
});
