// The zero-account provider: WebRTC audio with signalling relayed by our backend (`/signal`).
// The extension uses it to call softphone lines; the softphone page uses it to ring agents.
import type { Address, ServerMessage, signallingErrorCodes } from '../../signalling';
import {
  CallFailure,
  type CallProvider,
  type CallStats,
  type ProviderContext,
} from '../../provider';
import type { EndReason } from '../../state';
import type { CallContext } from '../../../contract/call';
import type { Target } from '../../../contract/target';
import { MediaRecovery } from './MediaRecovery';
import { PeerCall } from './PeerCall';
import { SignallingClient } from './SignallingClient';

/** Outbound calls ring for at most this long, like a phone network's no-answer timer. */
export const RING_TIMEOUT_MS = 60_000;

interface LiveCall {
  peer: PeerCall | null;
  remote: Address;
  direction: 'outbound' | 'inbound';
  answered: boolean;
  /** The caller's offer, kept until the agent answers an incoming call. */
  offer?: string;
  ext?: string;
  ringTimer?: ReturnType<typeof setTimeout>;
  /** Candidates that arrive before the agent answers an incoming call. */
  earlyIce: Parameters<PeerCall['addIceCandidate']>[0][];
  media?: MediaRecovery;
}

export function targetToAddress(target: Target): Address {
  return target.kind === 'phone' ? `tel:${target.e164}` : `contact:${target.id}`;
}

export function addressToTarget(address: Address): Target {
  if (address.startsWith('tel:')) return { kind: 'phone', e164: address.slice(4) };
  if (address.startsWith('agent:'))
    return { kind: 'contact', id: address.slice(6), label: address.slice(6) };
  return { kind: 'contact', id: address.slice('contact:'.length) };
}

const REMOTE_HANGUP: Record<string, EndReason> = {
  hangup: 'remote-hangup',
  declined: 'declined',
  busy: 'busy',
  'no-answer': 'no-answer',
  cancelled: 'cancelled',
  disconnected: 'remote-hangup',
};

const SIGNALLING_ERROR_END: Partial<Record<(typeof signallingErrorCodes)[number], EndReason>> = {
  busy: 'busy',
  unreachable: 'unavailable',
  // The relay's toll-fraud guard: too many call attempts in a minute.
  'rate-limited': 'refused-by-policy',
};

export class BuiltinProvider implements CallProvider {
  readonly name = 'builtin' as const;
  private ctx: ProviderContext | null = null;
  private signalling: SignallingClient | null = null;
  private readonly calls = new Map<string, LiveCall>();
  /** Set on the softphone page: the remote audio sink and extra registered lines. */
  constructor(private readonly options: { playRemote?(stream: MediaStream): () => void } = {}) {}

  async connect(ctx: ProviderContext): Promise<void> {
    if (
      this.signalling &&
      this.ctx?.token === ctx.token &&
      this.ctx.backendUrl === ctx.backendUrl
    ) {
      this.ctx = ctx;
      await this.signalling.connect();
      return;
    }
    this.signalling?.close();
    this.ctx = ctx;
    const signalling = new SignallingClient({
      backendUrl: ctx.backendUrl,
      token: ctx.token,
      onMessage: (message) => void this.onMessage(message),
      onStatus: (status, failure) => {
        if (this.signalling !== signalling) return;
        // Back after a drop (a backend restart): the calls go on peer to peer; tell the relay, and
        // restart ICE for a call whose media was lost meanwhile (its path changed too).
        if (status === 'ready')
          for (const [callId, call] of this.calls) {
            signalling.send({ t: 'resume', callId });
            if (call.media?.isLost) void this.restartIce(callId);
          }
        const state =
          status === 'ready'
            ? 'ready'
            : status === 'connecting'
              ? 'connecting'
              : status === 'reconnecting'
                ? 'reconnecting'
                : failure
                  ? 'error'
                  : 'idle';
        ctx.emit({
          type: 'status',
          status: {
            provider: 'builtin',
            state,
            ...(failure ? { error: failure.toCallError() } : {}),
          },
        });
      },
    });
    this.signalling = signalling;
    await signalling.connect();
  }

  async disconnect(): Promise<void> {
    for (const callId of [...this.calls.keys()]) await this.hangup(callId);
    this.signalling?.close();
    this.signalling = null;
  }

  /** Softphone only: answer calls addressed to this line too. */
  register(address: Address): void {
    this.requireSignalling().register(address);
  }

  async startCall(
    callId: string,
    target: Target,
    displayName?: string,
    context?: CallContext,
  ): Promise<void> {
    await this.callAddress(
      callId,
      targetToAddress(target),
      displayName,
      target.kind === 'phone' ? target.ext : undefined,
      context,
    );
  }

