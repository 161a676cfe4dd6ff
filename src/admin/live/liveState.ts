// Folding live call updates into the snapshot the Live page shows (pure, so it is unit-tested).
import { withPresence, type LiveSnapshot } from '../../contract/admin';
import type { CallRecord } from '../../contract/call';
import type { AgentPresence } from '../../contract/presence';

const ACTIVE = new Set(['started', 'ringing', 'answered']);

function isQueued(call: CallRecord): boolean {
  return call.direction === 'inbound' && call.status !== 'answered';
}

/** The snapshot after one call update: the call moves between queue and calls, or leaves both. */
export function applyCallUpdate(state: LiveSnapshot, call: CallRecord): LiveSnapshot {
  if (call.parentUuid) return state;
  const others = (list: CallRecord[]) => list.filter((c) => c.uuid !== call.uuid);
  const calls = others(state.calls);
  const queue = others(state.queue);
  if (ACTIVE.has(call.status)) (isQueued(call) ? queue : calls).push(call);
  const talking = new Set(calls.filter((c) => c.status === 'answered').map((c) => c.agent));
  return {
    ...state,
    calls,
    queue,
    agents: state.agents.map((a) => ({ ...a, onCall: talking.has(a.name) })),
  };
}

/** `m:ss` (or `h:mm:ss`) since `from`. */
export function elapsed(from: number, now: number): string {
  const total = Math.max(0, Math.floor((now - from) / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** The snapshot with every agent's presence as the stream last sent it (agents it omits keep theirs). */
export function applyPresence(state: LiveSnapshot, presence: AgentPresence[]): LiveSnapshot {
  return { ...state, agents: withPresence(state.agents, presence) };
}
