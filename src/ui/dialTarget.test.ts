import { describe, expect, it } from 'vitest';
import { parseDialInput, regionFor } from './dialTarget';

describe('parseDialInput', () => {
  it.each([
    ['+1 415 555 2671', 'US', { kind: 'phone', e164: '+14155552671' }],
    ['(415) 555-2671', 'US', { kind: 'phone', e164: '+14155552671' }],
    ['030 1234567', 'DE', { kind: 'phone', e164: '+49301234567' }],
    ['03-1234-5678', 'JP', { kind: 'phone', e164: '+81312345678' }],
    ['+44 20 7946 0958 ext. 12', undefined, { kind: 'phone', e164: '+442079460958', ext: '12' }],
    ['tel:+14155552671', undefined, { kind: 'phone', e164: '+14155552671' }],
    ['agent7', undefined, { kind: 'contact', id: 'agent7' }],
    ['ava.thompson@acme', undefined, { kind: 'contact', id: 'ava.thompson@acme' }],
    ['contact:cust-42', undefined, { kind: 'contact', id: 'cust-42' }],
  ] as const)('%s (%s) → %o', (input, region, target) => {
    expect(parseDialInput(input, region)).toEqual(target);
  });

  it.each([[''], ['   '], ['12'], ['415 555'], ['two words'], ['<script>'], ['5552671']])(
    'rejects %j',
    (input) => {
      expect(parseDialInput(input, undefined)).toBeNull();
    },
  );
});

describe('regionFor', () => {
  it.each([
    ['DE', 'en-US', 'DE'],
    ['', 'en-GB', 'GB'],
    ['', 'zh_CN', 'CN'],
    ['', 'ja', undefined],
  ])('%j with %s → %s', (setting, language, region) => {
    expect(regionFor(setting, language)).toBe(region);
  });
});
