// The softphone: registers under a phone number or contact id, rings, answers, declines, hangs up,
// and calls agents — real WebRTC audio through the built-in provider the extension uses.
import type { CallStats } from '../../src/call/provider';
import { addressSchema } from '../../src/call/signalling';
import { formatTarget } from '../../src/ui/format';
import { useSoftphone, type Phase, type Softphone } from './useSoftphone';

/** How this line reads: `tel:+14155552671` → `+1 415 555 2671`. */
function describeLine(line: string): string {
  const address = addressSchema.safeParse(line.trim());
  if (!address.success) return line;
  if (address.data.startsWith('tel:'))
    return formatTarget({ kind: 'phone', e164: address.data.slice(4) });
  return address.data.replace(/^contact:/, 'contact ');
}

const PHASE_TEXT: Record<Phase, (peer: string) => string> = {
  'signed-out': () => 'Not connected',
  connecting: () => 'Connecting…',
  idle: () => 'Waiting for calls',
  incoming: (peer) => `Incoming call from ${peer}`,
  calling: (peer) => `Calling ${peer}…`,
  ringing: (peer) => `Calling ${peer}: ringing…`,
  active: (peer) => `On a call with ${peer}`,
};

/** The softphone page: the line's heading, the sign-in form or the call panel, the last message. */
export function App() {
  const phone = useSoftphone();
  const { phase } = phone;
  return (
    <main data-testid="softphone" data-phase={phase}>
      <h1>
        Customer phone
        {phase !== 'signed-out' && phase !== 'connecting' && (
          <>
            {' '}
            <span data-testid="line">{describeLine(phone.line)}</span>
          </>
        )}
      </h1>
      <p class="muted">
        The demo's customer: a phone in this browser tab. The agent's extension calls it, and it can
        call the sales team.
      </p>
      {phase === 'signed-out' || phase === 'connecting' ? (
        <SignInForm phone={phone} />
      ) : (
        <CallPanel phone={phone} />
      )}
      {phone.message && (
        <p role="status" data-testid="message" data-reason={phone.endReason ?? undefined}>
          {phone.message}
        </p>
      )}
    </main>
  );
}

/** The sign-in form: the access key and this phone's number. */
function SignInForm({ phone }: { phone: Softphone }) {
  return (
    <form onSubmit={phone.signIn}>
      <label>
        Access key
        <input
          name="accessKey"
          type="password"
          value={phone.accessKey}
          onInput={(e) => phone.setAccessKey(e.currentTarget.value)}
          required
        />
      </label>
      <label>
        This phone's number (tel:+… or contact:&lt;id&gt;)
        <input
          name="line"
          value={phone.line}
          onInput={(e) => phone.setLine(e.currentTarget.value)}
          required
        />
      </label>
      <button type="submit" disabled={phone.phase === 'connecting'}>
        {phone.phase === 'connecting' ? 'Connecting…' : 'Connect this phone'}
      </button>
    </form>
  );
}

/** The signed-in line: what it is doing, the buttons for it, the keys and audio of the call. */
function CallPanel({ phone }: { phone: Softphone }) {
  const { phase, act, digits, stats } = phone;
  return (
    <section>
      <p>
        <strong data-testid="phase">{PHASE_TEXT[phase](phone.peer)}</strong>
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
      {phase === 'idle' && <AgentDialer phone={phone} />}
      {digits && (
        <p>
          Keys received: <span data-testid="dtmf">{digits}</span>
        </p>
      )}
      {stats && <StatsLine stats={stats} />}
    </section>
  );
}

/** The idle line's call button, with the optional agent to call. */
function AgentDialer({ phone }: { phone: Softphone }) {
  const { agent } = phone;
  return (
    <div class="row">
      <label>
        Agent (optional)
        <input
          name="agent"
          value={agent}
          placeholder="anyone available"
          onInput={(e) => phone.setAgent(e.currentTarget.value)}
          size={16}
        />
      </label>
      <button class="answer" onClick={phone.callAgent}>
        {agent.trim() ? `Call ${agent.trim()}` : 'Call the sales team'}
      </button>
    </div>
  );
}

/** The active call's audio: connection state and bytes each way (the tests read the data-*). */
function StatsLine({ stats }: { stats: CallStats }) {
  return (
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
  );
}

function kilobytes(bytes: number): string {
  return `${Math.round(bytes / 1024)} KB`;
}
