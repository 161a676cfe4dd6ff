import { describe, expect, it, vi } from 'vitest';
import {
  getCountries,
  getExampleNumber,
  isValidPhoneNumber,
  parsePhoneNumberFromString,
  type CountryCode,
} from 'libphonenumber-js/max';
import examples from 'libphonenumber-js/mobile/examples';
import {
  formatInternational,
  validateInternational,
  validateNational,
  validatePhone,
} from './phoneMetadata';

/** Small deterministic PRNG so a failure can be replayed. */
function rng(seed: number) {
  return () => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
}

describe('validatePhone', () => {
  it.each([
    ['4155552671', false, 'US', '+14155552671'],
    ['14155552671', false, 'US', '+14155552671'],
    ['4165550100', false, 'US', '+14165550100'], // Toronto: +1 is shared, CA owns 416
    ['6135550123', false, 'US', '+16135550123'],
    ['2079460958', false, 'GB', '+442079460958'],
    ['02079460958', false, 'GB', '+442079460958'],
    ['442079460958', true, 'US', '+442079460958'],
    ['01144207946095', false, 'US', null],
    ['011442079460958', false, 'US', '+442079460958'],
    ['00442079460958', false, 'DE', '+442079460958'],
    ['0312345678', false, 'JP', '+81312345678'],
    ['030901820', false, 'DE', '+4930901820'],
    ['5555555', false, 'US', null],
    ['1234567890123456', true, 'US', null],
    // The region's own international prefix first (SG: 0[0-3]\d), and `00` only after it.
    ['00816503336000', false, 'SG', '+16503336000'],
    ['0016503336000', false, 'SG', '+16503336000'],
    // Full (max) validity: a number must be of one of its plan's types.
    ['18001234567', true, 'US', null],
    ['6239945926', true, 'US', null],
    ['18002234567', true, 'US', '+18002234567'],
    ['487493524', true, 'US', null],
  ])('%s (international %s, %s) → %s', (digits, intl, country, e164) => {
    expect(validatePhone(digits, intl, country)?.e164 ?? null).toBe(e164);
  });

  it('agrees with libphonenumber-js on mutated example numbers of every region', () => {
    const random = rng(42);
    const disagreements: string[] = [];
    let checked = 0;
    for (const country of getCountries()) {
      const example = getExampleNumber(country, examples);
      if (!example) continue;
      for (let k = 0; k < 12; k++) {
        const digits = example.nationalNumber.split('');
        // Mutate up to two digits and sometimes the length.
        for (let m = 0; m < 2; m++)
          digits[Math.floor(random() * digits.length)] = String(Math.floor(random() * 10));
        if (random() < 0.2) digits.pop();
        if (random() < 0.2) digits.push(String(Math.floor(random() * 10)));
        const national = digits.join('');
        const full = example.countryCallingCode + national;
        const theirs = isValidPhoneNumber(`+${full}`);
        const ours = validateInternational(full) !== null;
        checked++;
        if (theirs !== ours)
          disagreements.push(`+${full} (${country}): lib ${theirs}, ours ${ours}`);
        const theirsNational = isValidPhoneNumber(national, country as CountryCode);
        const oursNational = validateNational(national, country) !== null;
        if (theirsNational !== oursNational)
          disagreements.push(
            `${national} in ${country}: lib ${theirsNational}, ours ${oursNational}`,
          );
      }
    }
    expect(checked).toBeGreaterThan(2000);
    // A handful of exotic plans differ in national-prefix handling; keep the rate tiny.
    expect(
      disagreements.length / (checked * 2),
      disagreements.slice(0, 20).join('\n'),
    ).toBeLessThan(0.005);
  });

  it('formats like libphonenumber-js formatInternational', () => {
    const mismatches: string[] = [];
    for (const country of getCountries()) {
      const example = getExampleNumber(country, examples);
      if (!example) continue;
      const ours = validateInternational(example.number.slice(1));
      if (!ours) {
        mismatches.push(`${example.number} invalid`);
        continue;
      }
      const theirs = parsePhoneNumberFromString(example.number)!.formatInternational();
      if (formatInternational(ours) !== theirs)
        mismatches.push(`${formatInternational(ours)} ≠ ${theirs}`);
    }
    expect(mismatches).toEqual([]);
  });
});

describe('number types provided at start', () => {
  it('accepts no number of a plan min lacks types for before provideNumberTypes, full validity after', async () => {
    vi.resetModules();
    // A fresh module, as the content script has it before the background answers.
    const fresh = await import('./phoneMetadata');
    expect(fresh.hasNumberTypes()).toBe(false);
    expect(fresh.validatePhone('030901820', false, 'DE')).toBeNull();
    expect(fresh.validatePhone('81312345678', true, 'US')).toBeNull();
    const { NUMBER_TYPES } = await import('./numberTypes');
    fresh.provideNumberTypes(NUMBER_TYPES);
    expect(fresh.hasNumberTypes()).toBe(true);
    expect(fresh.validatePhone('030901820', false, 'DE')?.e164).toBe('+4930901820');
    expect(fresh.validatePhone('81312345678', true, 'US')?.e164).toBe('+81312345678');
    // max validity, not min's: +62 39945926 is outside Indonesia's number types.
    expect(fresh.validatePhone('6239945926', true, 'US')).toBeNull();
    vi.resetModules();
  });
});
