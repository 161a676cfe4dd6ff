// The softphone: registers under a phone number or contact id, rings, answers, declines, hangs up,
// and calls agents — real WebRTC audio through the built-in provider the extension uses.
import { useEffect, useRef, useState } from 'preact/hooks';
import { BuiltinProvider } from '../../src/call/providers/builtin/BuiltinProvider';
import { CallFailure, type CallStats, type ProviderEvent } from '../../src/call/provider';
import { addressSchema, type Address } from '../../src/call/signalling';
import { DEFAULT_SETTINGS } from '../../src/settings/schema';

type Phase = 'signed-out' | 'connecting' | 'idle' | 'incoming' | 'calling' | 'ringing' | 'active';

interface Line {
  provider: BuiltinProvider;
}

const params = new URLSearchParams(location.hash.slice(1));

export function App() {
  const [accessKey, setAccessKey] = useState(params.get('key') ?? '');
  const [line, setLine] = useState(params.get('line') ?? 'tel:+14155552671');
  const [phase, setPhase] = useState<Phase>('signed-out');
  const [callId, setCallId] = useState<string | null>(null);
  const [peer, setPeer] = useState<string>('');
  const [message, setMessage] = useState<string>('');
  const [digits, setDigits] = useState('');
  const [stats, setStats] = useState<CallStats | null>(null);
  const [agent, setAgent] = useState('*');
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
        setPeer(event.from.kind === 'contact' ? event.from.id : event.from.e164);
        setDigits('');
        setPhase('incoming');
        setMessage('');
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
        setMessage(`Call ended: ${event.reason}`);
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
      setMessage('The line must look like tel:+14155552671 or contact:<id>.');
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
    const id = crypto.randomUUID();
    setCallId(id);
    setPeer(`agent:${agent || '*'}`);
    setDigits('');
    setPhase('calling');
    setMessage('');
    try {
      await provider.callAddress(id, `agent:${agent || '*'}` as Address);
    } catch (error) {
      setPhase('idle');
      setCallId(null);
      setMessage(CallFailure.from(error).message);
    }
  }

  return (
    <main data-testid="softphone" data-phase={phase}>
      <h1>Softphone</h1>
      <p class="muted">A browser phone line for the built-in provider: the demo's “customer”.</p>
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
            Line (phone number or contact id)
            <input
              name="line"
              value={line}
              onInput={(e) => setLine(e.currentTarget.value)}
              required
            />
          </label>
          <button type="submit" disabled={phase === 'connecting'}>
            {phase === 'connecting' ? 'Connecting…' : 'Register line'}
          </button>
        </form>
      ) : (
        <section>
          <p>
            Line <strong data-testid="line">{line}</strong> —{' '}
            <span data-testid="phase">{phase}</span>
            {peer && phase !== 'idle' && (
              <>
                {' '}
                with <strong data-testid="peer">{peer}</strong>
              </>
            )}
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
                Agent
                <input
                  name="agent"
                  value={agent}
                  onInput={(e) => setAgent(e.currentTarget.value)}
                  size={12}
                />
              </label>
              <button class="answer" onClick={callAgent}>
                Call agent
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
              {stats.connectionState} · in {stats.bytesReceived} B · out {stats.bytesSent} B
            </p>
          )}
        </section>
      )}
      {message && (
        <p role="status" data-testid="message">
          {message}
        </p>
      )}
    </main>
  );
}
