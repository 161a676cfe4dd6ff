/* eslint-disable max-lines -- the whole Client SDK boundary: session lifetime, token refresh, outbound, inbound and their event mapping */
// Calls through Vonage's Client SDK: a session kept alive all day, server calls to phones and app
// users, and inbound invites. Runs only in the offscreen document (the SDK is ~1.3 MB).
import type { ClientInitConfigObject, VonageClient, VonageEvent } from '@vonage/client-sdk';
import { z } from 'zod';
import {
  CallFailure,
  DTMF_DIGITS,
  type CallProvider,
  type CallStats,
  type ProviderContext,
  type ProviderEvent,
} from '../../provider';
import type { EndReason, ProviderStatus } from '../../state';
import type { CallContext } from '../../../contract/call';
import type { Target } from '../../../contract/target';
import { summarizeStats } from '../../rtcStats';
import { withTimeout } from '../../withTimeout';
import { backendClient } from '../../backendClient';
import { CONTACT_ID, E164_DIGITS } from '../../../contract/ids';
import { callRecordSchema } from '../../../contract/schemas';
import { buildVonageContext } from './buildVonageContext';
import {
  hangupOutcome,
  inviteCancelReason,
  sessionErrorFailure,
  vonageFailure,
} from './vonageErrors';
import { fetchVonageToken, refreshDelayMs, type VonageToken } from './vonageToken';

/** The part of the SDK client this provider uses; tests supply a fake that satisfies it. */
export type VonageClientLike = Pick<
  VonageClient,
  | 'setConfig'
  | 'createSession'
  | 'refreshSession'
  | 'deleteSession'
  | 'serverCall'
  | 'reconnectCall'
  | 'answer'
  | 'reject'
  | 'hangup'
  | 'mute'
  | 'unmute'
  | 'sendDTMF'
  | 'getPeerConnection'
  | 'on'
  | 'off'
>;

export interface VonageProviderOptions {
  createClient?: (config: ClientInitConfigObject) => Promise<VonageClientLike>;
  fetch?: typeof fetch;
  now?: () => number;
}

/** How long `createSession` may take before we call Vonage unreachable (the SDK itself retries for longer). */
export const SESSION_TIMEOUT_MS = 8_000;
/** Delays between attempts to restore a lost session; the last one repeats. */
export const RECOVERY_DELAYS_MS = [1_000, 5_000, 15_000, 30_000, 60_000];
/**
 * After failed scheduled refreshes (our backend restarting, say), try again after these delays; the
 * last one repeats. The token is still valid meanwhile, and the session and calls carry on.
 */
export const REFRESH_RETRY_DELAYS_MS = [5_000, 10_000, 20_000, 30_000];
/** The longest wait between refresh attempts. */
export const REFRESH_RETRY_MS = REFRESH_RETRY_DELAYS_MS.at(-1)!;

interface LiveCall {
  callId: string;
  /** Vonage's call id (the agent's leg); null while `serverCall` is in flight. */
  vonageId: string | null;
  direction: 'outbound' | 'inbound';
  /** A remote leg rang or answered (outbound), or the agent answered (inbound). */
  rang: boolean;
  answered: boolean;
  hangupRequested: boolean;
}

async function loadVonageClient(config: ClientInitConfigObject): Promise<VonageClientLike> {
  const { VonageClient: Client } = await import('@vonage/client-sdk');
  return new Client(config);
}

/** What the refusal lookup reads of each call record; the rest may be anything. */
const refusalPageSchema = z.object({
  items: z.array(
    callRecordSchema
      .pick({ uuid: true, conversationUuid: true, status: true, reason: true })
      .partial(),
  ),
});

export class VonageProvider implements CallProvider {
  readonly name = 'vonage' as const;
  private ctx: ProviderContext | null = null;
  private client: VonageClientLike | null = null;
  private listeners: [keyof VonageEvent, symbol][] = [];
  private token: VonageToken | null = null;
  private sessionReady = false;
  private connecting: Promise<void> | null = null;
  /** The session was lost and is being restored (back-off timer or attempt in flight). */
  private recovering = false;
  private recoveryInFlight: Promise<void> | null = null;
  private recoveryAttempt = 0;
  /** Scheduled refreshes failed in a row (back-off). */
  private refreshFailures = 0;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private recoveryTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly calls = new Map<string, LiveCall>();
  private readonly byVonageId = new Map<string, LiveCall>();
  /** Events for a Vonage call id that arrived before `serverCall` resolved with it. */
  private readonly early = new Map<string, (() => void)[]>();
  private readonly createClient: NonNullable<VonageProviderOptions['createClient']>;
  private readonly fetchImpl: typeof fetch;
  private readonly now: () => number;

