import { describe, expect, it } from 'vitest';
import { recentOutcome } from './recentOutcome';

describe('recentOutcome', () => {
  it.each([
    ['outbound', 'completed', 'answered'],
    ['inbound', 'completed', 'answered'],
    ['outbound', 'busy', 'busy'],
    ['outbound', 'unanswered', 'noAnswer'],
    ['outbound', 'rejected', 'noAnswer'],
    ['outbound', 'cancelled', 'noAnswer'],
    ['inbound', 'missed', 'missed'],
    ['inbound', 'unanswered', 'missed'],
    ['inbound', 'timeout', 'missed'],
    ['outbound', 'failed', 'failed'],
    ['outbound', 'refused', 'refused'],
    ['outbound', 'ringing', null],
    ['outbound', 'answered', null],
  ] as const)('%s %s → %s', (direction, status, outcome) => {
    expect(recentOutcome({ direction, status })).toBe(outcome);
  });
});