  async callAddress(
    callId: string,
    to: Address,
    displayName?: string,
    ext?: string,
    context?: CallContext,
  ): Promise<void> {
    const ctx = this.requireCtx();
    const signalling = this.requireSignalling();
    await signalling.connect();
    const microphone = await ctx.getMicrophone();
    const call: LiveCall = {
      peer: null,
      remote: to,
      direction: 'outbound',
      answered: false,
      ext,
      earlyIce: [],
    };
    this.calls.set(callId, call);
    try {
      call.peer = this.createPeer(callId, microphone);
      const sdp = await call.peer.createOffer();
      if (!this.calls.has(callId)) return; // hung up while we were preparing
      signalling.send({
        t: 'invite',
        callId,
        to,
        sdp,
        ...(displayName ? { displayName } : {}),
        ...(ext ? { ext } : {}),
        ...(context && Object.keys(context).length ? { context } : {}),
      });
    } catch (error) {
      this.dispose(callId);
      throw CallFailure.from(error);
    }
    call.ringTimer = setTimeout(() => {
      if (!call.answered && this.calls.has(callId))
        this.endLocally(callId, 'cancelled', 'no-answer');
    }, RING_TIMEOUT_MS);
  }

  async answer(callId: string): Promise<void> {
    const call = this.calls.get(callId);
    if (!call || call.direction !== 'inbound' || !call.offer)
      throw new CallFailure('internal', 'no such incoming call');
    const microphone = await this.requireCtx().getMicrophone();
    call.peer = this.createPeer(callId, microphone);
    const sdp = await call.peer.acceptOffer(call.offer);
    for (const candidate of call.earlyIce.splice(0)) await call.peer.addIceCandidate(candidate);
    call.answered = true;
    clearTimeout(call.ringTimer);
    this.requireSignalling().send({ t: 'answer', callId, sdp });
    this.requireCtx().emit({ type: 'answered', callId });
  }

  async decline(callId: string): Promise<void> {
    if (!this.calls.has(callId)) return;
    this.endLocally(callId, 'declined', 'declined');
  }

  async hangup(callId: string): Promise<void> {
    const call = this.calls.get(callId);
    if (!call) return;
    const wire = call.answered
      ? 'hangup'
      : call.direction === 'outbound'
        ? 'cancelled'
        : 'declined';
    this.endLocally(callId, wire, 'local-hangup');
  }

  async setMuted(callId: string, muted: boolean): Promise<void> {
    const call = this.calls.get(callId);
    if (!call?.peer) throw new CallFailure('internal', 'no such call');
    call.peer.setMuted(muted);
    this.requireCtx().emit({ type: 'muted', callId, muted });
  }

  async sendDtmf(callId: string, digits: string): Promise<void> {
    const call = this.calls.get(callId);
    if (!call?.peer || !call.answered) throw new CallFailure('internal', 'no answered call');
    call.peer.sendDtmf(digits);
    // Also tell the far end out of band, so a softphone can show the keys pressed.
    this.requireSignalling().send({ t: 'dtmf', callId, digits });
  }

  async getStats(callId: string): Promise<CallStats | null> {
    return (await this.calls.get(callId)?.peer?.stats()) ?? null;
  }

  async measureRtt(): Promise<number | null> {
    return this.signalling?.ping() ?? null;
  }

  private createPeer(callId: string, microphone: MediaStream): PeerCall {
    return new PeerCall({
      microphone,
      playRemote: this.options.playRemote,
      onIceCandidate: (candidate) => {
        if (this.calls.has(callId) && this.signalling?.ready)
          this.signalling.send({ t: 'ice', callId, candidate });
      },
      onConnectionState: (state) => this.mediaOf(callId)?.onState(state),
    });
  }

  /** The call's media watch (created with its peer): restarts ICE, ends a call whose media is gone. */
  private mediaOf(callId: string): MediaRecovery | undefined {
    const call = this.calls.get(callId);
    const ctx = this.ctx;
    if (!call || !ctx) return undefined;
    call.media ??= new MediaRecovery({
      lost: () => ctx.emit({ type: 'media', callId, state: 'reconnecting' }),
      back: () => ctx.emit({ type: 'media', callId, state: 'connected' }),
      restart: () => void this.restartIce(callId),
      timedOut: () => this.endLocally(callId, 'hangup', 'media-timeout'),
    });
    return call.media;
  }

