import { describe, expect, it } from 'vitest';
import { CallFailure } from '../../provider';
import { SIGNED_CALL_ERRORS, cuidProblem, outgoingEnd, signedCallError } from './signedCallErrors';

describe('cuidProblem', () => {
  it.each([
    ['org_25', null],
    ['agent_alice', null],
    ['Agent7', null],
    ['a1b2c', null],
    ['abc_def_ghi', null],
    ['x'.repeat(50), null],
    ['abcd', 'a cuid has 5 to 50 characters'],
    ['x'.repeat(51), 'a cuid has 5 to 50 characters'],
    ['91_8899555', 'a cuid cannot be only numbers (like 91_8899555)'],
    ['12345', 'a cuid cannot be only numbers (like 91_8899555)'],
    ['_alice', 'a cuid has letters and digits, with _ only between them'],
    ['alice_', 'a cuid has letters and digits, with _ only between them'],
    ['ali__ce', 'a cuid has letters and digits, with _ only between them'],
    ['ali ce', 'a cuid has letters and digits, with _ only between them'],
    ['ali-ce', 'a cuid has letters and digits, with _ only between them'],
    ['alice@x.com', 'a cuid has letters and digits, with _ only between them'],
    ['', 'a cuid has 5 to 50 characters'],
  ])('%j → %s', (cuid, problem) => {
    expect(cuidProblem(cuid)).toBe(problem);
  });
});

describe('signedCallError', () => {
  it.each(Object.entries(SIGNED_CALL_ERRORS))(
    '%s → %s, keeping the vendor code',
    (vendorCode, code) => {
      const raw = /^\d+$/.test(vendorCode) ? Number(vendorCode) : vendorCode;
      expect(signedCallError({ code: raw, message: 'm' })).toEqual({
        code,
        vendorCode,
        detail: 'm',
      });
    },
  );

  it('covers every error code the SDK documents', () => {
    expect(Object.keys(SIGNED_CALL_ERRORS).sort()).toEqual(
      [
        'ERR_MISSING_INITPARAMETERS',
        'ERR_INVALID_INITPARAMETERS',
        'ERR_MISSING_CT_ACCOUNTID',
        'ERR_MISSING_CT_ID',
        'ERR_INVALID_CREDENTIALS',
        'ERR_ALREADY_SIGNEDIN',
        'ERR_MIC_UNAVAILABLE',
        'ERR_CONNECTION_NOT_ESTABLISHED',
        'ERR_OUTGOING_CALL_IN_PROGRESS',
        'ERR_INVALID_CALL_PARAMETERS',
        'ERR_INTERNET_LOST',
        'ERR_USER_BUSY',
        '404',
        '400',
      ].sort(),
    );
  });

  it.each([
    [
      'The user you are trying to reach is busy on another call',
      { code: 'busy', vendorCode: 'ERR_USER_BUSY' },
    ],
    [404, { code: 'receiver-offline', vendorCode: '404' }],
    ['weird', { code: 'internal', detail: 'weird' }],
    [
      { code: 'ERR_SOMETHING_NEW', message: 'x' },
      { code: 'internal', vendorCode: 'ERR_SOMETHING_NEW' },
    ],
    [
      Object.assign(new Error('Permission denied'), { name: 'NotAllowedError' }),
      { code: 'mic-denied' },
    ],
    [
      new CallFailure('busy', 'd', 'ERR_USER_BUSY'),
      { code: 'busy', detail: 'd', vendorCode: 'ERR_USER_BUSY' },
    ],
  ])('%j', (error, expected) => {
    expect(signedCallError(error)).toMatchObject(expected);
  });
});

describe('outgoingEnd', () => {
  it.each([
    ['over', false, 'remote-hangup'],
    ['over', true, 'local-hangup'],
    ['declined', false, 'declined'],
    ['missed', false, 'no-answer'],
    ['cancelled', false, 'no-answer'],
    ['cancelled', true, 'local-hangup'],
    ['something', false, 'failed'],
  ])('%s (we hung up: %s) → %s', (outcome, requested, reason) => {
    expect(outgoingEnd(outcome, requested)).toBe(reason);
  });
});
