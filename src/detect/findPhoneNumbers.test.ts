import { describe, expect, it } from 'vitest';
import { findPhoneNumbers, mayContainPhoneNumber, mayContainPhoneRun } from './findPhoneNumbers';

const uris = (text: string, country = 'US') =>
  findPhoneNumbers(text, country).map((m) =>
    m.target.ext ? `${m.target.e164};ext=${m.target.ext}` : m.target.e164,
  );

describe('findPhoneNumbers: formats and countries', () => {
  it.each([
    ['(415) 555-2671', 'US', ['+14155552671']],
    ['415-555-2671', 'US', ['+14155552671']],
    ['415.555.2671', 'US', ['+14155552671']],
    ['415 555 2671', 'US', ['+14155552671']],
    ['4155552671', 'US', ['+14155552671']],
    ['1-415-555-2671', 'US', ['+14155552671']],
    ['+1 (415) 555-2671', 'US', ['+14155552671']],
    ['+14155552671', 'DE', ['+14155552671']],
    ['011 44 20 7946 0958', 'US', ['+442079460958']],
    ['00 44 20 7946 0958', 'US', ['+442079460958']],
    ['+44 20 7946 0958', 'US', ['+442079460958']],
    ['+44 (0)20 7946 0958', 'US', ['+442079460958']],
    ['020 7946 0958', 'GB', ['+442079460958']],
    ['07911 123456', 'GB', ['+447911123456']],
    ['+49 30 901820', 'US', ['+4930901820']],
    ['030 901820', 'DE', ['+4930901820']],
    ['030/901820', 'DE', ['+4930901820']],
    ['+33 1 23 45 67 89', 'US', ['+33123456789']],
    ['01 23 45 67 89', 'FR', ['+33123456789']],
    ['06 12 34 56 78', 'FR', ['+33612345678']],
    ['612 345 678', 'ES', ['+34612345678']],
    ['+34 912 345 678', 'US', ['+34912345678']],
    ['03-1234-5678', 'JP', ['+81312345678']],
    ['090-1234-5678', 'JP', ['+819012345678']],
    ['０３－１２３４－５６７８', 'JP', ['+81312345678']],
    ['＋８１ ３ １２３４ ５６７８', 'US', ['+81312345678']],
    ['010-1234-5678', 'CN', ['+861012345678']],
    ['138 0013 8000', 'CN', ['+8613800138000']],
    ['+86 10 6552 9988', 'US', ['+861065529988']],
    ['+61 2 9374 4000', 'US', ['+61293744000']],
    ['+91 98765 43210', 'US', ['+919876543210']],
    ['+55 11 91234-5678', 'US', ['+5511912345678']],
    ['(11) 91234-5678', 'BR', ['+5511912345678']],
  ])('%s (%s)', (text, country, expected) => {
    expect(uris(text, country)).toEqual(expected);
  });
});

describe('findPhoneNumbers: extensions', () => {
  it.each([
    ['(415) 555-2671 x204', ['+14155552671;ext=204']],
    ['(415) 555-2671 ext. 204', ['+14155552671;ext=204']],
    ['(415) 555-2671 Ext 9', ['+14155552671;ext=9']],
    ['(415) 555-2671 #12', ['+14155552671;ext=12']],
    ['(415) 555-2671, ext 12', ['+14155552671;ext=12']],
    ['(415) 555-2671x12', ['+14155552671;ext=12']],
    ['(415) 555-2671 extension 4471', ['+14155552671;ext=4471']],
    ['(415) 555-2671 内線 12', ['+14155552671;ext=12']],
    ['(415) 555-2671 xyz', ['+14155552671']],
  ])('%s', (text, expected) => {
    expect(uris(text)).toEqual(expected);
  });
});

