import { beforeEach, describe, expect, it, vi, type Mock } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { CallSnapshot } from '../call/state';
import type { AppState } from '../messaging/background';
import type { SignedIn } from './backendApi';
import {
  INITIAL_PRESENCE,
  PresenceTracker,
  choose,
  nextChoice,
  onIdleState,
  shownPresence,
  trackRinging,
  type IdleState,
  type PresenceDeps,
  type PresenceState,
} from './presence';

const state = (over: Partial<PresenceState> = {}): PresenceState => ({
  ...INITIAL_PRESENCE,
  ...over,
});

describe('the idle state machine', () => {
  it.each<[string, PresenceState, IdleState, Partial<PresenceState>]>([
    ['Available goes Away when idle', state(), 'idle', { choice: 'away', beforeIdle: 'available' }],
    [
      'Available goes Away when locked',
      state(),
      'locked',
      { choice: 'away', beforeIdle: 'available' },
    ],
    [
      'Away by idleness comes back on return',
      state({ choice: 'away', beforeIdle: 'available' }),
      'active',
      { choice: 'available', beforeIdle: null },
    ],
    [
      'idle then locked stays Away, still coming back',
      state({ choice: 'away', beforeIdle: 'available' }),
      'locked',
      { choice: 'away', beforeIdle: 'available' },
    ],
    [
      'Away the agent chose stays Away on return',
      state({ choice: 'away' }),
      'active',
      { choice: 'away', beforeIdle: null },
    ],
    [
      'Away the agent chose is not "restored" by idleness',
      state({ choice: 'away' }),
      'idle',
      { choice: 'away', beforeIdle: null },
    ],
    [
      'Do not disturb stays through idle',
      state({ choice: 'dnd' }),
      'idle',
      { choice: 'dnd', beforeIdle: null },
    ],
    [
      'Do not disturb stays on return',
      state({ choice: 'dnd' }),
      'active',
      { choice: 'dnd', beforeIdle: null },
    ],
    [
      'active while Available changes nothing',
      state(),
      'active',
      { choice: 'available', beforeIdle: null },
    ],
  ])('%s', (_label, before, idle, expected) => {
    expect(onIdleState(before, idle)).toMatchObject(expected);
  });

  it('a choice made while idle-Away stands on return', () => {
    const idle = onIdleState(state(), 'idle');
    const chose = choose(idle, 'dnd');
    expect(onIdleState(chose, 'active')).toMatchObject({ choice: 'dnd', beforeIdle: null });
    expect(onIdleState(choose(idle, 'away'), 'active')).toMatchObject({ choice: 'away' });
  });

  it('the keyboard command cycles Available → Away → Do not disturb → Available', () => {
    expect([nextChoice('available'), nextChoice('away'), nextChoice('dnd')]).toEqual([
      'away',
      'dnd',
      'available',
    ]);
  });
});

const call = (over: Partial<CallSnapshot>): CallSnapshot => ({
  callId: 'c1',
  provider: 'builtin',
  direction: 'inbound',
  target: { kind: 'phone', e164: '+14155552671' },
  phase: 'incoming',
  muted: false,
  startedAt: 1,
  ...over,
});
const agent = { name: 'ava', admin: false };

describe('shown presence', () => {
  it.each<[string, Pick<AppState, 'agent' | 'call'>, string]>([
    ['offline before sign-in', { agent: null, call: null }, 'offline'],
    ['the choice with no call', { agent, call: null }, 'dnd'],
    ['still the choice while a call rings', { agent, call: call({ phase: 'incoming' }) }, 'dnd'],
    ['on a call while one is active', { agent, call: call({ phase: 'active' }) }, 'on-call'],
    [
      'on a call while dialling out',
      { agent, call: call({ direction: 'outbound', phase: 'ringing' }) },
      'on-call',
    ],
    ['the choice again once it ended', { agent, call: call({ phase: 'ended' }) }, 'dnd'],
  ])('%s', (_label, app, expected) => {
    expect(shownPresence(state({ choice: 'dnd' }), app)).toBe(expected);
  });
});

describe('missed calls', () => {
  const label = (c: CallSnapshot) => c.displayName ?? c.callId;
  const ringing = [{ callId: 'c1', label: 'Ava' }];
  it.each<[string, (CallSnapshot | null)[], number]>([
    ['still ringing', [call({})], 0],
    ['answered here', [call({ phase: 'active' })], 0],
    ['answered elsewhere', [call({ phase: 'ended', endReason: 'answered-elsewhere' })], 0],
    ['declined', [call({ phase: 'ended', endReason: 'declined' })], 1],
    ['timed out', [call({ phase: 'ended', endReason: 'no-answer' })], 1],
    ['the caller hung up', [call({ phase: 'ended', endReason: 'remote-hangup' })], 1],
    ['gone from the state while ringing', [null], 1],
  ])('%s', (_label, calls, missed) => {
    expect(trackRinging(ringing, calls, label).missed).toHaveLength(missed);
  });

  it('starts following an inbound call when it rings, never an outbound one', () => {
    expect(trackRinging([], [call({ displayName: 'Ava' })], label).ringing).toEqual([
      { callId: 'c1', label: 'Ava' },
    ]);
    expect(
      trackRinging([], [call({ direction: 'outbound', phase: 'ringing' })], label).ringing,
    ).toEqual([]);
  });
});

