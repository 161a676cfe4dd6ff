// The live call, owned by the offscreen document: one provider, one call (plus a waiting one), and
// the snapshot every other context mirrors.
import {
  CallFailure,
  type CallProvider,
  type ProviderEvent,
  type ProviderName,
} from '../call/provider';
import type { CallSnapshot, EndReason, ProviderStatus } from '../call/state';
import type { CallContext } from '../contract/call';
import type { Target } from '../contract/target';
import type { CallTiming, Diagnostics } from '../messaging/background';
import type { OffscreenConfig, OffscreenProtocol, OffscreenState } from '../messaging/offscreen';
import { CONFIGURE_REASON } from '../messaging/offscreenEvents';
import type { Handlers } from '../messaging/types';

/** How long an ended call stays on screen with its reason before the UI returns to idle. */
export const ENDED_LINGER_MS = 4000;
/** How many of the far end's latest key presses the call panel shows. */
const REMOTE_DIGITS_KEPT = 32;

export interface CallSessionDeps {
  loadProvider(name: ProviderName): Promise<CallProvider>;
  getMicrophone(): Promise<MediaStream>;
  microphonePermission(): Promise<Diagnostics['microphone']>;
  onChange(state: OffscreenState, reason: string): void;
  ringtone: { start(): void; stop(): void };
  now?(): number;
}

export class CallSession {
  private provider: CallProvider | null = null;
  private config: OffscreenConfig | null = null;
  private connecting: Promise<void> | null = null;
  private streams: MediaStream[] = [];
  private lingerTimer: ReturnType<typeof setTimeout> | undefined;
  private lastCallTiming: CallTiming | null = null;
  private state: OffscreenState = {
    configVersion: null,
    provider: { provider: 'builtin', state: 'idle' },
    call: null,
    waiting: null,
  };

  constructor(private readonly deps: CallSessionDeps) {}

  getState(): OffscreenState {
    return this.state;
  }

  /** Applies sign-in and settings; switches or reconnects the provider only when needed. */
  async configure(config: OffscreenConfig | null): Promise<OffscreenState> {
    const previous = this.config;
    this.config = config;
    const sameSession =
      previous &&
      config &&
      previous.settings.provider === config.settings.provider &&
      previous.token === config.token &&
      previous.backendUrl === config.backendUrl &&
      // Providers read their own settings when they connect (region, telemetry, call context).
      JSON.stringify([previous.settings.vonage, previous.settings.clevertap]) ===
        JSON.stringify([config.settings.vonage, config.settings.clevertap]);
    if (!sameSession) {
      const old = this.provider;
      this.provider = null;
      this.connecting = null;
      if (old) await old.disconnect().catch(() => undefined);
      if (this.state.call && this.state.call.phase !== 'ended')
        this.endCall(this.state.call.callId, 'failed');
    }
    this.update({ configVersion: config?.version ?? null }, CONFIGURE_REASON);
    if (!config) {
      this.update({ provider: { provider: 'builtin', state: 'idle' } }, 'signed-out');
      return this.state;
    }
    // Connect eagerly so inbound calls reach the agent and the first click is warm.
    await this.ensureConnected().catch(() => undefined);
    return this.state;
  }

  async startCall(
    callId: string,
    target: Target,
    displayName?: string,
    clickedAt?: number,
    context?: CallContext,
  ): Promise<void> {
    const current = this.state.call;
    if (current && current.phase !== 'ended') throw new CallFailure('call-in-progress');
    if (!this.config) throw new CallFailure('not-signed-in');
    const snapshot: CallSnapshot = {
      callId,
      provider: this.config.settings.provider,
      direction: 'outbound',
      target,
      ...(displayName ? { displayName } : {}),
      phase: 'connecting',
      muted: false,
      startedAt: this.now(),
    };
    clearTimeout(this.lingerTimer);
    this.update({ call: snapshot }, 'start');
    try {
      const provider = await this.ensureConnected();
      const invokedAt = preciseNow();
      await provider.startCall(callId, target, displayName, context);
      if (clickedAt !== undefined) {
        this.lastCallTiming = {
          clickToProviderMs: invokedAt - clickedAt,
          clickToPlacedMs: preciseNow() - clickedAt,
        };
      }
    } catch (error) {
      const failure = CallFailure.from(error);
      this.endCall(
        callId,
        failure.code === 'refused-by-policy' ? 'refused-by-policy' : 'failed',
        failure,
      );
      throw failure;
    }
  }