describe('findPhoneNumbers: in text', () => {
  it.each([
    ['Call me at (415) 555-2671 or 415-555-2672.', ['+14155552671', '+14155552672']],
    ['415-555-2671 415-555-2672', ['+14155552671', '+14155552672']],
    ['415-555-2671 / 415-555-2672', ['+14155552671', '+14155552672']],
    ['Tel: (415) 555-2671\nFax: (415) 555-2672', ['+14155552671', '+14155552672']],
    ['Phone No.: 415-555-2671', ['+14155552671']],
    ['Account phone: (415) 555-2671', ['+14155552671']],
    ['Mobile:+14155552671', ['+14155552671']],
    ['電話 03-1234-5678 まで', ['+81312345678']],
    ['(415)555-2671', ['+14155552671']],
  ])('%s', (text, expected) => {
    expect(uris(text, text.includes('電話') ? 'JP' : 'US')).toEqual(expected);
  });

  it('reports offsets covering the number and its extension', () => {
    const text = 'Tel: (415) 555-2671 x12 today';
    const [m] = findPhoneNumbers(text, 'US');
    expect(text.slice(m!.start, m!.end)).toBe('(415) 555-2671 x12');
    expect(m!.formatted).toBe('+1 415 555 2671 ext. 12');
  });
});

describe('findPhoneNumbers: look-alikes are rejected', () => {
  it.each([
    ['dates', '2024-03-15', 'US'],
    ['dates', '03/15/2024', 'US'],
    ['dates', '15.03.2024', 'DE'],
    ['dates', '2024/03/15 14:30', 'JP'],
    ['dates', '20240315', 'DE'],
    ['date-times', '2024-03-15T14:30:00Z', 'US'],
    ['times', '14:30:00-15:45:00', 'US'],
    ['money', '$4,155,552,671.00', 'US'],
    ['money', '$ 4155552671', 'US'],
    ['money', '4155552671 USD', 'US'],
    ['money', '€ 1.234.567', 'DE'],
    ['money', '1 234 567 €', 'FR'],
    ['money', '¥41,555,526', 'JP'],
    ['thousands', '1.234.567', 'DE'],
    ['thousands', '12 345 678', 'FR'],
    ['percentages', '4155552671%', 'US'],
    ['percentages', '41.555 %', 'US'],
    ['decimals', '4155552671.25', 'US'],
    ['IP addresses', '192.168.100.200', 'US'],
    ['IP addresses', '10.101.202.103', 'DE'],
    ['versions', 'v4.15.5526.71', 'US'],
    ['versions', '10.0.19045.2965', 'US'],
    ['versions', 'Version 415.555.2671', 'US'],
    ['ZIP codes', '94105-1234', 'US'],
    ['ZIP codes', 'CEP 01310-100', 'BR'],
    ['ZIP codes', '〒100-0001', 'JP'],
    ['order numbers', 'Order #4155552671', 'US'],
    ['order numbers', 'Order No. 415-555-2671', 'US'],
    ['order numbers', 'order: 4155552671', 'US'],
    ['invoices', 'INV-4155552671', 'US'],
    ['invoices', 'Invoice 415 555 2671', 'US'],
    ['accounts', 'Acct 4155552671', 'US'],
    ['accounts', 'Account #: 415-555-2671', 'US'],
    ['tickets', 'Ticket 4155552671', 'US'],
    ['references', 'Ref: 4155552671', 'US'],
    ['references', 'Reference 415-555-2671', 'US'],
    ['ids', 'ID 4155552671', 'US'],
    ['ids', 'user4155552671', 'US'],
    ['ids', '/contacts/4155552671/', 'US'],
    ['ids', 'id=4155552671', 'US'],
    ['emails', '4155552671@example.com', 'US'],
    ['Japanese order numbers', '注文番号 03-1234-5678', 'JP'],
    ['card numbers', '4111 1111 1111 1111', 'US'],
    ['short digit runs', '5552671', 'US'],
    ['long ids', '4876876000000123456', 'US'],
    ['counts', '1500000', 'DE'],
  ])('%s: %s (%s)', (_kind, text, country) => {
    expect(uris(text, country)).toEqual([]);
  });
});