  /** The caller's side of an ICE restart: a new offer over the relay (when it is up). */
  private async restartIce(callId: string): Promise<void> {
    const call = this.calls.get(callId);
    if (!call?.peer || !call.answered || call.direction !== 'outbound') return;
    if (!this.signalling?.ready) return; // done when signalling is back (status `ready`)
    const state = call.peer.connectionState;
    if (state !== 'disconnected' && state !== 'failed') return;
    try {
      const sdp = await call.peer.restartIce();
      if (this.calls.get(callId) === call && this.signalling?.ready)
        this.signalling.send({ t: 'renegotiate', callId, kind: 'offer', sdp });
    } catch {
      // The peer connection closed meanwhile; the media timer ends the call if it must.
    }
  }

  private async onMessage(message: ServerMessage): Promise<void> {
    const ctx = this.ctx;
    if (!ctx) return;
    if (message.t === 'invite') {
      const call: LiveCall = {
        peer: null,
        remote: message.from,
        direction: 'inbound',
        answered: false,
        offer: message.sdp,
        earlyIce: [],
      };
      this.calls.set(message.callId, call);
      this.signalling?.send({ t: 'ringing', callId: message.callId });
      call.ringTimer = setTimeout(() => {
        if (!call.answered && this.calls.has(message.callId))
          this.endLocally(message.callId, 'no-answer', 'no-answer');
      }, RING_TIMEOUT_MS);
      ctx.emit({
        type: 'incoming',
        callId: message.callId,
        from: addressToTarget(message.from),
        ...(message.displayName ? { displayName: message.displayName } : {}),
      });
      return;
    }
    if (message.t === 'error') {
      if (!message.callId || !this.calls.has(message.callId)) return;
      // A message the relay refused (an older relay does not know `renegotiate`): the answered
      // call itself is fine.
      if (message.code === 'bad-message' && this.calls.get(message.callId)!.answered) return;
      const reason = SIGNALLING_ERROR_END[message.code] ?? 'failed';
      this.dispose(message.callId);
      ctx.emit({
        type: 'ended',
        callId: message.callId,
        reason,
        ...(reason === 'refused-by-policy'
          ? { error: { code: 'refused-by-policy', detail: message.message } }
          : {}),
      });
      return;
    }
    if (!('callId' in message)) return;
    const call = this.calls.get(message.callId);
    // Only the party we are talking to may drive this call.
    if (!call || ('from' in message && message.from !== call.remote && !call.remote.endsWith('*')))
      return;
    switch (message.t) {
      case 'ringing':
        ctx.emit({ type: 'ringing', callId: message.callId });
        break;
      case 'answer':
        if (call.direction !== 'outbound' || !call.peer) return;
        call.remote = message.from; // `agent:*` resolves to the agent who answered
        await call.peer.setAnswer(message.sdp);
        call.answered = true;
        clearTimeout(call.ringTimer);
        ctx.emit({ type: 'answered', callId: message.callId });
        if (call.ext) call.peer.sendDtmf(call.ext);
        break;
      case 'ice':
        if (call.peer) await call.peer.addIceCandidate(message.candidate);
        else call.earlyIce.push(message.candidate);
        break;
      case 'hangup': {
        const reason =
          !call.answered && message.reason === 'hangup'
            ? 'declined'
            : REMOTE_HANGUP[message.reason]!;
        this.dispose(message.callId);
        ctx.emit({ type: 'ended', callId: message.callId, reason });
        break;
      }
      case 'dtmf':
        ctx.emit({ type: 'dtmf', callId: message.callId, digits: message.digits });
        break;
      case 'renegotiate':
        if (!call.peer || !call.answered) return;
        if (message.kind === 'offer' && call.direction === 'inbound') {
          const sdp = await call.peer.acceptOffer(message.sdp);
          if (this.calls.get(message.callId) === call && this.signalling?.ready)
            this.signalling.send({ t: 'renegotiate', callId: message.callId, kind: 'answer', sdp });
        } else if (message.kind === 'answer' && call.direction === 'outbound') {
          await call.peer.setAnswer(message.sdp);
        }
        break;
    }
  }

  private endLocally(
    callId: string,
    wire: 'hangup' | 'declined' | 'cancelled' | 'no-answer',
    reason: EndReason,
  ): void {
    if (this.signalling?.ready) this.signalling.send({ t: 'hangup', callId, reason: wire });
    this.dispose(callId);
    this.ctx?.emit({ type: 'ended', callId, reason });
  }

  private dispose(callId: string): void {
    const call = this.calls.get(callId);
    if (!call) return;
    clearTimeout(call.ringTimer);
    call.media?.stop();
    call.peer?.close();
    this.calls.delete(callId);
  }

  private requireCtx(): ProviderContext {
    if (!this.ctx) throw new CallFailure('not-signed-in', 'provider not connected');
    return this.ctx;
  }

  private requireSignalling(): SignallingClient {
    if (!this.signalling) throw new CallFailure('not-signed-in', 'provider not connected');
    return this.signalling;
  }
}