  async answer(callId: string): Promise<void> {
    const provider = this.requireProvider();
    if (this.state.waiting?.callId === callId && this.state.call) {
      // Call waiting: answering the new call ends the current one.
      await provider.hangup(this.state.call.callId);
    }
    this.deps.ringtone.stop();
    await provider.answer(callId);
  }

  async decline(callId: string): Promise<void> {
    this.deps.ringtone.stop();
    await this.requireProvider().decline(callId);
  }

  async hangup(callId: string): Promise<void> {
    const call = this.findCall(callId);
    if (!call) return;
    if (call.phase === 'ended') return;
    if (!this.provider) {
      this.endCall(callId, 'local-hangup');
      return;
    }
    await this.provider.hangup(callId);
  }

  async setMuted(callId: string, muted: boolean): Promise<void> {
    await this.requireProvider().setMuted(callId, muted);
  }

  async sendDtmf(callId: string, digits: string): Promise<void> {
    await this.requireProvider().sendDtmf(callId, digits);
  }

  async diagnostics(): Promise<Omit<Diagnostics, 'extensionVersion'>> {
    const callId = this.state.call?.callId;
    const [stats, rtt, microphone] = await Promise.all([
      callId && this.provider?.getStats ? this.provider.getStats(callId) : null,
      this.provider?.measureRtt ? this.provider.measureRtt() : null,
      this.deps.microphonePermission(),
    ]);
    return {
      provider: this.state.provider,
      signallingRttMs: rtt,
      call: stats && callId ? { callId, ...stats } : null,
      microphone,
      lastCallTiming: this.lastCallTiming,
    };
  }

  /** The provider's microphone getter; every stream is stopped once no call is live. */
  private async microphone(): Promise<MediaStream> {
    const stream = await this.deps.getMicrophone();
    this.streams.push(stream);
    return stream;
  }

  private releaseMicrophoneIfIdle(): void {
    const live = (c: CallSnapshot | null) => c !== null && c.phase !== 'ended';
    if (live(this.state.call) || live(this.state.waiting)) return;
    for (const stream of this.streams.splice(0)) stream.getTracks().forEach((t) => t.stop());
  }

  private async ensureConnected(): Promise<CallProvider> {
    const config = this.config;
    if (!config) throw new CallFailure('not-signed-in');
    if (this.provider && this.state.provider.state === 'ready') return this.provider;
    this.connecting ??= (async () => {
      const provider = this.provider ?? (await this.deps.loadProvider(config.settings.provider));
      this.provider = provider;
      this.update({ provider: { provider: provider.name, state: 'connecting' } }, 'connecting');
      await provider.connect({
        backendUrl: config.backendUrl,
        token: config.token,
        settings: config.settings,
        emit: (event) => {
          if (this.provider === provider) this.onProviderEvent(event);
        },
        getMicrophone: () => this.microphone(),
      });
      this.update({ provider: { provider: provider.name, state: 'ready' } }, 'ready');
    })()
      .catch((error) => {
        const failure = CallFailure.from(error, 'backend-unreachable');
        this.update(
          {
            provider: {
              provider: config.settings.provider,
              state: 'error',
              error: failure.toCallError(),
            },
          },
          'provider-error',
        );
        throw failure;
      })
      .finally(() => {
        this.connecting = null;
      });
    await this.connecting;
    return this.provider!;
  }

  private onProviderEvent(event: ProviderEvent): void {
    switch (event.type) {
      case 'status':
        this.update({ provider: event.status as ProviderStatus }, 'status');
        return;
      case 'incoming':
        this.onIncoming(event.callId, event.from, event.displayName);
        return;
      case 'ringing':
        this.patchCall(
          event.callId,
          (c) => (c.phase === 'connecting' ? { phase: 'ringing' } : {}),
          'ringing',
        );
        return;
      case 'answered':
        if (this.state.waiting?.callId === event.callId) {
          this.update({ call: this.state.waiting, waiting: null }, 'swap');
        }
        this.deps.ringtone.stop();
        this.patchCall(
          event.callId,
          () => ({ phase: 'active', answeredAt: this.now() }),
          'answered',
        );
        return;
      case 'media':
        this.patchCall(
          event.callId,
          (c) =>
            c.phase === 'active' || c.phase === 'reconnecting'
              ? { phase: event.state === 'connected' ? 'active' : 'reconnecting' }
              : {},
          'media',
        );
        return;
      case 'dtmf':
        this.addRemoteDigits(event.callId, event.digits);
        return;
      case 'muted':
        this.patchCall(event.callId, () => ({ muted: event.muted }), 'muted');
        return;
      case 'ended':
        this.endCall(
          event.callId,
          event.reason,
          event.error ? CallFailure.fromCallError(event.error) : undefined,
        );
        return;
    }
  }