describe('findPhoneNumbers: dials exactly what is written (issue 13)', () => {
  it.each([
    // The region's own international prefix, as the metadata defines it (SG: 0[0-3]\d).
    ['0081-650-333-6000', 'SG', ['+16503336000']],
    ['001 44 20 7946 0958', 'SG', ['+442079460958']],
    ['011 44 20 7946 0958', 'US', ['+442079460958']],
    // A prefix followed by 0 is no prefix (libphonenumber's rule): national.
    ['0 1800 7493 524', 'PL', []],
    ['Room 12 415-555-2671', 'US', ['+14155552671']],
    ['12 (415) 555-2671', 'US', ['+14155552671']],
    ['415-555-2671 2 times', 'US', ['+14155552671']],
    ['Room 12 415 555 2671', 'US', ['+14155552671']], // the room's number is not the phone's
    ['Zimmer 4 901 35 904', 'LU', ['+35290135904']],
    ['Office 415 555 2671', 'US', ['+14155552671']],
    // Slashes between numbers and before extensions.
    ['Call 1-650-333-6000/x12', 'US', ['+16503336000;ext=12']],
    ['Phone: 415-555-2671/Fax: 650-253-0000', 'US', ['+14155552671', '+16502530000']],
    ['651-234-2345/332-445-1234', 'US', ['+16512342345', '+13324451234']],
    ['Tel / 415-555-2671', 'US', ['+14155552671']],
    ['651-234-2345 / 332-445-1234', 'US', ['+16512342345', '+13324451234']],
    ['415-555-2671 - 650-253-0000', 'US', ['+14155552671', '+16502530000']],
    // … but after an area code, " / " and " - " are in the number (the old German style).
    ['Tel.: 030 / 1234567', 'DE', ['+49301234567']],
    ['Tel. 089 / 123 456 78', 'DE', ['+498912345678']],
    ['Tel 0664 / 123 45 67', 'AT', ['+436641234567']],
    ['Tel 0664 - 123 45 67', 'AT', ['+436641234567']], // was read as Vienna, +43 1 234567
    ['Tel: 044 / 123 45 67', 'CH', ['+41441234567']],
    ['Call 415 / 555-2671', 'US', ['+14155552671']],
    ['Tel 0999 / 123 45 67', 'AT', []], // no such area code, and never the tail alone
    // Extensions, dial waits, Australian 1800 numbers, Arabic and Persian digits.
    ['(415) 555-2671 int. 3456', 'US', ['+14155552671;ext=3456']],
    ['0~0 1 650 333 6000', 'DE', ['+16503336000']],
    ['1800-10-10 22', 'AU', ['+611800101022']],
    ['\u0664\u0661\u0665-\u0665\u0665\u0665-\u0662\u0666\u0667\u0661', 'US', ['+14155552671']],
    ['\u06f4\u06f1\u06f5-\u06f5\u06f5\u06f5-\u06f2\u06f6\u06f7\u06f1', 'US', ['+14155552671']],
    [
      '+\u0669\u0667\u0661 \u0665\u0660 \u0661\u0662\u0663 \u0664\u0665\u0666\u0667',
      'US',
      ['+971501234567'],
    ],
    // Dashes, the minus sign, Japanese input's ー and invisible separators between groups.
    ['03ー1234ー5678', 'JP', ['+81312345678']],
    ['０３ー１２３４ー５６７８', 'JP', ['+81312345678']],
    ['Tel 06\u22121234\u22125678', 'JP', ['+81612345678']],
    ['Call 415\u2014555\u20142671 now', 'US', ['+14155552671']],
    ['Call 415\u200b555\u200b2671', 'US', ['+14155552671']],
    ['+44 20\u00ad7946\u00ad0958', 'US', ['+442079460958']],
    ['+44\u206020\u20607946\u20600958', 'US', ['+442079460958']],
    ['2024\u201303\u201315 415 555 2671', 'US', ['+14155552671']], // an en-dash date still is one
    // Brackets that pair up, around the country code too.
    ['Tel (+33) 1 42 68 53 00', 'FR', ['+33142685300']],
    ['(+49) 30 1234567', 'US', ['+49301234567']],
    ['(+44)20 7946 0958', 'US', ['+442079460958']],
    ['(415-555-2671)', 'US', ['+14155552671']],
    ['(415 555-2671', 'US', ['+14155552671']], // an opening bracket alone is left out
    ['(415) 555.2671', 'US', ['+14155552671']],
    // Square ones as well (below): these were read as +1 207 946 0958.
    ['+44 [0]20 7946 0958', 'US', ['+442079460958']],
    ['[+44]20 7946 0958', 'US', ['+442079460958']],
    // Found by the differential test (differential.test.ts).
    ['(268) 406-6439 € 99,00', 'US', ['+12684066439']], // the next amount's symbol
    ['$1,234.56 +1 264 498 5064', 'IN', ['+12644985064']],
    ['61 756 792', 'LV', ['+37161756792']], // grouped as the plan writes it, not thousands
    ['26.41.31.76', 'DK', ['+4526413176']],
    ['Contact (03222-0500)', 'BD', ['+88032220500']], // not ZIP+4
    ['020.67.197.51', 'MG', ['+261206719751']], // not an IP address
    ['09.02.78.58.22', 'FR', ['+33902785822']], // not a date and a time
    ['073-407.60.64', 'SE', ['+46734076064']], // not decimals
    ['(8 240) 8-16-13 x204', 'TM', ['+99324081613;ext=204']],
    ['+49 800 45259565 10:30', 'BR', ['+4980045259565']], // a time ends it
    ['017 6247 15.03.2024', 'FI', ['+358176247']], // and a date
    ['(800 7323) 03/15/2024', 'QA', ['+9748007323']],
    ['(1600-6701) 12%', 'KR', ['+8216006701']], // and an amount
    ['Zimmer 4 (02717 956 137)', 'IN', ['+912717956137']], // and a bracket
    ['+381-909-3416 /056 5410 0190 ext. 12', 'GB', ['+3819093416', '+445654100190;ext=12']],
    ['(8 (751) 929 7567)', 'KZ', ['+77519297567']],
    ['¥12,000 6800 2369', 'MO', ['+85368002369']],
    ['0800 90964773553', 'DE', []], // 16 digits of E.164: no number, and no tail of it
    // Validity as full metadata judges it.
    ['+1800-123-4567', 'US', []],
    ['+62 39945926', 'US', []],
    ['+1 800-223-4567', 'US', ['+18002234567']],
  ])('%s (%s)', (text, country, expected) => {
    expect(uris(text, country)).toEqual(expected);
  });

  it.each([
    ['decimals', '80.585 (79.964)'],
    ['decimals', '(80).(585) (79).(9)64'],
    ['unbalanced brackets', '213(3734253'],
    ['mismatched brackets', '(415] 555-2671'],
    ['mismatched brackets', '[415) 555-2671'],
    ['decimals', '[80].[585] [79].[9]64'],
    ['identifiers', 'A415-666-7777'],
    ['identifiers', '\u00c9415-666-7777'],
    ['identifiers', 'R\u00e9415-555-2671'],
    ['identifiers', '(415)6667777\u00c9'],
    ['identifiers', 'Re\u0301415-555-2671'],
    ['identifiers', '\u0416415-555-2671'],
    ['paths', '/contacts/4155552671/'],
    ['ranges', '1000~2000'],
  ])('rejects %s: %s', (_kind, text) => {
    expect(uris(text)).toEqual([]);
  });

  // libphonenumber reads an area code in square brackets as in round ones (but not "12 [415] …"):
  // so do we, with the same spans and the same look-alike guards.
  const squared = (text: string) => text.replace(/\(/g, '[').replace(/\)/g, ']');
  it.each([
    ['(415) 555-2671', 'US', ['+14155552671']],
    ['(415)555-2671', 'US', ['+14155552671']],
    ['+1 (415) 555-2671', 'US', ['+14155552671']],
    ['Tel: (415) 555-2671 x12 today', 'US', ['+14155552671;ext=12']],
    ['see (415) 555-2671, (650) 253-0000', 'US', ['+14155552671', '+16502530000']],
    ['12 (415) 555-2671', 'US', ['+14155552671']],
    ['(+33) 1 42 68 53 00', 'FR', ['+33142685300']],
    ['(+49) 30 1234567', 'US', ['+49301234567']],
    ['+44 (0)20 7946 0958', 'US', ['+442079460958']],
    ['(11) 91234-5678', 'BR', ['+5511912345678']],
    ['(8 240) 8-16-13', 'TM', ['+99324081613']],
    ['Zimmer 4 (02717 956 137)', 'IN', ['+912717956137']],
    ['(415-555-2671)', 'US', ['+14155552671']],
    ['(8 (751) 929 7567)', 'KZ', ['+77519297567']],
    ['(415 555-2671', 'US', ['+14155552671']],
    ['(0800 871089) 2024-03-15', 'FI', ['+358800871089']], // the date was taken for groups
    ['415) 555-2671', 'US', []],
    ['213(3734253', 'US', []],
  ])('reads square brackets as round ones: %s (%s)', (round, country, expected) => {
    const spans = (text: string) =>
      findPhoneNumbers(text, country).map((m) => text.slice(m.start, m.end));
    expect(uris(round, country)).toEqual(expected);
    expect(uris(squared(round), country)).toEqual(expected);
    expect(spans(squared(round))).toEqual(spans(round).map(squared));
  });

  it('keeps numbers run into Japanese text', () => {
    expect(uris('電話03-1234-5678まで', 'JP')).toEqual(['+81312345678']);
  });
});