describe('PresenceTracker', () => {
  const auth: SignedIn = {
    token: 't'.repeat(30),
    expiresAt: Date.now() + 3600_000,
    agent,
    backendUrl: 'http://localhost:8787',
  };
  let signedIn: SignedIn | null;
  let send: Mock<PresenceDeps['send']>;
  let changed: Mock<PresenceDeps['changed']>;
  let notifyMissed: Mock<PresenceDeps['notifyMissed']>;
  let tracker: PresenceTracker;
  const app = (over: Partial<AppState>): AppState => ({
    agent,
    backendUrl: auth.backendUrl,
    provider: { provider: 'builtin', state: 'ready' },
    call: null,
    waiting: null,
    lastError: null,
    ...over,
  });

  beforeEach(() => {
    fakeBrowser.reset();
    signedIn = auth;
    send = vi.fn<PresenceDeps['send']>(async () => undefined);
    changed = vi.fn<PresenceDeps['changed']>();
    notifyMissed = vi.fn<PresenceDeps['notifyMissed']>();
    tracker = new PresenceTracker({
      auth: async () => signedIn,
      idleAwaySec: async () => 300,
      changed,
      send,
      notifyMissed,
    });
  });

  it('sends each change to the backend at once, and the heartbeat repeats the choice', async () => {
    const { setPresence } = tracker.handlers();
    await setPresence({ presence: 'dnd' }, { id: fakeBrowser.runtime.id });
    expect(send).toHaveBeenLastCalledWith(auth, 'dnd');
    await tracker.onIdle('idle'); // DND stays: nothing to send
    expect(send).toHaveBeenCalledTimes(1);
    await setPresence({ presence: 'next' }, { id: fakeBrowser.runtime.id });
    expect(send).toHaveBeenLastCalledWith(auth, 'available');
    await tracker.onIdle('locked');
    expect(send).toHaveBeenLastCalledWith(auth, 'away');
    await tracker.onIdle('active');
    expect(send).toHaveBeenLastCalledWith(auth, 'available');
    await tracker.heartbeat();
    expect(send).toHaveBeenCalledTimes(5);
    expect(send).toHaveBeenLastCalledWith(auth, 'available');
    expect(changed).toHaveBeenCalled();
  });

  it('keeps its state in storage (the worker sleeps) and shows it in the AppState', async () => {
    await tracker.onIdle('idle');
    const again = new PresenceTracker({
      auth: async () => signedIn,
      idleAwaySec: async () => 300,
      changed,
      send,
      notifyMissed,
    });
    expect(await again.view({ agent, call: null })).toEqual({
      presence: { choice: 'away', shown: 'away', auto: true },
      unseenMissed: 0,
    });
  });

  it('beats over HTTP only when no connection to the backend carries the heartbeat', async () => {
    let overConnection = true;
    const beating = new PresenceTracker({
      auth: async () => signedIn,
      idleAwaySec: async () => 300,
      changed,
      send,
      notifyMissed,
      connectionIsHeartbeat: async () => overConnection,
    });
    await beating.beat();
    expect(send).not.toHaveBeenCalled();
    // A change is still sent at once.
    await beating.handlers().setPresence({ presence: 'away' }, { id: fakeBrowser.runtime.id });
    expect(send).toHaveBeenLastCalledWith(auth, 'away');
    overConnection = false; // Vonage or CleverTap: no connection to our backend
    await beating.beat();
    expect(send).toHaveBeenCalledTimes(2);
    expect(send).toHaveBeenLastCalledWith(auth, 'away');
  });

  it('sends nothing when signed out (the backend counts the agent offline)', async () => {
    signedIn = null;
    await tracker.onIdle('idle');
    await tracker.heartbeat();
    expect(send).not.toHaveBeenCalled();
  });

  it('counts a call that rang unanswered, notifies once, and clears when seen', async () => {
    const label = (c: CallSnapshot) => c.displayName ?? '?';
    await tracker.observe(app({ call: call({ displayName: 'Ava' }) }), label);
    await tracker.observe(app({ call: call({ phase: 'ended', endReason: 'no-answer' }) }), label);
    await tracker.observe(app({ call: null }), label);
    expect(notifyMissed).toHaveBeenCalledTimes(1);
    expect(notifyMissed).toHaveBeenCalledWith({ callId: 'c1', label: 'Ava' });
    expect((await tracker.view({ agent, call: null })).unseenMissed).toBe(1);
    // An answered one is not missed.
    await tracker.observe(app({ call: call({ callId: 'c2' }) }), label);
    await tracker.observe(app({ call: call({ callId: 'c2', phase: 'active' }) }), label);
    await tracker.observe(app({ call: null }), label);
    expect((await tracker.view({ agent, call: null })).unseenMissed).toBe(1);
    await tracker.handlers().seenMissed({}, { id: fakeBrowser.runtime.id });
    expect((await tracker.view({ agent, call: null })).unseenMissed).toBe(0);
  });
});