  /** Keeps the last keys the far end pressed, for the call panel; anything but DTMF keys is dropped. */
  private addRemoteDigits(callId: string, digits: string): void {
    const keys = digits.replace(/[^0-9*#]/g, '');
    if (!keys) return;
    this.patchCall(
      callId,
      (c) => ({ remoteDigits: `${c.remoteDigits ?? ''}${keys}`.slice(-REMOTE_DIGITS_KEPT) }),
      'dtmf',
    );
  }

  private onIncoming(callId: string, from: Target, displayName?: string): void {
    const snapshot: CallSnapshot = {
      callId,
      provider: this.provider!.name,
      direction: 'inbound',
      target: from,
      ...(displayName ? { displayName } : {}),
      phase: 'incoming',
      muted: false,
      startedAt: this.now(),
    };
    const current = this.state.call;
    if (current && current.phase !== 'ended') {
      if (!this.config?.settings.callWaiting || this.state.waiting) {
        void this.provider?.decline(callId).catch(() => undefined);
        return;
      }
      this.update({ waiting: snapshot }, 'waiting');
      return;
    }
    clearTimeout(this.lingerTimer);
    this.update({ call: snapshot }, 'incoming');
    this.deps.ringtone.start();
  }

  private endCall(callId: string, reason: EndReason, failure?: CallFailure): void {
    if (this.state.waiting?.callId === callId) {
      this.update({ waiting: null }, 'waiting-ended');
      this.releaseMicrophoneIfIdle();
      return;
    }
    if (this.state.call?.callId !== callId || this.state.call.phase === 'ended') return;
    this.deps.ringtone.stop();
    this.patchCall(
      callId,
      () => ({
        phase: 'ended',
        endedAt: this.now(),
        endReason: reason,
        ...(failure ? { error: failure.toCallError() } : {}),
      }),
      'ended',
    );
    this.releaseMicrophoneIfIdle();
    clearTimeout(this.lingerTimer);
    this.lingerTimer = setTimeout(() => {
      if (this.state.call?.callId === callId && this.state.call.phase === 'ended') {
        this.update({ call: this.state.waiting, waiting: null }, 'cleared');
      }
    }, ENDED_LINGER_MS);
  }

  private patchCall(
    callId: string,
    patch: (call: CallSnapshot) => Partial<CallSnapshot>,
    reason: string,
  ): void {
    const call = this.state.call;
    if (!call || call.callId !== callId) return;
    this.update({ call: { ...call, ...patch(call) } }, reason);
  }

  private findCall(callId: string): CallSnapshot | null {
    if (this.state.call?.callId === callId) return this.state.call;
    if (this.state.waiting?.callId === callId) return this.state.waiting;
    return null;
  }

  private requireProvider(): CallProvider {
    if (!this.provider) throw new CallFailure('not-signed-in');
    return this.provider;
  }

  private update(patch: Partial<OffscreenState>, reason: string): void {
    this.state = { ...this.state, ...patch };
    this.deps.onChange(this.state, reason);
  }

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }
}

/** Epoch milliseconds with sub-millisecond precision, comparable across the extension's processes. */
function preciseNow(): number {
  return performance.timeOrigin + performance.now();
}

/** The offscreen channel's methods, each answered by the session (the document's wiring and tests share it). */
export function sessionHandlers(session: CallSession): Handlers<OffscreenProtocol> {
  return {
    configure: ({ config }) => session.configure(config),
    startCall: async ({ callId, target, displayName, clickedAt, context }) => {
      await session.startCall(callId, target, displayName, clickedAt, context);
      return null;
    },
    hangup: async ({ callId }) => (await session.hangup(callId), null),
    answer: async ({ callId }) => (await session.answer(callId), null),
    decline: async ({ callId }) => (await session.decline(callId), null),
    setMuted: async ({ callId, muted }) => (await session.setMuted(callId, muted), null),
    sendDtmf: async ({ callId, digits }) => (await session.sendDtmf(callId, digits), null),
    getState: () => session.getState(),
    getDiagnostics: () => session.diagnostics(),
  };
}