describe('mayContainPhoneNumber', () => {
  it.each([
    ['no digits', false],
    ['123456', false],
    ['1234567', true],
    ['１２３４５６７', true],
    ['a1b2c3d4e5f6g7', true],
    ['\u0664\u0661\u0665\u0665\u0665\u0662\u0666', true],
  ])('%s → %s', (text, expected) => {
    expect(mayContainPhoneNumber(text)).toBe(expected);
  });
});

describe('mayContainPhoneRun', () => {
  it.each([
    ['(415) 555-2671', false, false, true],
    ['+1 415 555 2671 x12', false, false, true],
    [
      '\uff08\uff14\uff11\uff15\uff09\uff15\uff15\uff15\uff0d\uff12\uff16\uff17\uff11',
      false,
      false,
      true,
    ],
    ['$123,456.00', false, false, false],
    ['415\u2212555\u22122671', false, false, true],
    ['03ー1234ー5678', false, false, true],
    ['415\u200b555\u200b2671', false, false, true],
    ['Score 12%, 10:30, 4,999', false, false, false],
    ['a1b2c3d4e5f6g7', false, false, false],
    // A run at an edge where the text goes on in the next node (`415 555` + `<!---->` + `2671`,
    // or React's adjacent text nodes `(`, `415`, `) `, `555`…) may go on there, whatever its digits.
    ['tel 1, 415 555', false, true, true],
    ['415 555', false, true, true],
    ['2671', true, false, true],
    ['(', true, true, false],
    [') ', true, true, false],
    ['] ', true, true, false],
    ['[8 240] 8-16-13', false, false, true],
    ['555 2671, ref 1', true, false, true],
    ['$123,456.00', true, true, true],
    // …but not a run that ends before the edge.
    ['Score 12%, items', true, true, false],
    ['415 555 today', false, true, false],
    ['Order 415 555', true, false, false],
  ])('%s (open %s/%s) → %s', (text, openStart, openEnd, expected) => {
    expect(mayContainPhoneRun(text, openStart, openEnd)).toBe(expected);
    // A whole text (no open edge) is never read as holding a number the looser check rules out.
    if (expected && !openStart && !openEnd) expect(mayContainPhoneNumber(text)).toBe(true);
  });
});
