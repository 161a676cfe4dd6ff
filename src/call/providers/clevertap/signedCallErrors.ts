// CleverTap Signed Call: cuid rules, error codes and call outcomes mapped to ours.
import { CallFailure } from '../../provider';
import type { CallError, EndReason, ErrorCode } from '../../state';

/**
 * A Signed Call cuid: 5–50 characters, letters and digits with `_` only between them, at least one
 * letter (so never number_number: `org_25` is fine, `91_8899555` is not). Case-sensitive.
 * Returns the reason it is invalid, or null.
 */
export function cuidProblem(cuid: string): string | null {
  if (cuid.length < 5 || cuid.length > 50) return 'a cuid has 5 to 50 characters';
  if (!/^[A-Za-z0-9]+(_[A-Za-z0-9]+)*$/.test(cuid)) {
    return 'a cuid has letters and digits, with _ only between them';
  }
  if (!/[A-Za-z]/.test(cuid)) return 'a cuid cannot be only numbers (like 91_8899555)';
  return null;
}

/** Every error code the SDK documents (plus 404 receiver offline and 400 bad sign-in), and ours. */
export const SIGNED_CALL_ERRORS = {
  ERR_MISSING_INITPARAMETERS: 'provider-not-configured',
  ERR_INVALID_INITPARAMETERS: 'provider-not-configured',
  ERR_MISSING_CT_ACCOUNTID: 'provider-not-configured',
  // No CleverTap ID yet: the Web SDK could not reach CleverTap to identify this browser.
  ERR_MISSING_CT_ID: 'provider-unreachable',
  ERR_INVALID_CREDENTIALS: 'invalid-credentials',
  ERR_ALREADY_SIGNEDIN: 'invalid-credentials',
  ERR_MIC_UNAVAILABLE: 'mic-denied',
  ERR_CONNECTION_NOT_ESTABLISHED: 'provider-unreachable',
  ERR_OUTGOING_CALL_IN_PROGRESS: 'call-in-progress',
  ERR_INVALID_CALL_PARAMETERS: 'invalid-target',
  ERR_INTERNET_LOST: 'receiver-offline',
  ERR_USER_BUSY: 'busy',
  '404': 'receiver-offline',
  '400': 'invalid-credentials',
} as const satisfies Record<string, ErrorCode>;
export type SignedCallErrorCode = keyof typeof SIGNED_CALL_ERRORS;

/** The SDK rejects a call to a busy receiver with this sentence instead of a code. */
const BUSY_SENTENCE = /busy on another call/i;

/** Anything the SDK threw or rejected with, as a CallError (code + vendorCode + detail). */
export function signedCallError(error: unknown): CallError {
  if (error instanceof CallFailure) return error.toCallError();
  if (typeof error === 'string') {
    if (BUSY_SENTENCE.test(error))
      return { code: 'busy', vendorCode: 'ERR_USER_BUSY', detail: error };
    return { code: 'internal', detail: error.slice(0, 500) };
  }
  if (typeof error === 'number') return signedCallError({ code: error });
  if (typeof error === 'object' && error !== null) {
    const raw = (error as { code?: unknown }).code;
    const message = String((error as { message?: unknown }).message ?? '').slice(0, 500);
    const code = typeof raw === 'number' || typeof raw === 'string' ? String(raw) : '';
    if (code in SIGNED_CALL_ERRORS) {
      return {
        code: SIGNED_CALL_ERRORS[code as SignedCallErrorCode],
        vendorCode: code,
        ...(message ? { detail: message } : {}),
      };
    }
    if (message && BUSY_SENTENCE.test(message))
      return { code: 'busy', vendorCode: 'ERR_USER_BUSY', detail: message };
    const name = error instanceof Error ? error.name : '';
    if (/NotAllowedError|Permission denied/i.test(`${name} ${message}`))
      return { code: 'mic-denied', detail: message };
    return {
      code: 'internal',
      ...(code ? { vendorCode: code.slice(0, 64) } : {}),
      detail: message || code || 'unknown',
    };
  }
  return { code: 'internal', detail: String(error) };
}

/** Callee-side outcomes that end a call we placed rather than fail placing it. */
export function calleeEnd(error: CallError): EndReason | null {
  if (error.code === 'busy') return 'busy';
  if (error.code === 'receiver-offline') return 'unavailable';
  return null;
}

/**
 * How a call we placed ended. `over` follows an answered call (ours or their hang-up); `declined`,
 * `missed` and `cancelled` are rejections. The SDK cancels by itself after 35 s without answer: when
 * we did not ask for the cancel, that is "no answer".
 */
export function outgoingEnd(outcome: string, hangupRequested: boolean): EndReason {
  switch (outcome) {
    case 'over':
      return hangupRequested ? 'local-hangup' : 'remote-hangup';
    case 'declined':
      return 'declined';
    case 'missed':
      return 'no-answer';
    case 'cancelled':
      return hangupRequested ? 'local-hangup' : 'no-answer';
    default:
      return 'failed';
  }
}
