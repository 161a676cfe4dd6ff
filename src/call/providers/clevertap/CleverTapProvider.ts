// In-app VoIP calls to CRM contacts through CleverTap Signed Call. The SDK patches `fetch` and draws
// its own UI in whatever document loads it, so it runs in a hidden iframe (/clevertap.html) that
// this provider drives over a validated postMessage protocol (see signedCallProtocol.ts). CleverTap
// tells our backend nothing about calls, so the provider reports each call's progress for its record.
import {
  CallFailure,
  type CallProvider,
  type ProviderContext,
  type ProviderEvent,
} from '../../provider';
import type { CallError, EndReason, ProviderStatus } from '../../state';
import type { CallContext } from '../../../contract/call';
import type { Target } from '../../../contract/target';
import { CallReporter, reportedCallerName } from './callReporter';
import { SignedCallFrame, type SignedCallFrameOptions } from './SignedCallFrame';
import { calleeEnd, cuidProblem, outgoingEnd } from './signedCallErrors';
import type { HostEvent } from './signedCallProtocol';
import { fetchSignedCallSettings, type SignedCallSettings } from './signedCallSettings';

/** Sign-in: CleverTap ID (5 s) + sign-in (10 s) inside the host, plus loading the SDK. */
export const INIT_TIMEOUT_MS = 20_000;
/** Placing a call: the SDK gives up after 10 s without an answer from signalling. */
export const CALL_TIMEOUT_MS = 20_000;
const CONTROL_TIMEOUT_MS = 5_000;

export interface FrameLike {
  open(): Promise<void>;
  request: SignedCallFrame['request'];
  close(): void;
  readonly running: boolean;
}

export interface CleverTapProviderOptions {
  createFrame?: (options: SignedCallFrameOptions) => FrameLike;
  fetch?: typeof fetch;
  /** The packaged ringtone; defaults to /ringtone.wav of this extension. */
  ringtoneUrl?: string;
}

interface LiveCall {
  callId: string;
  /** Signed Call's call id; null until the call is placed. */
  scCallId: string | null;
  direction: 'outbound' | 'inbound';
  answered: boolean;
  hangupRequested: boolean;
}

export class CleverTapProvider implements CallProvider {
  readonly name = 'clevertap' as const;
  private ctx: ProviderContext | null = null;
  private frame: FrameLike | null = null;
  private settings: SignedCallSettings | null = null;
  private ready = false;
  private connecting: Promise<void> | null = null;
  private call: LiveCall | null = null;
  private readonly createFrame: NonNullable<CleverTapProviderOptions['createFrame']>;
  private readonly fetchImpl: typeof fetch;
  private readonly ringtoneUrl: string | undefined;
  private readonly reporter: CallReporter;

  constructor(options: CleverTapProviderOptions = {}) {
    this.createFrame = options.createFrame ?? ((o) => new SignedCallFrame(o));
    this.fetchImpl = options.fetch ?? ((...args) => fetch(...args));
    this.ringtoneUrl = options.ringtoneUrl;
    this.reporter = new CallReporter(this.fetchImpl);
  }

