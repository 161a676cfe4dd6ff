import { describe, expect, it } from 'vitest';
import { CallFailure } from '../../provider';
import {
  hangupOutcome,
  inviteCancelReason,
  sessionErrorFailure,
  vonageFailure,
} from './vonageErrors';
import { jwtExpiry, refreshDelayMs, toEpochMs } from './vonageToken';
import { fakeJwt, vonageError } from './testing/FakeVonageClient';
import { callerTarget } from './VonageProvider';

describe('vonageFailure', () => {
  it.each([
    [vonageError('NETWORK_ERROR'), 'provider-unreachable', 'NETWORK_ERROR'],
    [vonageError('SESSION_ERROR', 'EXPIRED_TOKEN'), 'session-expired', 'EXPIRED_TOKEN'],
    [vonageError('SESSION_ERROR', 'INVALID_USER'), 'provider-not-configured', 'INVALID_USER'],
    [
      vonageError('SESSION_ERROR', 'AUTHORIZATION_ERROR'),
      'provider-not-configured',
      'AUTHORIZATION_ERROR',
    ],
    [
      vonageError('SESSION_ERROR', 'PING_TIMEOUT_DISCONNECT'),
      'provider-unreachable',
      'PING_TIMEOUT_DISCONNECT',
    ],
    [vonageError('CS_ERROR', 'USER_NOT_FOUND'), 'invalid-target', 'USER_NOT_FOUND'],
    [vonageError('CS_ERROR', 'CONVERSATION_NOT_FOUND'), 'internal', 'CONVERSATION_NOT_FOUND'],
    [vonageError('INTERNAL_ERROR', 'NoCallFound'), 'internal', 'NoCallFound'],
    [vonageError('UNKNOWN_ERROR'), 'internal', 'UNKNOWN_ERROR'],
    // Wire codes as the real SDK reports them (seen from 2.3.1 in Chromium with Vonage unreachable).
    [vonageError('SESSION_ERROR', 'session:error:timeout'), 'provider-unreachable', 'TIMEOUT'],
    [
      vonageError('SESSION_ERROR', 'session:error:invalid-token'),
      'provider-not-configured',
      'INVALID_TOKEN',
    ],
    [
      vonageError('SESSION_ERROR', 'system:error:expired-token'),
      'session-expired',
      'EXPIRED_TOKEN',
    ],
    [
      vonageError('SESSION_ERROR', 'user:error:invalid-user'),
      'provider-not-configured',
      'INVALID_USER',
    ],
    [
      vonageError('SESSION_ERROR', 'session:error:max-open-sessions-permitted'),
      'provider-not-configured',
      'MAX_OPEN_SESSIONS',
    ],
    [vonageError('CS_ERROR', 'user:error:not-found'), 'invalid-target', 'USER_NOT_FOUND'],
    [vonageError('CS_ERROR', 'http:error:validation-fail'), 'bad-request', 'VALIDATION_FAIL'],
    [
      vonageError('INTERNAL_ERROR', 'voice:error:media_timeout'),
      'connection-lost',
      'MEDIA_TIMEOUT',
    ],
    [
      vonageError('INTERNAL_ERROR', 'voice:error:no_call_found'),
      'internal',
      'voice:error:no_call_found',
    ],
    [
      vonageError('NETWORK_ERROR', 'internal:error:service_no_available'),
      'provider-unreachable',
      'NETWORK_ERROR',
    ],
  ])('%# maps to %s (%s)', (error, code, vendorCode) => {
    expect(vonageFailure(error).toCallError()).toMatchObject({ code, vendorCode });
  });

  it('uses connection-lost for network trouble during a call', () => {
    expect(vonageFailure(vonageError('NETWORK_ERROR'), 'connection-lost').code).toBe(
      'connection-lost',
    );
  });

  it.each([
    ['NotAllowedError: Permission denied', 'mic-denied'],
    ['NotFoundError: Requested device not found', 'mic-unavailable'],
    ['something else', 'internal'],
  ])('maps a plain error "%s" to %s', (message, code) => {
    expect(vonageFailure(new Error(message)).code).toBe(code);
  });

  it('passes CallFailures through', () => {
    const failure = new CallFailure('busy');
    expect(vonageFailure(failure)).toBe(failure);
  });

  it('maps session errors', () => {
    expect(sessionErrorFailure('EXPIRED_TOKEN').toCallError()).toMatchObject({
      code: 'session-expired',
    });
    expect(sessionErrorFailure('PING_TIMEOUT').toCallError()).toMatchObject({
      code: 'connection-lost',
      vendorCode: 'PING_TIMEOUT',
    });
  });
});

describe('hang-up and cancel reasons', () => {
  it.each([
    ['LOCAL_HANGUP', false, 'local-hangup'],
    ['REMOTE_HANGUP', true, 'remote-hangup'],
    ['REMOTE_HANGUP', false, 'unavailable'],
    ['REMOTE_REJECT', false, 'declined'],
    ['REMOTE_NO_ANSWER_TIMEOUT', false, 'no-answer'],
    ['MEDIA_TIMEOUT', true, 'media-timeout'],
    ['SOMETHING_NEW', true, 'failed'],
  ])('%s (answered %s) → %s', (reason, answered, expected) => {
    expect(hangupOutcome(reason, answered).reason).toBe(expected);
  });

  it.each([
    ['RemoteCancel', 'cancelled'],
    ['AnsweredElsewhere', 'answered-elsewhere'],
    ['RejectedElsewhere', 'declined'],
    ['RemoteTimeout', 'no-answer'],
  ])('%s → %s', (reason, expected) => {
    expect(inviteCancelReason(reason)).toBe(expected);
  });
});

describe('tokens', () => {
  it.each([
    ['2026-11-21T09:00:00Z', Date.parse('2026-11-21T09:00:00Z')],
    [1_795_338_000, 1_795_338_000_000],
    [1_795_338_000_000, 1_795_338_000_000],
    ['1795338000', 1_795_338_000_000],
  ])('reads expiresAt %s', (value, expected) => {
    expect(toEpochMs(value)).toBe(expected);
  });

  it('reads the exp claim and rejects garbage', () => {
    expect(jwtExpiry(fakeJwt(1_795_338_000))).toBe(1_795_338_000_000);
    expect(jwtExpiry('not-a-jwt')).toBeNaN();
  });

  it.each([
    [3_600_000, 2_700_000],
    [24 * 3_600_000, 18 * 3_600_000],
    [180_000, 120_000],
    [30_000, 5_000],
  ])('a token living %d ms is refreshed after %d ms', (lifetime, delay) => {
    expect(refreshDelayMs({ jwt: 'x', expiresAt: 1_000_000 + lifetime }, 1_000_000)).toBe(delay);
  });
});

describe('callerTarget', () => {
  it.each([
    ['447700900000', 'phone', { kind: 'phone', e164: '+447700900000' }],
    ['+14155552671', 'phone', { kind: 'phone', e164: '+14155552671' }],
    ['agent_bob', 'app', { kind: 'contact', id: 'agent_bob', label: 'agent_bob' }],
    ['Unknown caller', 'phone', { kind: 'contact', id: 'unknown', label: 'Unknown caller' }],
    ['', 'phone', { kind: 'contact', id: 'unknown', label: 'unknown' }],
  ])('%s over %s', (from, channel, expected) => {
    expect(callerTarget(from, channel)).toEqual(expected);
  });
});
