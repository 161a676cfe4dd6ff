import { describe, expect, it } from 'vitest';
import { dtmfDigit } from './dtmf';

describe('dtmfDigit', () => {
  const button = { tagName: 'BUTTON' } as unknown as EventTarget;
  const input = { tagName: 'INPUT' } as unknown as EventTarget;
  const editable = { tagName: 'DIV', isContentEditable: true } as unknown as EventTarget;
  it.each([
    [{ key: '5', target: button }, '5'],
    [{ key: '0' }, '0'],
    [{ key: '*', target: button }, '*'],
    [{ key: '#' }, '#'],
    [{ key: 'a' }, null],
    [{ key: 'Enter' }, null],
    [{ key: '55' }, null],
    [{ key: '5', ctrlKey: true }, null],
    [{ key: '5', metaKey: true }, null],
    [{ key: '5', altKey: true }, null],
    [{ key: '5', target: input }, null],
    [{ key: '5', target: editable }, null],
  ])('%o → %s', (event, digit) => {
    expect(dtmfDigit(event)).toBe(digit);
  });
});
