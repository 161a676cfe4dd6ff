import { describe, expect, it } from 'vitest';
import { DEFAULT_NUMBER_TYPES } from '../config';
import { checkDestination } from './destination';

const policy = { countries: ['GB', 'US'], types: DEFAULT_NUMBER_TYPES };

describe('checkDestination', () => {
  it.each([
    ['442071234567', 'GB fixed line', true],
    ['447400123456', 'GB mobile', true],
    ['448001234567', 'GB toll-free', true],
    ['14155552671', 'US fixed line or mobile', true],
    ['447012345678', 'GB personal number', 'number-type-not-allowed'],
    ['447640123456', 'GB pager', 'number-type-not-allowed'],
    ['445612345678', 'GB VoIP', 'number-type-not-allowed'],
    ['443001234567', 'GB UAN', 'number-type-not-allowed'],
    ['448431234567', 'GB premium rate', 'premium-rate'],
    ['15555550100', 'a number libphonenumber cannot type', 'invalid-number'],
    ['4412', 'too short', 'invalid-number'],
    ['4915112345678', 'a country not allowed', 'country-not-allowed'],
  ])('%s (%s)', (digits, _label, expected) => {
    const result = checkDestination(digits, policy);
    if (expected === true) expect(result).toMatchObject({ ok: true, number: digits });
    else expect(result).toMatchObject({ ok: false, code: expected });
  });

  it('lets an admin widen the types, and the cache keeps policies apart', () => {
    expect(checkDestination('445612345678', policy).ok).toBe(false);
    const wide = { ...policy, types: [...DEFAULT_NUMBER_TYPES, 'VOIP' as const] };
    expect(checkDestination('445612345678', wide).ok).toBe(true);
  });
});
