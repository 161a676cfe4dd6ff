// The interface every call provider implements; the offscreen call session drives exactly one of them.
import type { CallError, EndReason, ErrorCode, ProviderStatus } from './state';
import type { CallContext } from '../contract/call';
import type { Target } from '../contract/target';
import type { Settings } from '../settings/schema';

export type ProviderName = 'builtin' | 'vonage' | 'clevertap';

export type ProviderEvent =
  | { type: 'ringing'; callId: string }
  | { type: 'answered'; callId: string }
  | { type: 'ended'; callId: string; reason: EndReason; error?: CallError }
  | { type: 'incoming'; callId: string; from: Target; displayName?: string }
  /** Media or signalling is re-establishing during a call; `connected` when it is back. */
  | { type: 'media'; callId: string; state: 'reconnecting' | 'connected' }
  | { type: 'muted'; callId: string; muted: boolean }
  /** Keys the far end pressed (out-of-band), for UIs that show them. */
  | { type: 'dtmf'; callId: string; digits: string }
  | { type: 'status'; status: ProviderStatus };

export interface ProviderContext {
  backendUrl: string;
  /** The agent's backend session token (Bearer). */
  token: string;
  settings: Settings;
  emit(event: ProviderEvent): void;
  /** The shared microphone stream; throws CallFailure('mic-denied' | 'mic-unavailable' …). */
  getMicrophone(): Promise<MediaStream>;
}

export interface CallProvider {
  readonly name: ProviderName;
  /** Opens the provider's session (vendor sign-in, signalling socket). Idempotent. */
  connect(ctx: ProviderContext): Promise<void>;
  /** Ends every call and closes the session (sign-out, provider switch). */
  disconnect(): Promise<void>;
  /** Resolves once the provider has placed the call; progress arrives as events. */
  /** `context` (who, from which page) is for the call record where the provider writes one. */
  startCall(
    callId: string,
    target: Target,
    displayName?: string,
    context?: CallContext,
  ): Promise<void>;
  answer(callId: string): Promise<void>;
  decline(callId: string): Promise<void>;
  hangup(callId: string): Promise<void>;
  setMuted(callId: string, muted: boolean): Promise<void>;
  sendDtmf(callId: string, digits: string): Promise<void>;
  /** Media statistics of a live call, for diagnostics and the self-test (optional). */
  getStats?(callId: string): Promise<CallStats | null>;
  /** Round-trip time to the provider's signalling, in ms (optional). */
  measureRtt?(): Promise<number | null>;
}

export interface CallStats {
  connectionState: string;
  bytesSent: number;
  bytesReceived: number;
  packetsLost: number;
  jitterMs: number | null;
  roundTripMs: number | null;
}

/** A failure with a stable code the UI can explain; `detail` is for diagnostics only. */
export class CallFailure extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly detail?: string,
    /** The vendor's own code (CallError.vendorCode), when a vendor SDK reported the failure. */
    readonly vendorCode?: string,
  ) {
    super(detail ? `${code}: ${detail}` : code);
    this.name = 'CallFailure';
  }

  toCallError(): CallError {
    return {
      code: this.code,
      ...(this.detail ? { detail: this.detail.slice(0, 500) } : {}),
      ...(this.vendorCode ? { vendorCode: this.vendorCode.slice(0, 64) } : {}),
    };
  }

  /** Rebuilds a failure that crossed a message boundary as a CallError, keeping every field. */
  static fromCallError(error: CallError): CallFailure {
    return new CallFailure(error.code, error.detail, error.vendorCode);
  }

  static from(error: unknown, fallback: ErrorCode = 'internal'): CallFailure {
    if (error instanceof CallFailure) return error;
    return new CallFailure(fallback, error instanceof Error ? error.message : String(error));
  }
}

export const DTMF_DIGITS = /^[0-9*#]{1,32}$/;
