// The softphone's state and actions: signing the line in, the provider's events, and the call buttons.
import type { RefObject } from 'preact';
import { useEffect, useRef, useState, type Dispatch, type StateUpdater } from 'preact/hooks';
import { BuiltinProvider } from '../../src/call/providers/builtin/BuiltinProvider';
import { CallFailure, type CallStats, type ProviderEvent } from '../../src/call/provider';
import { addressSchema, type Address } from '../../src/call/signalling';
import type { EndReason } from '../../src/call/state';
import type { Target } from '../../src/contract/target';
import { DEFAULT_SETTINGS } from '../../src/settings/schema';
import { formatTarget } from '../../src/ui/format';

export type Phase =
  'signed-out' | 'connecting' | 'idle' | 'incoming' | 'calling' | 'ringing' | 'active';

interface Line {
  provider: BuiltinProvider;
}

const params = new URLSearchParams(location.hash.slice(1));

/** Who is on the other end, for a person: an agent by name, a number as it is written. */
function describe(target: Target): string {
  // Agents arrive as contacts labelled with their name (see addressToTarget).
  if (target.kind === 'contact' && target.label) return `${target.label} (agent)`;
  if (target.kind === 'contact') return `contact ${target.id}`;
  return formatTarget(target);
}

/** Why a call ended, from this phone's side. */
const ENDED: Record<EndReason, string> = {
  'local-hangup': 'You hung up.',
  'remote-hangup': 'The other side hung up.',
  declined: 'The call was declined.',
  'no-answer': 'Nobody answered.',
  busy: 'Busy: every agent is on a call. Try again in a moment.',
  unavailable: 'Nobody is available to take the call right now.',
  cancelled: 'The caller hung up before it was answered.',
  'host-closed': 'The call window was closed.',
  'answered-elsewhere': 'Answered on another phone.',
  'media-timeout': 'The audio connection was lost.',
  'refused-by-policy': 'Refused by the calling policy.',
  failed: 'The call failed.',
};

/** The call's fields the page shows, one useState each. */
function useCallState() {
  const [phase, setPhase] = useState<Phase>('signed-out');
  const [callId, setCallId] = useState<string | null>(null);
  const [peer, setPeer] = useState<string>('');
  const [message, setMessage] = useState<string>('');
  const [endReason, setEndReason] = useState<EndReason | null>(null);
  const [digits, setDigits] = useState('');
  const [stats, setStats] = useState<CallStats | null>(null);
  return {
    phase,
    setPhase,
    callId,
    setCallId,
    peer,
    setPeer,
    message,
    setMessage,
    endReason,
    setEndReason,
    digits,
    setDigits,
    stats,
    setStats,
  };
}

type CallState = ReturnType<typeof useCallState>;

/** What the provider's event handler reads: it outlives the render that made it, so refs only. */
interface LiveRefs {
  line: RefObject<Line | null>;
  callId: RefObject<string | null>;
  phase: RefObject<Phase>;
}

/** Applies one provider event to the call state (declining a second incoming call). */
function handleEvent(event: ProviderEvent, s: CallState, live: LiveRefs): void {
  switch (event.type) {
    case 'incoming':
      if (live.phase.current !== 'idle') {
        void live.line.current?.provider.decline(event.callId);
        return;
      }
      s.setCallId(event.callId);
      s.setPeer(describe(event.from));
      s.setDigits('');
      s.setPhase('incoming');
      s.setMessage('');
      s.setEndReason(null);
      return;
    case 'ringing':
      s.setPhase('ringing');
      return;
    case 'answered':
      s.setPhase('active');
      return;
    case 'ended':
      if (event.callId !== live.callId.current) return;
      s.setPhase('idle');
      s.setCallId(null);
      s.setStats(null);
      s.setMessage(`Call ended. ${ENDED[event.reason]}`);
      s.setEndReason(event.reason);
      return;
    case 'dtmf':
      s.setDigits((d) => d + event.digits);
      return;
    case 'status':
      if (event.status.state === 'error') {
        s.setMessage(
          `Not connected: ${event.status.error?.detail ?? event.status.error?.code ?? ''}`,
        );
      }
      return;
  }
}