  async connect(ctx: ProviderContext): Promise<void> {
    if (this.connecting) await this.connecting.catch(() => undefined);
    const same =
      this.frame?.running === true &&
      this.ctx?.token === ctx.token &&
      this.ctx.backendUrl === ctx.backendUrl;
    this.ctx = ctx;
    if (same && this.ready) return;
    await this.closeFrame('local-hangup');
    this.connecting = this.open(ctx).finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  async disconnect(): Promise<void> {
    const frame = this.frame;
    if (frame?.running) await frame.request('logout', {}, 2_000).catch(() => undefined);
    await this.closeFrame('local-hangup');
    this.ctx = null;
  }

  async startCall(
    callId: string,
    target: Target,
    _displayName?: string,
    context?: CallContext,
  ): Promise<void> {
    const ctx = this.requireCtx();
    if (target.kind !== 'contact') {
      throw new CallFailure(
        'invalid-target',
        'CleverTap Signed Call calls contacts (cuid), not phone numbers',
      );
    }
    const problem = cuidProblem(target.id);
    if (problem) throw new CallFailure('invalid-target', problem, 'ERR_INVALID_CALL_PARAMETERS');
    const frame = this.requireFrame();
    if (this.call)
      throw new CallFailure(
        'call-in-progress',
        'a Signed Call is in progress',
        'ERR_OUTGOING_CALL_IN_PROGRESS',
      );
    // A precise microphone error (denied / dismissed / missing) before the SDK's generic one.
    await ctx.getMicrophone();
    const call: LiveCall = {
      callId,
      scCallId: null,
      direction: 'outbound',
      answered: false,
      hangupRequested: false,
    };
    this.call = call;
    this.reporter.track(
      callId,
      { cuid: target.id, direction: 'outbound', ...(context ? { context } : {}) },
      ctx,
    );
    try {
      const { callId: scCallId } = await frame.request(
        'call',
        { cuid: target.id, context: ctx.settings.clevertap.callContext },
        CALL_TIMEOUT_MS,
      );
      call.scCallId = scCallId;
    } catch (error) {
      const failure = CallFailure.from(error);
      const end = calleeEnd(failure.toCallError());
      if (end && this.call === call) {
        // Busy or offline: the call was attempted and ended on the callee's side.
        this.finish(call, end, failure.toCallError());
        return;
      }
      if (this.call === call) this.call = null;
      this.reporter.forget(callId);
      throw failure;
    }
    // Placed: the receiver's device is alerting.
    if (this.call === call) {
      this.reporter.ringing(callId);
      this.emit({ type: 'ringing', callId });
    }
  }

  async answer(callId: string): Promise<void> {
    const call = this.call;
    if (!call || call.callId !== callId || call.direction !== 'inbound' || !call.scCallId) {
      throw new CallFailure('internal', 'no such incoming call');
    }
    await this.requireCtx().getMicrophone();
    await this.requireFrame().request('answer', { callId: call.scCallId }, CONTROL_TIMEOUT_MS);
  }

  async decline(callId: string): Promise<void> {
    const call = this.call;
    if (!call || call.callId !== callId || !call.scCallId) return;
    call.hangupRequested = true;
    await this.requireFrame().request('decline', { callId: call.scCallId }, CONTROL_TIMEOUT_MS);
  }

  async hangup(callId: string): Promise<void> {
    const call = this.call;
    if (!call || call.callId !== callId) return;
    call.hangupRequested = true;
    try {
      await this.requireFrame().request('hangup', {}, CONTROL_TIMEOUT_MS);
    } catch (error) {
      // The host is gone or stuck: the call is over for us either way.
      this.finish(call, 'local-hangup');
      throw CallFailure.from(error);
    }
  }

  async setMuted(callId: string, muted: boolean): Promise<void> {
    if (this.call?.callId !== callId) throw new CallFailure('internal', 'no such call');
    await this.requireFrame().request('setMuted', { muted }, CONTROL_TIMEOUT_MS);
  }

  async sendDtmf(): Promise<void> {
    throw new CallFailure('bad-request', 'CleverTap Signed Call calls have no keypad (DTMF)');
  }

  // ---- session ------------------------------------------------------------------------------

  private async open(ctx: ProviderContext): Promise<void> {
    const settings = await fetchSignedCallSettings(ctx.backendUrl, ctx.token, this.fetchImpl);
    const problem = cuidProblem(settings.cuid);
    if (problem) {
      throw new CallFailure(
        'provider-not-configured',
        `agent cuid "${settings.cuid}": ${problem}`,
        'ERR_INVALID_INITPARAMETERS',
      );
    }
    const frame = this.createFrame({ onEvent: (event) => this.onHostEvent(frame, event) });
    this.frame = frame;
    try {
      await frame.open();
      await frame.request(
        'init',
        {
          accountId: settings.accountId,
          apikey: settings.apikey,
          cuid: settings.cuid,
          ...(settings.name ? { name: settings.name } : {}),
          ...(settings.clevertapAccountId
            ? { clevertapAccountId: settings.clevertapAccountId }
            : {}),
          ...(settings.region ? { clevertapRegion: settings.region } : {}),
          ringtone: this.ringtoneUrl ?? new URL('/ringtone.wav', location.href).href,
        },
        INIT_TIMEOUT_MS,
      );
    } catch (error) {
      // Dropping the document also stops the SDK's endless sign-in retries.
      frame.close();
      if (this.frame === frame) this.frame = null;
      throw CallFailure.from(error, 'provider-unreachable');
    }
    if (this.frame !== frame)
      throw new CallFailure('internal', 'superseded by a newer configuration');
    this.settings = settings;
    this.ready = true;
  }

  private async closeFrame(reason: EndReason): Promise<void> {
    const frame = this.frame;
    this.frame = null;
    this.ready = false;
    this.settings = null;
    if (this.call) this.finish(this.call, reason);
    frame?.close();
  }

  // ---- host events --------------------------------------------------------------------------

  private onHostEvent(frame: FrameLike, event: HostEvent): void {
    if (frame !== this.frame) return;
    const call = this.call;
    switch (event.type) {
      case 'incoming':
      case 'busy-declined': {
        const callId = event.callId.slice(0, 100);
        const from: Target =
          event.from && !cuidProblem(event.from)
            ? { kind: 'contact', id: event.from, label: event.name ?? event.from }
            : { kind: 'contact', id: 'unknown', label: event.name ?? event.context ?? 'unknown' };
        const displayName = event.name ?? event.context;
        const callerName = reportedCallerName(event.name);
        if (this.ctx)
          this.reporter.track(
            callId,
            { cuid: from.id, direction: 'inbound', ...(callerName ? { callerName } : {}) },
            this.ctx,
          );
        if (event.type === 'busy-declined' || call) {
          // The SDK declines a second call while one is up (reason "user busy"): show it, ended as busy.
          this.emit({ type: 'incoming', callId, from, ...(displayName ? { displayName } : {}) });
          this.reporter.ringing(callId);
          this.reporter.ended(callId, 'busy');
          this.emit({ type: 'ended', callId, reason: 'busy' });
          return;
        }
        this.call = {
          callId,
          scCallId: event.callId,
          direction: 'inbound',
          answered: false,
          hangupRequested: false,
        };
        this.reporter.ringing(callId);
        this.emit({ type: 'incoming', callId, from, ...(displayName ? { displayName } : {}) });
        return;
      }
      case 'answered':
        if (call && call.scCallId === event.callId && !call.answered) {
          call.answered = true;
          this.reporter.answered(call.callId);
          this.emit({ type: 'answered', callId: call.callId });
        }
        return;
      case 'ended': {
        if (!call || call.scCallId !== event.callId) return;
        this.finish(call, this.endReason(call, event), event.error);
        return;
      }
      case 'connection':
        if (!this.ready) return;
        // The SDK may need 30 s to 6 minutes to come back after a network drop: not an error.
        this.status(event.state === 'connected' ? 'ready' : 'reconnecting');
        if (call?.answered) {
          this.emit({
            type: 'media',
            callId: call.callId,
            state: event.state === 'connected' ? 'connected' : 'reconnecting',
          });
        }
        return;
      case 'media':
        if (call?.answered) this.emit({ type: 'media', callId: call.callId, state: event.state });
        return;
      case 'muted':
        if (call) this.emit({ type: 'muted', callId: call.callId, muted: event.muted });
        return;
    }
  }

  private endReason(call: LiveCall, event: Extract<HostEvent, { type: 'ended' }>): EndReason {
    if (event.outcome === 'error') return (event.error && calleeEnd(event.error)) ?? 'failed';
    if (call.direction === 'outbound') return outgoingEnd(event.outcome, call.hangupRequested);
    switch (event.outcome) {
      case 'over':
        return call.hangupRequested ? 'local-hangup' : 'remote-hangup';
      case 'declined':
        return 'declined';
      case 'missed':
        return 'no-answer';
      case 'cancelled':
        return 'cancelled';
    }
  }

  // ---- helpers ------------------------------------------------------------------------------

  private finish(call: LiveCall, reason: EndReason, error?: CallError): void {
    if (this.call !== call) return;
    this.call = null;
    this.reporter.ended(call.callId, reason);
    this.emit({ type: 'ended', callId: call.callId, reason, ...(error ? { error } : {}) });
  }

  private emit(event: ProviderEvent): void {
    this.ctx?.emit(event);
  }

  private status(state: ProviderStatus['state']): void {
    this.emit({ type: 'status', status: { provider: 'clevertap', state } });
  }

  private requireCtx(): ProviderContext {
    if (!this.ctx) throw new CallFailure('not-signed-in');
    return this.ctx;
  }

  private requireFrame(): FrameLike {
    if (!this.frame?.running || !this.ready) {
      throw new CallFailure(
        'provider-unreachable',
        'Signed Call is not signed in',
        'ERR_CONNECTION_NOT_ESTABLISHED',
      );
    }
    return this.frame;
  }
}
