// How the Vonage Client SDK's errors and call-ending reasons map to our error codes and end reasons.
import type { CancelReason, HangupReason } from '@vonage/client-sdk';
import { CallFailure } from '../../provider';
import type { EndReason, ErrorCode } from '../../state';

/** The shape of the SDK's `VonageError` (`type` + `code`), checked structurally so tests need no SDK. */
interface VonageErrorShape {
  type: string;
  code?: string | null;
  message?: string;
}

function isVonageError(error: unknown): error is VonageErrorShape {
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { type?: unknown }).type === 'string' &&
    /_ERROR$/.test((error as { type: string }).type)
  );
}

/** Session error codes (the SDK's `SessionErrorCodes`) and what the agent can do about each. */
const SESSION_CODES: Record<string, ErrorCode> = {
  EXPIRED_TOKEN: 'session-expired',
  INVALID_SESSION: 'session-expired',
  NO_ACTIVE_SESSION: 'session-expired',
  // The backend signed a token Vonage does not accept, or the agent has no Vonage user: admin work.
  EMPTY_TOKEN: 'provider-not-configured',
  INVALID_TOKEN: 'provider-not-configured',
  INVALID_USER: 'provider-not-configured',
  AUTHORIZATION_ERROR: 'provider-not-configured',
  MAX_OPEN_SESSIONS: 'provider-not-configured',
  ALREADY_ACTIVE_SESSION: 'internal',
  INTERNAL_FAILURE: 'provider-unreachable',
  TIMEOUT: 'provider-unreachable',
  FORCED_DISCONNECT: 'connection-lost',
  CLIENT_DISCONNECT: 'connection-lost',
  PING_TIMEOUT_DISCONNECT: 'connection-lost',
  TRANSPORT_CLOSED_DISCONNECT: 'connection-lost',
  INVALID_SOCKET_TRANSPORT: 'provider-unreachable',
};

/**
 * The SDK's errors carry wire codes (`session:error:timeout`); its docs and enums use names
 * (`TIMEOUT`). We report the names, so translations do not depend on the wire format.
 */
const WIRE_CODES: Record<string, string> = {
  'session:error:timeout': 'TIMEOUT',
  'session:error:expired-token': 'EXPIRED_TOKEN',
  'system:error:expired-token': 'EXPIRED_TOKEN',
  'session:error:invalid-token': 'INVALID_TOKEN',
  'system:error:invalid-token': 'INVALID_TOKEN',
  'session:error:empty-token': 'EMPTY_TOKEN',
  'session:error:invalid-session': 'INVALID_SESSION',
  'session:error:invalid': 'INVALID_SESSION',
  'session:invalid': 'INVALID_SESSION',
  'session:error:no-active-session': 'NO_ACTIVE_SESSION',
  'session:error:already-active-session': 'ALREADY_ACTIVE_SESSION',
  'session:error:max-open-sessions': 'MAX_OPEN_SESSIONS',
  'session:error:max-open-sessions-permitted': 'MAX_OPEN_SESSIONS',
  'session:error:internal-failure': 'INTERNAL_FAILURE',
  'session:error:server-forced-disconnect': 'FORCED_DISCONNECT',
  'session:error:websocket-transport-invalid': 'INVALID_SOCKET_TRANSPORT',
  'session:disconnect:client-disconnect': 'CLIENT_DISCONNECT',
  'session:disconnect:ping-timeout': 'PING_TIMEOUT_DISCONNECT',
  'session:disconnect:websocket-transport-closed': 'TRANSPORT_CLOSED_DISCONNECT',
  'system:error:permission': 'AUTHORIZATION_ERROR',
  'user:error:invalid-user': 'INVALID_USER',
  'user:error:not-found': 'USER_NOT_FOUND',
  'http:error:validation-fail': 'VALIDATION_FAIL',
  'voice:error:media_timeout': 'MEDIA_TIMEOUT',
  'internal:error:service_no_available': 'NETWORK_ERROR',
};

/** The SDK error's code as a documented name (wire codes translated; unknown ones kept). */
export function vonageCode(code: string | null | undefined): string | undefined {
  if (!code) return undefined;
  return WIRE_CODES[code] ?? code;
}

/** Conversation-service codes that can come back from calls. */
const CS_CODES: Record<string, ErrorCode> = {
  USER_NOT_FOUND: 'invalid-target',
  VALIDATION_FAIL: 'bad-request',
  CUSTOM_DATA_OVERALL_LIMIT_EXCEEDED: 'bad-request',
};

/**
 * Every vendor code this provider can put on a failure (each has a `vendor_vonage_<code>` message
 * in src/locales/<lang>/vonage.json; a test keeps them in step).
 */
