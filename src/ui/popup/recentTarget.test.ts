import { describe, expect, it } from 'vitest';
import { recentTarget } from './recentTarget';

describe('recentTarget', () => {
  it.each([
    [
      'built-in phone line',
      'tel:+14155552671',
      'inbound',
      null,
      { kind: 'phone', e164: '+14155552671' },
    ],
    ['built-in contact', 'contact:crm-42', 'outbound', null, { kind: 'contact', id: 'crm-42' }],
    [
      'Vonage caller (E.164 digits)',
      '447400123456',
      'inbound',
      null,
      { kind: 'phone', e164: '+447400123456' },
    ],
    [
      'Vonage callee with the dialled extension',
      '14155552671',
      'outbound',
      '12',
      { kind: 'phone', e164: '+14155552671', ext: '12' },
    ],
    [
      'an inbound caller keeps no extension',
      '14155552671',
      'inbound',
      '12',
      { kind: 'phone', e164: '+14155552671' },
    ],
    ['E.164 with +', '+33612345678', 'outbound', null, { kind: 'phone', e164: '+33612345678' }],
    ['Vonage app user', 'bob-v', 'outbound', null, { kind: 'contact', id: 'bob-v' }],
    ['CleverTap cuid', 'cuid:caller_42', 'inbound', null, { kind: 'contact', id: 'caller_42' }],
    ['a built-in agent', 'agent:alice', 'inbound', null, null],
    ['a bad cuid', 'cuid:bad cuid!', 'inbound', null, null],
    ['free text', 'Anonymous caller', 'inbound', null, null],
    ['nothing', null, 'inbound', null, null],
  ] as const)('%s: %s', (_label, remote, direction, extension, target) => {
    expect(recentTarget({ remote, direction, extension })).toEqual(target);
  });
});