  constructor(options: VonageProviderOptions = {}) {
    this.createClient = options.createClient ?? loadVonageClient;
    this.fetchImpl = options.fetch ?? ((...args) => fetch(...args));
    this.now = options.now ?? (() => Date.now());
  }

  async connect(ctx: ProviderContext): Promise<void> {
    if (this.connecting) await this.connecting.catch(() => undefined);
    const previous = this.ctx;
    const same =
      this.client !== null &&
      previous !== null &&
      previous.token === ctx.token &&
      previous.backendUrl === ctx.backendUrl &&
      previous.settings.vonage.region === ctx.settings.vonage.region &&
      previous.settings.vonage.telemetry === ctx.settings.vonage.telemetry;
    this.ctx = ctx;
    if (same && this.sessionReady) return;
    if (same) {
      // The session was lost: a call is waiting for us, so try now rather than at the next back-off step.
      clearTimeout(this.recoveryTimer);
      this.recovering = true;
      return this.recover();
    }
    if (this.client) await this.teardown('local-hangup');
    this.connecting = this.open(ctx).finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  async disconnect(): Promise<void> {
    await this.teardown('local-hangup');
    this.ctx = null;
  }

  async startCall(
    callId: string,
    target: Target,
    _displayName?: string,
    record?: CallContext,
  ): Promise<void> {
    const ctx = this.requireCtx();
    const client = this.requireSession();
    // The record's context and our call id ride along as custom data; the answer webhook checks them.
    const context = buildVonageContext(target, callId, record);
    if (this.calls.has(callId)) throw new CallFailure('call-in-progress', 'this call id is in use');
    const call: LiveCall = {
      callId,
      vonageId: null,
      direction: 'outbound',
      rang: false,
      answered: false,
      hangupRequested: false,
    };
    this.calls.set(callId, call);
    // The SDK opens the microphone itself; asking through the session as well gives a precise
    // error (denied / dismissed / missing) and costs nothing on the click-to-dial path.
    const microphone = ctx.getMicrophone().then(
      () => null,
      (error: unknown) => CallFailure.from(error, 'mic-unavailable'),
    );
    let vonageId: string;
    try {
      vonageId = await client.serverCall(context);
    } catch (error) {
      this.calls.delete(callId);
      throw (await microphone) ?? vonageFailure(error);
    }
    call.vonageId = vonageId;
    this.byVonageId.set(vonageId, call);
    for (const replay of this.early.get(vonageId) ?? []) replay();
    this.early.delete(vonageId);
    const micFailure = await microphone;
    if (micFailure && this.calls.has(callId)) {
      this.forget(call);
      await client.hangup(vonageId).catch(() => undefined);
      throw micFailure;
    }
    if (call.hangupRequested && this.calls.has(callId)) await this.hangup(callId);
  }

  async answer(callId: string): Promise<void> {
    const call = this.calls.get(callId);
    if (!call || call.direction !== 'inbound' || !call.vonageId) {
      throw new CallFailure('internal', 'no such incoming call');
    }
    const client = this.requireSession();
    await this.requireCtx().getMicrophone();
    try {
      await client.answer(call.vonageId);
    } catch (error) {
      const failure = vonageFailure(error, 'connection-lost');
      this.finish(call, 'failed', failure);
      throw failure;
    }
    call.answered = true;
    call.rang = true;
    this.emit({ type: 'answered', callId });
  }

  async decline(callId: string): Promise<void> {
    const call = this.calls.get(callId);
    if (!call) return;
    if (call.vonageId) await this.client?.reject(call.vonageId).catch(() => undefined);
    this.finish(call, 'declined');
  }

  async hangup(callId: string): Promise<void> {
    const call = this.calls.get(callId);
    if (!call) return;
    if (!call.vonageId) {
      // serverCall is still in flight: hang up as soon as it returns the call id.
      call.hangupRequested = true;
      return;
    }
    if (call.direction === 'inbound' && !call.answered) return this.decline(callId);
    await this.client?.hangup(call.vonageId).catch(() => undefined);
    this.finish(call, 'local-hangup');
  }

  async setMuted(callId: string, muted: boolean): Promise<void> {
    const call = this.requireCall(callId);
    const client = this.requireSession();
    try {
      if (muted) await client.mute(call.vonageId);
      else await client.unmute(call.vonageId);
    } catch (error) {
      throw vonageFailure(error, 'connection-lost');
    }
    this.emit({ type: 'muted', callId, muted });
  }

  async sendDtmf(callId: string, digits: string): Promise<void> {
    if (!DTMF_DIGITS.test(digits))
      throw new CallFailure('bad-request', 'DTMF digits are 0-9, * and #');
    const call = this.requireCall(callId);
    try {
      await this.requireSession().sendDTMF(call.vonageId, digits);
    } catch (error) {
      throw vonageFailure(error, 'connection-lost');
    }
  }

  /** Media statistics from the SDK's peer connection (diagnostics page and self-test). */
  async getStats(callId: string): Promise<CallStats | null> {
    const call = this.calls.get(callId);
    const pc = call?.vonageId ? this.client?.getPeerConnection(call.vonageId) : undefined;
    if (!pc) return null;
    return summarizeStats(pc.connectionState, await pc.getStats());
  }

  // ---- session ------------------------------------------------------------------------------

  private async open(ctx: ProviderContext): Promise<void> {
    const config = {
      region: ctx.settings.vonage.region,
      rtcStatsTelemetry: ctx.settings.vonage.telemetry,
      autoReconnectMedia: true,
    } satisfies ClientInitConfigObject;
    const [client, token] = await Promise.all([
      this.createClient(config).catch((error: unknown) => {
        throw new CallFailure('internal', `cannot load the Vonage SDK: ${String(error)}`);
      }),
      fetchVonageToken(ctx.backendUrl, ctx.token, this.fetchImpl),
    ]);
    if (this.ctx !== ctx) throw new CallFailure('internal', 'superseded by a newer configuration');
    client.setConfig(config);
    this.client = client;
    this.listen(client);
    try {
      await withTimeout(client.createSession(token.jwt), SESSION_TIMEOUT_MS, sessionTimeout);
    } catch (error) {
      this.unlisten(client);
      this.client = null;
      // Our own timeout fired while the SDK may still be connecting: stop it. (When the SDK itself
      // failed there is no session to delete.)
      if (error instanceof CallFailure) void client.deleteSession().catch(() => undefined);
      throw vonageFailure(error);
    }
    this.token = token;
    this.refreshFailures = 0;
    this.sessionReady = true;
    this.scheduleRefresh();
  }

  private scheduleRefresh(delay?: number): void {
    clearTimeout(this.refreshTimer);
    if (!this.token) return;
    const now = this.now();
    this.refreshTimer = setTimeout(
      () => void this.refresh(),
      delay ?? refreshDelayMs(this.token, now),
    );
  }

  /** Swaps in a fresh JWT before the current one expires; the session and calls carry on. */
  private async refresh(): Promise<void> {
    const ctx = this.ctx;
    const client = this.client;
    if (!ctx || !client || !this.sessionReady) return;
    try {
      const token = await fetchVonageToken(ctx.backendUrl, ctx.token, this.fetchImpl);
      await client.refreshSession(token.jwt);
      if (this.client !== client) return;
      this.token = token;
      this.refreshFailures = 0;
      this.scheduleRefresh();
    } catch (error) {
      if (this.client !== client) return;
      const failure = vonageFailure(error);
      if (failure.code === 'session-expired' && !(error instanceof CallFailure)) {
        // Vonage says the session itself is gone: rebuild it.
        this.onSessionLost(failure);
        return;
      }
      if (failure.code === 'session-expired' || failure.code === 'provider-not-configured') {
        // Our backend sign-in ended (or Vonage was switched off): nothing to retry until the agent acts.
        this.status('error', failure);
        return;
      }
      // Transient: the token is still valid for a while, try again with back-off (never after expiry).
      const untilExpiry = (this.token?.expiresAt ?? 0) - this.now() - 10_000;
      const backoff =
        REFRESH_RETRY_DELAYS_MS[
          Math.min(this.refreshFailures, REFRESH_RETRY_DELAYS_MS.length - 1)
        ]!;
      this.refreshFailures += 1;
      this.scheduleRefresh(Math.max(Math.min(backoff, untilExpiry), 1_000));
    }
  }

  /** The SDK dropped the session (`sessionError`): keep calls on screen as reconnecting and rebuild it. */
  private onSessionLost(failure: CallFailure): void {
    if (!this.client || this.recovering) return;
    this.sessionReady = false;
    this.recovering = true;
    this.recoveryAttempt = 0;
    clearTimeout(this.refreshTimer);
    this.status('reconnecting', failure);
    for (const call of this.calls.values()) if (call.answered) this.media(call, 'reconnecting');
    this.recover(failure.vendorCode === 'EXPIRED_TOKEN').catch(() => undefined);
  }

  /** One attempt at a time; callers share the attempt in flight. */
  private recover(tryRefreshFirst = false): Promise<void> {
    this.recoveryInFlight ??= this.attemptRecovery(tryRefreshFirst).finally(() => {
      this.recoveryInFlight = null;
    });
    return this.recoveryInFlight;
  }

  private async attemptRecovery(tryRefreshFirst: boolean): Promise<void> {
    const client = this.client;
    const ctx = this.ctx;
    if (!client || !ctx) throw new CallFailure('not-signed-in');
    let token: VonageToken;
    try {
      token = await fetchVonageToken(ctx.backendUrl, ctx.token, this.fetchImpl);
      // After EXPIRED_TOKEN the SDK may still accept a new token on the same session.
      const refreshed =
        tryRefreshFirst &&
        (await client.refreshSession(token.jwt).then(
          () => true,
          () => false,
        ));
      if (!refreshed)
        await withTimeout(client.createSession(token.jwt), SESSION_TIMEOUT_MS, sessionTimeout);
    } catch (error) {
      const failure = vonageFailure(error);
      if (this.client !== client) throw failure;
      for (const call of [...this.calls.values()]) {
        this.finish(
          call,
          'failed',
          new CallFailure('connection-lost', failure.message, failure.vendorCode),
        );
      }
      const permanent =
        error instanceof CallFailure &&
        (failure.code === 'session-expired' || failure.code === 'provider-not-configured');
      if (permanent) {
        // Our backend sign-in ended or Vonage was switched off: nothing to retry until the agent acts.
        this.recovering = false;
        this.status('error', failure);
        throw failure;
      }
      this.status('reconnecting', failure);
      const delay =
        RECOVERY_DELAYS_MS[Math.min(this.recoveryAttempt++, RECOVERY_DELAYS_MS.length - 1)]!;
      clearTimeout(this.recoveryTimer);
      this.recoveryTimer = setTimeout(() => this.recover().catch(() => undefined), delay);
      throw failure;
    }
    if (this.client !== client) return;
    this.token = token;
    this.refreshFailures = 0;
    this.sessionReady = true;
    this.recovering = false;
    this.scheduleRefresh();
    this.status('ready');
    await this.reattachCalls(client);
  }

  /** Calls that were up when the session dropped are picked up again by their leg id. */
  private async reattachCalls(client: VonageClientLike): Promise<void> {
    for (const call of [...this.calls.values()]) {
      if (!call.vonageId) continue;
      if (!call.answered) {
        this.finish(
          call,
          'failed',
          new CallFailure('connection-lost', 'the session dropped while ringing'),
        );
        continue;
      }
      try {
        await client.reconnectCall(call.vonageId);
        this.emit({ type: 'media', callId: call.callId, state: 'connected' });
      } catch (error) {
        this.finish(call, 'failed', vonageFailure(error, 'connection-lost'));
      }
    }
  }

  private async teardown(reason: EndReason): Promise<void> {
    const client = this.client;
    clearTimeout(this.refreshTimer);
    clearTimeout(this.recoveryTimer);
    this.client = null;
    this.sessionReady = false;
    this.recovering = false;
    this.token = null;
    if (!client) return;
    for (const call of [...this.calls.values()]) {
      if (call.vonageId) {
        if (call.direction === 'inbound' && !call.answered)
          await client.reject(call.vonageId).catch(() => undefined);
        else await client.hangup(call.vonageId).catch(() => undefined);
      }
      this.finish(call, reason);
    }
    this.early.clear();
    this.unlisten(client);
    await client.deleteSession().catch(() => undefined);
  }

  // ---- SDK events ---------------------------------------------------------------------------

  private listen(client: VonageClientLike): void {
    const live = () => this.client === client;
    const add = <E extends keyof VonageEvent>(event: E, callback: VonageEvent[E]) => {
      this.listeners.push([event, client.on(event, callback)]);
    };
    add('sessionError', (reason) => {
      if (live()) this.onSessionLost(sessionErrorFailure(reason));
    });
    add('reconnecting', () => {
      if (live() && this.sessionReady) this.status('reconnecting');
    });
    add('reconnection', () => {
      if (live() && this.sessionReady) this.status('ready');
    });
    add('legStatusUpdate', (vonageId, _legId, status) => {
      if (live()) this.withCall(vonageId, (call) => this.onLegStatus(call, status));
    });
    add('callHangup', (vonageId, _quality, reason) => {
      if (live()) this.withCall(vonageId, (call) => void this.onHangup(call, reason));
    });
    add('callInvite', (vonageId, from, channelType) => {
      if (live()) this.onInvite(vonageId, from, channelType);
    });
    add('callInviteCancel', (vonageId, reason) => {
      const call = live() ? this.byVonageId.get(vonageId) : undefined;
      if (call && !call.answered) this.finish(call, inviteCancelReason(reason));
    });
    add('callMediaReconnecting', (vonageId) => {
      if (live()) this.withCall(vonageId, (call) => this.media(call, 'reconnecting'));
    });
    add('callMediaReconnection', (vonageId) => {
      if (live()) this.withCall(vonageId, (call) => this.media(call, 'connected'));
    });
    add('callMediaDisconnect', (vonageId, reason) => {
      if (!live()) return;
      this.withCall(vonageId, (call) => {
        void client.hangup(vonageId).catch(() => undefined);
        const failure = new CallFailure('connection-lost', `media disconnected: ${reason}`, reason);
        this.finish(call, 'failed', failure);
      });
    });
    add('callMediaError', (vonageId, error) => {
      if (!live()) return;
      this.withCall(vonageId, (call) => {
        void client.hangup(vonageId).catch(() => undefined);
        this.finish(call, 'failed', vonageFailure(error, 'connection-lost'));
      });
    });
  }

  private unlisten(client: VonageClientLike): void {
    for (const [event, symbol] of this.listeners.splice(0)) client.off(event, symbol);
  }

  private media(call: LiveCall, state: 'reconnecting' | 'connected'): void {
    this.emit({ type: 'media', callId: call.callId, state });
  }

  /** Runs `handle` for a known call, or queues it while an outbound `serverCall` is still in flight. */
  private withCall(vonageId: string, handle: (call: LiveCall) => void): void {
    const call = this.byVonageId.get(vonageId);
    if (call) {
      handle(call);
      return;
    }
    const pending = [...this.calls.values()].some((c) => c.vonageId === null);
    if (!pending) return;
    const queue = this.early.get(vonageId) ?? [];
    if (queue.length < 20) queue.push(() => this.withCall(vonageId, handle));
    this.early.set(vonageId, queue);
  }

  private onLegStatus(call: LiveCall, status: string): void {
    // Inbound, the other legs are the caller's (answered by the NCCO long before the agent answers):
    // only our own answer() makes an incoming call active.
    if (call.direction === 'inbound') return;
    if (status === 'RINGING' && !call.rang) {
      call.rang = true;
      this.emit({ type: 'ringing', callId: call.callId });
    } else if (status === 'ANSWERED' && !call.answered) {
      call.rang = true;
      call.answered = true;
      this.emit({ type: 'answered', callId: call.callId });
    }
    // COMPLETED: the SDK follows with `callHangup`, which carries the reason.
  }

  private async onHangup(call: LiveCall, reason: string): Promise<void> {
    if (call.direction === 'inbound' && !call.answered) {
      // The caller gave up before the agent answered (Vonage usually says so with callInviteCancel).
      this.finish(call, reason === 'LOCAL_HANGUP' ? 'declined' : 'cancelled');
      return;
    }
    const outcome = hangupOutcome(reason, call.answered);
    if (
      reason === 'REMOTE_HANGUP' &&
      call.direction === 'outbound' &&
      !call.rang &&
      call.vonageId
    ) {
      // The answer NCCO ended the call before any callee leg existed: ask the backend why.
      const refused = await this.refusal(call.vonageId);
      if (refused) {
        this.finish(call, 'refused-by-policy', refused);
        return;
      }
      this.finish(
        call,
        'unavailable',
        new CallFailure('receiver-offline', 'Vonage ended the call before it rang', reason),
      );
      return;
    }
    this.finish(call, outcome.reason, outcome.failure);
  }

  /** Whether our backend refused this call in its answer webhook (and why), from the call record. */
  private async refusal(vonageId: string): Promise<CallFailure | null> {
    const ctx = this.ctx;
    if (!ctx) return null;
    try {
      const response = await backendClient(ctx.backendUrl, {
        token: ctx.token,
        fetch: this.fetchImpl,
        timeoutMs: 2_000,
      }).api.calls.$get({ query: { limit: '20' } });
      if (!response.ok) return null;
      const page = refusalPageSchema.safeParse(await response.json());
      if (!page.success) return null;
      const record = page.data.items.find(
        (item) => item.uuid === vonageId || item.conversationUuid === vonageId,
      );
      if (!record?.status || !/refused|rejected_by_policy|blocked/i.test(record.status))
        return null;
      const why = record.reason ?? record.status;
      // The backend's refusal code (country-not-allowed, premium-rate, rate-limited, …) doubles as
      // the vendor code, so the agent reads the precise reason (vendor_vonage_<code>).
      return new CallFailure(
        /invalid/i.test(why) ? 'invalid-target' : 'refused-by-policy',
        why,
        why.slice(0, 64),
      );
    } catch {
      return null;
    }
  }

  private onInvite(vonageId: string, from: string, channelType: string): void {
    if (this.byVonageId.has(vonageId)) return;
    const call: LiveCall = {
      callId: vonageId,
      vonageId,
      direction: 'inbound',
      rang: false,
      answered: false,
      hangupRequested: false,
    };
    this.calls.set(vonageId, call);
    this.byVonageId.set(vonageId, call);
    const target = callerTarget(from, channelType);
    this.emit({
      type: 'incoming',
      callId: vonageId,
      from: target,
      ...(target.kind === 'contact' && target.label ? { displayName: target.label } : {}),
    });
  }

  // ---- helpers ------------------------------------------------------------------------------

  private finish(call: LiveCall, reason: EndReason, failure?: CallFailure): void {
    if (!this.calls.has(call.callId)) return;
    this.forget(call);
    this.emit({
      type: 'ended',
      callId: call.callId,
      reason,
      ...(failure ? { error: failure.toCallError() } : {}),
    });
  }

  private forget(call: LiveCall): void {
    this.calls.delete(call.callId);
    if (call.vonageId) this.byVonageId.delete(call.vonageId);
  }

  private emit(event: ProviderEvent): void {
    this.ctx?.emit(event);
  }

  private status(state: ProviderStatus['state'], failure?: CallFailure): void {
    this.emit({
      type: 'status',
      status: { provider: 'vonage', state, ...(failure ? { error: failure.toCallError() } : {}) },
    });
  }

  private requireCtx(): ProviderContext {
    if (!this.ctx) throw new CallFailure('not-signed-in');
    return this.ctx;
  }

  private requireSession(): VonageClientLike {
    if (!this.client) throw new CallFailure('not-signed-in', 'no Vonage session');
    if (!this.sessionReady)
      throw new CallFailure('provider-unreachable', 'the Vonage session is reconnecting');
    return this.client;
  }

  private requireCall(callId: string): LiveCall & { vonageId: string } {
    const call = this.calls.get(callId);
    if (!call?.vonageId) throw new CallFailure('internal', 'no such call');
    return call as LiveCall & { vonageId: string };
  }
}

/** The caller of an invite as a Target: a phone number for PSTN callers, a contact for app users. */
export function callerTarget(from: string, channelType: string): Target {
  const digits = from.replace(/^\+/, '');
  if (channelType === 'phone' && E164_DIGITS.test(digits))
    return { kind: 'phone', e164: `+${digits}` };
  if (CONTACT_ID.test(from)) return { kind: 'contact', id: from, label: from };
  return { kind: 'contact', id: 'unknown', label: from.slice(0, 200) || 'unknown' };
}

function sessionTimeout(): CallFailure {
  return new CallFailure(
    'provider-unreachable',
    `Vonage did not answer within ${SESSION_TIMEOUT_MS / 1000} s`,
  );
}
