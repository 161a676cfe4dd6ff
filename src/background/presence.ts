// The agent's presence in the extension: what they chose (popup, keyboard command), Away while the
// machine is idle or locked and back on return, the heartbeat to the backend (over HTTP unless the
// built-in provider's signalling connection carries it), and missed calls.
import { browser } from 'wxt/browser';
import type { AppState, PresenceView } from '../messaging/background';
import {
  PRESENCE_CHOICES,
  PRESENCE_HEARTBEAT_MS,
  isPresenceChoice,
  type Presence,
  type PresenceChoice,
} from '../contract/presence';
import type { CallSnapshot } from '../call/state';
import type { Handlers } from '../messaging/types';
import type { BackgroundProtocol } from '../messaging/background';
import { loadSettings, SETTINGS_KEY } from '../settings/storage';
import { sendPresence, type SignedIn } from './backendApi';

export type IdleState = 'active' | 'idle' | 'locked';

/** An inbound call that rang here, kept until it is answered or counted as missed. */
export interface RingingCall {
  callId: string;
  label: string;
}

export interface PresenceState {
  choice: PresenceChoice;
  /** Set when idleness made an Available agent Away: what to go back to on return. */
  beforeIdle: PresenceChoice | null;
  unseenMissed: number;
  ringing: RingingCall[];
}

export const INITIAL_PRESENCE: PresenceState = {
  choice: 'available',
  beforeIdle: null,
  unseenMissed: 0,
  ringing: [],
};

/** The agent's own choice: it stands, idle or not (no going "back" after they chose Away or DND). */
export function choose(state: PresenceState, choice: PresenceChoice): PresenceState {
  return { ...state, choice, beforeIdle: null };
}

/** Idle or locked: an Available agent shows Away. Active again: back to what idleness replaced. */
export function onIdleState(state: PresenceState, idle: IdleState): PresenceState {
  if (idle !== 'active')
    return state.choice === 'available'
      ? { ...state, choice: 'away', beforeIdle: 'available' }
      : state;
  return state.beforeIdle ? { ...state, choice: state.beforeIdle, beforeIdle: null } : state;
}

/** The keyboard command: Available → Away → Do not disturb → Available. */
export function nextChoice(choice: PresenceChoice): PresenceChoice {
  return PRESENCE_CHOICES[(PRESENCE_CHOICES.indexOf(choice) + 1) % PRESENCE_CHOICES.length]!;
}

/** What the agent and the badge see: offline before sign-in, on a call while one is live. */
export function shownPresence(
  state: PresenceState,
  app: Pick<AppState, 'agent' | 'call'>,
): Presence {
  if (!app.agent) return 'offline';
  const phase = app.call?.phase;
  if (phase && phase !== 'ended' && phase !== 'incoming') return 'on-call';
  return state.choice;
}

/**
 * Follows inbound calls from ringing to their end: one that stops ringing without being answered
 * here (declined, timed out, the caller gave up) is missed; one answered on another device is not.
 */
export function trackRinging(
  ringing: RingingCall[],
  calls: (CallSnapshot | null)[],
  label: (call: CallSnapshot) => string,
): { ringing: RingingCall[]; missed: RingingCall[] } {
  const present = calls.filter((c): c is CallSnapshot => c !== null);
  const now = present.filter((c) => c.direction === 'inbound' && c.phase === 'incoming');
  const missed = ringing.filter((r) => {
    if (now.some((c) => c.callId === r.callId)) return false;
    const call = present.find((c) => c.callId === r.callId);
    if (call && call.phase !== 'ended') return false; // answered: active, reconnecting
    return call?.endReason !== 'answered-elsewhere';
  });
  return { ringing: now.map((c) => ({ callId: c.callId, label: label(c) })), missed };
}

const STORAGE_KEY = 'presence';
const HEARTBEAT_ALARM = 'presence-heartbeat';
export const MISSED_NOTIFICATION_PREFIX = 'missed-call:';

function parseState(value: unknown): PresenceState {
  const v = (value ?? {}) as Partial<Record<keyof PresenceState, unknown>>;
  return {
    choice: isPresenceChoice(v.choice) ? v.choice : 'available',
    beforeIdle: isPresenceChoice(v.beforeIdle) ? v.beforeIdle : null,
    unseenMissed:
      typeof v.unseenMissed === 'number' && v.unseenMissed >= 0 ? Math.floor(v.unseenMissed) : 0,
    ringing: Array.isArray(v.ringing)
      ? (v.ringing as RingingCall[]).filter(
          (r) => typeof r?.callId === 'string' && typeof r.label === 'string',
        )
      : [],
  };
}

export interface PresenceDeps {
  auth(): Promise<SignedIn | null>;
  /** Seconds of inactivity before Away (the `idleAwaySec` setting). */
  idleAwaySec(): Promise<number>;
  /** The state changed: publish the AppState again. */
  changed(): void;
  send(auth: SignedIn, choice: PresenceChoice): Promise<void>;
  /**
   * Whether the call host's connection to our backend is the heartbeat (the built-in provider's
   * signalling socket): then the periodic HTTP heartbeat is not sent, only changes are.
   */
  connectionIsHeartbeat?(): Promise<boolean>;
  /** Shows a missed call's notification (it stays until the agent deals with it). */
  notifyMissed(call: RingingCall): void;
}

