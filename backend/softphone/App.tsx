// The softphone: registers under a phone number or contact id, rings, answers, declines, hangs up,
// and calls agents — real WebRTC audio through the built-in provider the extension uses.
import { useEffect, useRef, useState } from 'preact/hooks';
import { BuiltinProvider } from '../../src/call/providers/builtin/BuiltinProvider';
import { CallFailure, type CallStats, type ProviderEvent } from '../../src/call/provider';
import { addressSchema, type Address } from '../../src/call/signalling';
import type { EndReason } from '../../src/call/state';
import type { Target } from '../../src/contract/target';
import { DEFAULT_SETTINGS } from '../../src/settings/schema';
import { formatTarget } from '../../src/ui/format';

type Phase = 'signed-out' | 'connecting' | 'idle' | 'incoming' | 'calling' | 'ringing' | 'active';

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

/** How this line reads: `tel:+14155552671` → `+1 415 555 2671`. */
function describeLine(line: string): string {
  const address = addressSchema.safeParse(line.trim());
  if (!address.success) return line;
  if (address.data.startsWith('tel:'))
    return formatTarget({ kind: 'phone', e164: address.data.slice(4) });
  return address.data.replace(/^contact:/, 'contact ');
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

const PHASE_TEXT: Record<Phase, (peer: string) => string> = {
  'signed-out': () => 'Not connected',
  connecting: () => 'Connecting…',
  idle: () => 'Waiting for calls',
  incoming: (peer) => `Incoming call from ${peer}`,
  calling: (peer) => `Calling ${peer}…`,
  ringing: (peer) => `Calling ${peer}: ringing…`,
  active: (peer) => `On a call with ${peer}`,
};

export function App() {
  const [accessKey, setAccessKey] = useState(params.get('key') ?? '');
  const [line, setLine] = useState(params.get('line') ?? 'tel:+14155552671');
  const [phase, setPhase] = useState<Phase>('signed-out');
  const [callId, setCallId] = useState<string | null>(null);
  const [peer, setPeer] = useState<string>('');
  const [message, setMessage] = useState<string>('');
  const [endReason, setEndReason] = useState<EndReason | null>(null);
  const [digits, setDigits] = useState('');
  const [stats, setStats] = useState<CallStats | null>(null);
  const [agent, setAgent] = useState('');
  const lineRef = useRef<Line | null>(null);
  const callIdRef = useRef<string | null>(null);
  const phaseRef = useRef<Phase>('signed-out');
  phaseRef.current = phase;
  callIdRef.current = callId;

  const onEvent = (event: ProviderEvent) => {
    switch (event.type) {
      case 'incoming':
        if (phaseRef.current !== 'idle') {
          void lineRef.current?.provider.decline(event.callId);
          return;
        }
        setCallId(event.callId);
        setPeer(describe(event.from));
        setDigits('');
        setPhase('incoming');
        setMessage('');
        setEndReason(null);
        return;
      case 'ringing':
        setPhase('ringing');
        return;
      case 'answered':
        setPhase('active');
        return;
      case 'ended':
        if (event.callId !== callIdRef.current) return;
        setPhase('idle');
        setCallId(null);
        setStats(null);
        setMessage(`Call ended. ${ENDED[event.reason]}`);
        setEndReason(event.reason);
        return;
      case 'dtmf':
        setDigits((d) => d + event.digits);
        return;
      case 'status':
        if (event.status.state === 'error') {
          setMessage(
            `Not connected: ${event.status.error?.detail ?? event.status.error?.code ?? ''}`,
          );
        }
        return;
    }
  };

  useEffect(() => {
    if (params.get('key') && params.get('line')) void signIn();
    // Auto sign-in once from the link the demo prints.
  }, []);

  useEffect(() => {
    if (phase !== 'active' || !callId) return;
    const id = setInterval(async () => {
      setStats((await lineRef.current?.provider.getStats(callId)) ?? null);
    }, 500);
    return () => clearInterval(id);
  }, [phase, callId]);

  async function signIn(event?: Event) {
    event?.preventDefault();
    const address = addressSchema.safeParse(line.trim());
    if (!address.success || address.data.startsWith('agent:')) {
      setMessage('The number must look like tel:+14155552671 (or contact:<id>).');
      return;
    }
    setPhase('connecting');
    setMessage('');
    try {
      const response = await fetch('/api/session', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ accessKey: accessKey.trim() }),
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
        emit: onEvent,
        getMicrophone: () => navigator.mediaDevices.getUserMedia({ audio: true }),
      });
      provider.register(address.data);
      lineRef.current = { provider };
      setPhase('idle');
    } catch (error) {
      setPhase('signed-out');
      setMessage(`Sign-in failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  async function act(fn: (p: BuiltinProvider, id: string) => Promise<void>) {
    const provider = lineRef.current?.provider;
    if (!provider || !callId) return;
    try {
      await fn(provider, callId);
    } catch (error) {
      setMessage(CallFailure.from(error).message);
    }
  }

  async function callAgent() {
    const provider = lineRef.current?.provider;
    if (!provider) return;
    const name = agent.trim();
    const address = addressSchema.safeParse(`agent:${name || '*'}`);
    if (!address.success || name === '*') {
      setMessage('An agent name is letters, digits, ".", "_" or "-"; leave it empty for anyone.');
      return;
    }
    const id = crypto.randomUUID();
    setCallId(id);
    setPeer(name ? `${name} (agent)` : 'the sales team');
    setDigits('');
    setPhase('calling');
    setMessage('');
    setEndReason(null);
    try {
      await provider.callAddress(id, address.data as Address);
    } catch (error) {
      setPhase('idle');
      setCallId(null);
      setMessage(CallFailure.from(error).message);
    }
  }

  return (
    <main data-testid="softphone" data-phase={phase}>
      <h1>
        Customer phone
        {phase !== 'signed-out' && phase !== 'connecting' && (
          <>
            {' '}
            <span data-testid="line">{describeLine(line)}</span>
          </>
        )}
      </h1>
      <p class="muted">
        The demo's customer: a phone in this browser tab. The agent's extension calls it, and it can
        call the sales team.
      </p>
      {phase === 'signed-out' || phase === 'connecting' ? (
        <form onSubmit={signIn}>
          <label>
            Access key
            <input
              name="accessKey"
              type="password"
              value={accessKey}
              onInput={(e) => setAccessKey(e.currentTarget.value)}
              required
            />
          </label>
          <label>
            This phone's number (tel:+… or contact:&lt;id&gt;)
            <input
              name="line"
              value={line}
              onInput={(e) => setLine(e.currentTarget.value)}
              required
            />
          </label>
          <button type="submit" disabled={phase === 'connecting'}>
            {phase === 'connecting' ? 'Connecting…' : 'Connect this phone'}
          </button>
        </form>
      ) : (
        <section>
          <p>
            <strong data-testid="phase">{PHASE_TEXT[phase](peer)}</strong>
          </p>
          {phase === 'incoming' && (
            <div class="row">
              <button class="answer" onClick={() => act((p, id) => p.answer(id))}>
                Answer
              </button>
              <button class="hangup" onClick={() => act((p, id) => p.decline(id))}>
                Decline
              </button>
            </div>
          )}
          {(phase === 'active' || phase === 'calling' || phase === 'ringing') && (
            <button class="hangup" onClick={() => act((p, id) => p.hangup(id))}>
              Hang up
            </button>
          )}
          {phase === 'idle' && (
            <div class="row">
              <label>
                Agent (optional)
                <input
                  name="agent"
                  value={agent}
                  placeholder="anyone available"
                  onInput={(e) => setAgent(e.currentTarget.value)}
                  size={16}
                />
              </label>
              <button class="answer" onClick={callAgent}>
                {agent.trim() ? `Call ${agent.trim()}` : 'Call the sales team'}
              </button>
            </div>
          )}
          {digits && (
            <p>
              Keys received: <span data-testid="dtmf">{digits}</span>
            </p>
          )}
          {stats && (
            <p
              data-testid="stats"
              data-connection={stats.connectionState}
              data-bytes-received={stats.bytesReceived}
              data-bytes-sent={stats.bytesSent}
              class="muted"
            >
              Audio {stats.connectionState} · received {kilobytes(stats.bytesReceived)} · sent{' '}
              {kilobytes(stats.bytesSent)}
            </p>
          )}
        </section>
      )}
      {message && (
        <p role="status" data-testid="message" data-reason={endReason ?? undefined}>
          {message}
        </p>
      )}
    </main>
  );
}

function kilobytes(bytes: number): string {
  return `${Math.round(bytes / 1024)} KB`;
}