/** Exchanges the access key for a token and connects the built-in provider, registered as `address`. */
async function openLine(
  accessKey: string,
  address: Address,
  emit: (event: ProviderEvent) => void,
): Promise<Line> {
  const response = await fetch('/api/session', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ accessKey }),
  });
  if (!response.ok)
    throw new Error(
      response.status === 401 ? 'the access key was not accepted' : `HTTP ${response.status}`,
    );
  const { token } = (await response.json()) as { token: string };
  const provider = new BuiltinProvider();
  await provider.connect({
    backendUrl: location.origin,
    token,
    settings: DEFAULT_SETTINGS,
    emit,
    getMicrophone: () => navigator.mediaDevices.getUserMedia({ audio: true }),
  });
  provider.register(address);
  return { provider };
}

/** Polls the audio stats twice a second while a call is active. */
function useStatsPolling(
  phase: Phase,
  callId: string | null,
  line: RefObject<Line | null>,
  setStats: Dispatch<StateUpdater<CallStats | null>>,
): void {
  useEffect(() => {
    if (phase !== 'active' || !callId) return;
    const id = setInterval(async () => {
      setStats((await line.current?.provider.getStats(callId)) ?? null);
    }, 500);
    return () => clearInterval(id);
  }, [phase, callId]);
}

/** Calls an agent by name (or anyone, for an empty name) from the signed-in line. */
async function startAgentCall(provider: BuiltinProvider, agent: string, s: CallState) {
  const name = agent.trim();
  const address = addressSchema.safeParse(`agent:${name || '*'}`);
  if (!address.success || name === '*') {
    s.setMessage('An agent name is letters, digits, ".", "_" or "-"; leave it empty for anyone.');
    return;
  }
  const id = crypto.randomUUID();
  s.setCallId(id);
  s.setPeer(name ? `${name} (agent)` : 'the sales team');
  s.setDigits('');
  s.setPhase('calling');
  s.setMessage('');
  s.setEndReason(null);
  try {
    await provider.callAddress(id, address.data as Address);
  } catch (error) {
    s.setPhase('idle');
    s.setCallId(null);
    s.setMessage(CallFailure.from(error).message);
  }
}

/** The softphone page's state and the actions its form and buttons take. */
export function useSoftphone() {
  const [accessKey, setAccessKey] = useState(params.get('key') ?? '');
  const [line, setLine] = useState(params.get('line') ?? 'tel:+14155552671');
  const s = useCallState();
  const [agent, setAgent] = useState('');
  const lineRef = useRef<Line | null>(null);
  const callIdRef = useRef<string | null>(null);
  const phaseRef = useRef<Phase>('signed-out');
  phaseRef.current = s.phase;
  callIdRef.current = s.callId;

  const onEvent = (event: ProviderEvent) =>
    handleEvent(event, s, { line: lineRef, callId: callIdRef, phase: phaseRef });

  useEffect(() => {
    if (params.get('key') && params.get('line')) void signIn();
    // Auto sign-in once from the link the demo prints.
  }, []);

  useStatsPolling(s.phase, s.callId, lineRef, s.setStats);

  async function signIn(event?: Event) {
    event?.preventDefault();
    const address = addressSchema.safeParse(line.trim());
    if (!address.success || address.data.startsWith('agent:')) {
      s.setMessage('The number must look like tel:+14155552671 (or contact:<id>).');
      return;
    }
    s.setPhase('connecting');
    s.setMessage('');
    try {
      lineRef.current = await openLine(accessKey.trim(), address.data, onEvent);
      s.setPhase('idle');
    } catch (error) {
      s.setPhase('signed-out');
      s.setMessage(`Sign-in failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  async function act(fn: (p: BuiltinProvider, id: string) => Promise<void>) {
    const provider = lineRef.current?.provider;
    if (!provider || !s.callId) return;
    try {
      await fn(provider, s.callId);
    } catch (error) {
      s.setMessage(CallFailure.from(error).message);
    }
  }

  async function callAgent() {
    const provider = lineRef.current?.provider;
    if (!provider) return;
    await startAgentCall(provider, agent, s);
  }

  return { ...s, accessKey, setAccessKey, line, setLine, agent, setAgent, signIn, act, callAgent };
}

export type Softphone = ReturnType<typeof useSoftphone>;