/** Presence for the service worker: state in storage.local (the worker sleeps), events wired in `listen`. */
export class PresenceTracker {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: PresenceDeps) {}

  async load(): Promise<PresenceState> {
    return parseState((await browser.storage.local.get(STORAGE_KEY))[STORAGE_KEY]);
  }

  /** Changes run one after another: idle events, the popup and calls must not overwrite each other. */
  private update(
    change: (state: PresenceState) => PresenceState,
  ): Promise<{ before: PresenceState; after: PresenceState }> {
    const run = this.queue.then(async () => {
      const before = await this.load();
      const after = change(before);
      await browser.storage.local.set({ [STORAGE_KEY]: after });
      return { before, after };
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async changeChoice(
    change: (state: PresenceState) => PresenceState,
  ): Promise<PresenceState> {
    const { before, after } = await this.update(change);
    if (before.choice !== after.choice) await this.heartbeat(after.choice);
    if (JSON.stringify(before) !== JSON.stringify(after)) this.deps.changed();
    return after;
  }

  /** Tells the backend (now, and as the heartbeat); a failure waits for the next beat. */
  async heartbeat(choice?: PresenceChoice): Promise<void> {
    const auth = await this.deps.auth();
    if (!auth || auth.expiresAt <= Date.now()) return;
    await this.deps.send(auth, choice ?? (await this.load()).choice).catch(() => undefined);
  }

  /** The alarm's beat: over HTTP only where no connection to our backend carries it (Vonage, CleverTap). */
  async beat(): Promise<void> {
    if (await this.deps.connectionIsHeartbeat?.().catch(() => false)) return;
    await this.heartbeat();
  }

  async view(
    app: Pick<AppState, 'agent' | 'call'>,
  ): Promise<{ presence: PresenceView; unseenMissed: number }> {
    const state = await this.load();
    return {
      presence: {
        choice: state.choice,
        shown: shownPresence(state, app),
        auto: state.beforeIdle !== null,
      },
      unseenMissed: state.unseenMissed,
    };
  }

  onIdle(idle: IdleState): Promise<PresenceState> {
    return this.changeChoice((state) => onIdleState(state, idle));
  }

  /** Every published AppState: counts calls that rang here and were not answered. */
  async observe(app: AppState, label: (call: CallSnapshot) => string): Promise<void> {
    let missed: RingingCall[] = [];
    const { before, after } = await this.update((state) => {
      const tracked = trackRinging(state.ringing, [app.call, app.waiting], label);
      missed = tracked.missed;
      return {
        ...state,
        ringing: tracked.ringing,
        unseenMissed: state.unseenMissed + missed.length,
      };
    });
    for (const call of missed) this.deps.notifyMissed(call);
    if (before.unseenMissed !== after.unseenMissed) this.deps.changed();
  }

  handlers(): Pick<Handlers<BackgroundProtocol>, 'setPresence' | 'seenMissed'> {
    return {
      setPresence: async ({ presence }) => {
        const state = await this.changeChoice((s) =>
          choose(s, presence === 'next' ? nextChoice(s.choice) : presence),
        );
        return { choice: state.choice };
      },
      seenMissed: async () => {
        const { before } = await this.update((s) => ({ ...s, unseenMissed: 0 }));
        if (before.unseenMissed !== 0) this.deps.changed();
        await clearMissedNotifications();
        return null;
      },
    };
  }

  /** Registers the idle and heartbeat listeners (synchronously, as MV3 requires). */
  listen(): void {
    browser.idle.onStateChanged.addListener((idle) => void this.onIdle(idle as IdleState));
    browser.alarms.onAlarm.addListener((alarm) => {
      if (alarm.name === HEARTBEAT_ALARM) void this.beat();
    });
    // Created once: creating it on every wake of the worker would restart its period each time.
    void browser.alarms.get(HEARTBEAT_ALARM).then((alarm) => {
      if (!alarm)
        void browser.alarms.create(HEARTBEAT_ALARM, {
          periodInMinutes: PRESENCE_HEARTBEAT_MS / 60_000,
        });
    });
    void this.applyIdleThreshold();
    browser.storage.onChanged.addListener((changes, area) => {
      if ((area === 'local' && SETTINGS_KEY in changes) || area === 'managed')
        void this.applyIdleThreshold();
    });
  }

  /** Sets the browser's idle threshold from the settings (again when they or the policy change). */
  async applyIdleThreshold(): Promise<void> {
    browser.idle.setDetectionInterval(await this.deps.idleAwaySec());
  }
}

async function clearMissedNotifications(): Promise<void> {
  const all = (await browser.notifications.getAll().catch(() => ({}))) as Record<string, unknown>;
  await Promise.all(
    Object.keys(all)
      .filter((id) => id.startsWith(MISSED_NOTIFICATION_PREFIX))
      .map((id) => browser.notifications.clear(id)),
  );
}

/** The tracker as the service worker runs it: settings from storage, presence sent to the backend. */
export function createPresenceTracker(
  deps: Pick<PresenceDeps, 'auth' | 'changed' | 'notifyMissed'>,
): PresenceTracker {
  return new PresenceTracker({
    ...deps,
    idleAwaySec: async () => (await loadSettings()).settings.idleAwaySec,
    send: (auth, choice) => sendPresence(auth, choice),
    connectionIsHeartbeat: async () => (await loadSettings()).settings.provider === 'builtin',
  });
}
