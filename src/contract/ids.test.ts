import { describe, expect, it } from 'vitest';
import { ADDRESS, AGENT_NAME, CONTACT_ID, E164, E164_DIGITS, EXT } from './ids';

describe('id patterns', () => {
  it.each<[string, string, boolean, RegExp]>([
    ['E164', '+14155552671', true, E164],
    ['E164', '+1415555', true, E164],
    ['E164', '14155552671', false, E164],
    ['E164', '+04155552671', false, E164],
    ['E164', '+1415555267112345', false, E164],
    ['E164_DIGITS', '14155552671', true, E164_DIGITS],
    ['E164_DIGITS', '+14155552671', false, E164_DIGITS],
    ['EXT', '204', true, EXT],
    ['EXT', '12345678901', false, EXT],
    ['EXT', '20a', false, EXT],
    ['CONTACT_ID', '003A000001abcDE', true, CONTACT_ID],
    ['CONTACT_ID', 'ava.sales@acme:1-2_3', true, CONTACT_ID],
    ['CONTACT_ID', 'a'.repeat(128), true, CONTACT_ID],
    ['CONTACT_ID', 'a'.repeat(129), false, CONTACT_ID],
    ['CONTACT_ID', '-leading-dash', false, CONTACT_ID],
    ['CONTACT_ID', 'a b', false, CONTACT_ID],
    ['CONTACT_ID', '<script>', false, CONTACT_ID],
    ['AGENT_NAME', 'ava', true, AGENT_NAME],
    ['AGENT_NAME', 'ava@acme', false, AGENT_NAME],
    ['AGENT_NAME', 'a'.repeat(65), false, AGENT_NAME],
    ['ADDRESS', 'tel:+14155552671', true, ADDRESS],
    ['ADDRESS', 'contact:ava_sales', true, ADDRESS],
    ['ADDRESS', 'agent:ava', true, ADDRESS],
    ['ADDRESS', 'agent:*', true, ADDRESS],
    ['ADDRESS', 'agent:*ava', false, ADDRESS],
    ['ADDRESS', 'agent:ava@acme', false, ADDRESS],
    ['ADDRESS', 'tel:14155552671', false, ADDRESS],
    ['ADDRESS', 'contact:', false, ADDRESS],
    ['ADDRESS', 'x-tel:+14155552671', false, ADDRESS],
    ['ADDRESS', 'tel:+14155552671;ext=2', false, ADDRESS],
  ])('%s %j → %s', (_name, value, valid, pattern) => {
    expect(pattern.test(value)).toBe(valid);
  });
});