export const VONAGE_VENDOR_CODES = [
  ...Object.keys(SESSION_CODES),
  ...Object.keys(CS_CODES),
  'NETWORK_ERROR',
  'TRANSPORT_CLOSED',
  'PING_TIMEOUT',
  'MEDIA_TIMEOUT',
  'networkChange',
  'REMOTE_HANGUP',
  // Refusals by our backend's answer webhook (call record `reason`).
  'invalid-number',
  'invalid-contact',
  'country-not-allowed',
  'premium-rate',
  'rate-limited',
  'unknown-agent',
  'number-type-not-allowed',
  'session-ended',
];

const MIC_DENIED = /NotAllowedError|Permission denied|not allowed by the user agent/i;
const MIC_MISSING =
  /NotFoundError|NotReadableError|Requested device not found|Could not start audio/i;

/**
 * Turns anything the SDK threw into a CallFailure. `unreachable` is the code used while no session
 * exists yet (`provider-unreachable`) or during a call (`connection-lost`).
 */
export function vonageFailure(
  error: unknown,
  unreachable: 'provider-unreachable' | 'connection-lost' = 'provider-unreachable',
): CallFailure {
  if (error instanceof CallFailure) return error;
  const message =
    error instanceof Error || isVonageError(error) ? (error.message ?? '') : String(error);
  if (MIC_DENIED.test(message)) return new CallFailure('mic-denied', message);
  if (MIC_MISSING.test(message)) return new CallFailure('mic-unavailable', message);
  if (!isVonageError(error)) return new CallFailure('internal', message || 'unknown Vonage error');
  const code = vonageCode(error.code);
  const detail = `${error.type}${code ? ` ${code}` : ''}: ${message}`;
  switch (error.type) {
    case 'NETWORK_ERROR':
      return new CallFailure(unreachable, detail, code ?? 'NETWORK_ERROR');
    case 'SESSION_ERROR': {
      const mapped = code ? SESSION_CODES[code] : undefined;
      const resolved =
        mapped === 'provider-unreachable' || mapped === 'connection-lost' ? unreachable : mapped;
      return new CallFailure(resolved ?? 'internal', detail, code ?? 'SESSION_ERROR');
    }
    case 'CS_ERROR':
      return new CallFailure((code && CS_CODES[code]) || 'internal', detail, code ?? 'CS_ERROR');
    default:
      if (code === 'MEDIA_TIMEOUT') return new CallFailure('connection-lost', detail, code);
      return new CallFailure('internal', detail, code ?? error.type);
  }
}

/** A session-level error reason (`sessionError` event) as a failure. */
export function sessionErrorFailure(reason: string): CallFailure {
  if (reason === 'EXPIRED_TOKEN')
    return new CallFailure('session-expired', 'Vonage session expired', reason);
  return new CallFailure('connection-lost', `Vonage session closed: ${reason}`, reason);
}

export interface HangupOutcome {
  reason: EndReason;
  failure?: CallFailure;
}

/**
 * Maps `callHangup` reasons. The SDK reports a callee that rejects or is busy as REMOTE_REJECT and a
 * ring timer or no answer as REMOTE_NO_ANSWER_TIMEOUT. A remote hang-up before any remote leg rang
 * is a call the backend's answer NCCO did not connect (refused by policy or unreachable): the
 * provider asks the backend which (see VonageProvider).
 */
export function hangupOutcome(reason: HangupReason | string, wasAnswered: boolean): HangupOutcome {
  switch (reason) {
    case 'LOCAL_HANGUP':
      return { reason: 'local-hangup' };
    case 'REMOTE_HANGUP':
      return { reason: wasAnswered ? 'remote-hangup' : 'unavailable' };
    case 'REMOTE_REJECT':
      return { reason: 'declined' };
    case 'REMOTE_NO_ANSWER_TIMEOUT':
      return { reason: 'no-answer' };
    case 'MEDIA_TIMEOUT':
      return {
        reason: 'media-timeout',
        failure: new CallFailure(
          'connection-lost',
          'no media received for too long',
          'MEDIA_TIMEOUT',
        ),
      };
    default:
      return {
        reason: 'failed',
        failure: new CallFailure('internal', `unknown hang-up reason ${reason}`),
      };
  }
}

/** Maps `callInviteCancel` reasons for an incoming call that stopped ringing. */
export function inviteCancelReason(reason: CancelReason | string): EndReason {
  switch (reason) {
    case 'AnsweredElsewhere':
      return 'answered-elsewhere';
    case 'RejectedElsewhere':
      return 'declined';
    case 'RemoteTimeout':
      return 'no-answer';
    case 'RemoteCancel':
    default:
      return 'cancelled';
  }
}
