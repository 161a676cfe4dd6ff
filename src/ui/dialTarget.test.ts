import { describe, expect, it } from 'vitest';
import { keypadDigits, readDialInput, regionName } from './dialTarget';

describe('readDialInput: what will be called', () => {
  it.each([
    ['+1 415 555 2671', 'US', '+14155552671', '+1 415 555 2671', 'US'],
    ['(415) 555-2671', 'US', '+14155552671', '+1 415 555 2671', 'US'],
    ['+44 20 7946 0958', 'US', '+442079460958', '+44 20 7946 0958', 'GB'],
    ['020 7946 0958', 'GB', '+442079460958', '+44 20 7946 0958', 'GB'],
    ['030 1234567', 'DE', '+49301234567', '+49 30 1234567', 'DE'],
    ['03-1234-5678', 'JP', '+81312345678', '+81 3 1234 5678', 'JP'],
    ['011 44 20 7946 0958', 'US', '+442079460958', '+44 20 7946 0958', 'GB'],
    ['00 44 20 7946 0958', 'DE', '+442079460958', '+44 20 7946 0958', 'GB'],
    ['tel:+14155552671', undefined, '+14155552671', '+1 415 555 2671', 'US'],
    // Letters as on a phone keypad.
    ['1-800-FLOWERS', 'US', '+18003569377', '+1 800 356 9377', 'US'],
    ['+1 800 flowers', undefined, '+18003569377', '+1 800 356 9377', 'US'],
    // Full-width digits, ＋ and hyphens from Japanese and Chinese input methods.
    ['＋８１ ３－１２３４－５６７８', undefined, '+81312345678', '+81 3 1234 5678', 'JP'],
    ['０３１２３４５６７８', 'JP', '+81312345678', '+81 3 1234 5678', 'JP'],
    ['＋８６ １３８ ００１３ ８０００', undefined, '+8613800138000', '+86 138 0013 8000', 'CN'],
    // Non-geographic numbers have no region.
    ['+800 1234 5678', undefined, '+80012345678', '+800 1234 5678', undefined],
  ] as const)('%s (%s) → %s', (input, region, e164, display, country) => {
    expect(readDialInput(input, region)).toEqual({
      ok: true,
      target: { kind: 'phone', e164 },
      display,
      ...(country ? { region: country } : {}),
    });
  });

  it.each([
    ['+44 20 7946 0958 ext. 12', undefined, '+442079460958', '12'],
    ['+1 415 555 2671 x 7', undefined, '+14155552671', '7'],
    ['415 555 2671 #99', 'US', '+14155552671', '99'],
    ['tel:+14155552671;ext=12', undefined, '+14155552671', '12'],
  ] as const)('%s keeps the extension', (input, region, e164, ext) => {
    expect(readDialInput(input, region)).toMatchObject({
      ok: true,
      target: { kind: 'phone', e164, ext },
    });
  });

  it.each([
    ['contact:cust-42', 'cust-42'],
    ['contact:ava.thompson@acme', 'ava.thompson@acme'],
    ['CONTACT:agent7', 'agent7'],
  ])('%s is a contact', (input, id) => {
    expect(readDialInput(input, 'US')).toEqual({
      ok: true,
      target: { kind: 'contact', id },
      display: input,
    });
  });

  it.each([[''], ['   '], ['\u3000']])('%j is nothing yet', (input) => {
    expect(readDialInput(input, 'US')).toBeNull();
  });
});

describe('readDialInput: why not', () => {
  it.each([
    ['12', 'US', 'tooShort'],
    ['415 555', 'US', 'tooShort'],
    ['5552671', 'US', 'tooShort'],
    ['+44 20', undefined, 'tooShort'],
    ['415 555 2671 2671', 'US', 'tooLong'],
    ['+1 415 555 2671 2671', undefined, 'tooLong'],
    ['+1 800 123 4567', undefined, 'invalidForRegion'],
    ['(123) 456-7890', 'US', 'invalidForRegion'],
    ['415 555 2671', undefined, 'noCountryCode'],
    ['agent7', 'US', 'tooShort'],
    ['ava.thompson@acme', 'US', 'notANumber'],
    ['two words', 'US', 'notANumber'],
    ['<script>', 'US', 'notANumber'],
    ['+', 'US', 'notANumber'],
    ['contact:two words', 'US', 'invalidContact'],
    ['contact:', 'US', 'invalidContact'],
  ] as const)('%s (%s) → %s', (input, region, problem) => {
    expect(readDialInput(input, region)).toEqual({ ok: false, problem });
  });
});

describe('keypadDigits', () => {
  it.each([
    ['FLOWERS', '3569377'],
    ['abc def ghi jkl mno pqrs tuv wxyz', '222 333 444 555 666 7777 888 9999'],
    ['1-800-GO-FEDEX', '1-800-46-33339'],
  ])('%s → %s', (text, digits) => {
    expect(keypadDigits(text)).toBe(digits);
  });
});

describe('regionName', () => {
  it.each([
    ['GB', 'en', 'United Kingdom'],
    ['ES', 'es', 'España'],
    ['JP', 'ja', '日本'],
    ['CN', 'zh-CN', '中国'],
  ])('%s in %s → %s', (region, language, name) => {
    expect(regionName(region, language)).toBe(name);
  });
});
