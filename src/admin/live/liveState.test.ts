import { describe, expect, it } from 'vitest';
import type { LiveSnapshot } from '../../contract/admin';
import type { CallRecord } from '../../contract/call';
import { applyCallUpdate, applyPresence, elapsed } from './liveState';

const call = (uuid: string, status: string, direction: 'inbound' | 'outbound'): CallRecord => ({
  uuid,
  provider: 'builtin',
  direction,
  status,
  reason: null,
  agent: 'ava',
  from: null,
  to: null,
  conversationUuid: null,
  parentUuid: null,
  createdAt: 0,
  startedAt: 0,
  answeredAt: null,
  answeredBy: null,
  endedAt: null,
  duration: null,
  price: null,
  rate: null,
  network: null,
});

const empty: LiveSnapshot = {
  agents: [{ name: 'ava', signedIn: true, onCall: false }],
  calls: [],
  queue: [],
  cursor: 0,
  now: 0,
};

describe('applyCallUpdate', () => {
  it('queues a ringing inbound call, moves it to calls when answered, drops it when it ends', () => {
    const ringing = applyCallUpdate(empty, call('a', 'ringing', 'inbound'));
    expect(ringing.queue.map((c) => c.uuid)).toEqual(['a']);
    expect(ringing.calls).toEqual([]);
    const answered = applyCallUpdate(ringing, call('a', 'answered', 'inbound'));
    expect(answered.queue).toEqual([]);
    expect(answered.calls.map((c) => c.uuid)).toEqual(['a']);
    expect(answered.agents[0]!.onCall).toBe(true);
    const ended = applyCallUpdate(answered, call('a', 'completed', 'inbound'));
    expect(ended.calls).toEqual([]);
    expect(ended.agents[0]!.onCall).toBe(false);
  });

  it('shows an outbound call as soon as it rings', () => {
    expect(applyCallUpdate(empty, call('b', 'ringing', 'outbound')).calls).toHaveLength(1);
  });
});

describe('elapsed', () => {
  it.each([
    [0, '0:00'],
    [65_000, '1:05'],
    [3_723_000, '1:02:03'],
  ])('%i ms → %s', (ms, text) => expect(elapsed(0, ms)).toBe(text));
});

describe('applyPresence', () => {
  it('takes each listed agent’s presence and leaves the others as they were', () => {
    const two: LiveSnapshot = {
      ...empty,
      agents: [...empty.agents, { name: 'bo', signedIn: true, onCall: false, presence: 'away' }],
    };
    const next = applyPresence(two, [{ name: 'ava', presence: 'dnd', since: 1, onCall: false }]);
    expect(next.agents).toEqual([
      { name: 'ava', signedIn: true, onCall: false, presence: 'dnd' },
      { name: 'bo', signedIn: true, onCall: false, presence: 'away' },
    ]);
  });
});
