// Live: agents (signed in, on a call, their presence), calls in progress with their duration
// ticking, and the ringing inbound queue. A snapshot, then every change over SSE; after a drop the
// EventSource reconnects by itself (Last-Event-ID) and the page re-reads the snapshot.
import { useEffect, useState } from 'preact/hooks';
import type { LiveSnapshot } from '../../contract/admin';
import type { CallRecord } from '../../contract/call';
import type { AgentPresence } from '../../contract/presence';
import { api } from '../api';
import { t } from '../i18n';
import { ErrorLine } from '../Message';
import { applyCallUpdate, applyPresence, elapsed } from './liveState';

const REFRESH_MS = 20_000;

function useLive(): { state: LiveSnapshot | null; connected: boolean; error: unknown } {
  const [state, setState] = useState<LiveSnapshot | null>(null);
  const [connected, setConnected] = useState(false);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    let source: EventSource | undefined;
    let stopped = false;
    const load = async () => {
      try {
        const { data } = await api<LiveSnapshot>('/live');
        if (!stopped) setState(data);
        setError(null);
        return data;
      } catch (e) {
        setError(e);
        return null;
      }
    };
    void load().then((snap) => {
      if (!snap || stopped) return;
      source = new EventSource(`/api/admin/live/events?after=${snap.cursor}`);
      source.addEventListener('open', () => {
        setConnected(true);
        void load(); // after a reconnect: who signed in or out meanwhile
      });
      source.addEventListener('error', () => {
        setConnected(false);
        // Closed for good (401: session over): the next API call shows the sign-in form.
        if (source?.readyState === EventSource.CLOSED) void load();
      });
      source.addEventListener('expired', () => {
        source?.close();
        void load();
      });
      source.addEventListener('presence', (event) => {
        const { agents } = JSON.parse((event as MessageEvent<string>).data) as {
          agents: AgentPresence[];
        };
        setState((s) => (s ? applyPresence(s, agents) : s));
      });
      source.addEventListener('call', (event) => {
        const call = JSON.parse((event as MessageEvent<string>).data) as CallRecord;
        setState((s) => (s ? applyCallUpdate(s, call) : s));
      });
    });
    const timer = setInterval(() => void load(), REFRESH_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
      source?.close();
    };
  }, []);
  return { state, connected, error };
}

function useNow(): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

function party(address: string | null): string {
  return (address ?? '').replace(/^(tel|agent|contact):/, '');
}

function CallTable({ calls, now, id }: { calls: CallRecord[]; now: number; id: string }) {
  if (calls.length === 0) return <p class="muted">{t('adminLiveNone')}</p>;
  return (
    <table class="list" data-list={id}>
      <thead>
        <tr>
          <th>{t('adminColAgent')}</th>
          <th>{t('adminColDirection')}</th>
          <th>{t('adminColFrom')}</th>
          <th>{t('adminColTo')}</th>
          <th>{t('adminColStatus')}</th>
          <th>{t('adminColDuration')}</th>
        </tr>
      </thead>
      <tbody>
        {calls.map((c) => (
          <tr key={c.uuid} data-call={c.uuid}>
            <td>{c.agent ?? '—'}</td>
            <td>{t(c.direction === 'inbound' ? 'adminInbound' : 'adminOutbound')}</td>
            <td>{party(c.from)}</td>
            <td>{party(c.to)}</td>
            <td>{t(`adminStatus_${c.status}`)}</td>
            <td class="mono">{elapsed(c.answeredAt ?? c.startedAt ?? c.createdAt, now)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function LivePage() {
  const { state, connected, error } = useLive();
  const now = useNow();
  return (
    <section class="page" aria-labelledby="live-title">
      <h1 id="live-title">{t('adminTabLive')}</h1>
      <p
        class={connected ? 'muted' : 'error'}
        role="status"
        data-live-state={connected ? 'on' : 'off'}
      >
        {connected ? t('adminLiveConnected') : t('adminLiveReconnecting')}
      </p>
      <ErrorLine error={error} />
      {state && (
        <>
          <h2>{t('adminLiveCalls')}</h2>
          <CallTable calls={state.calls} now={now} id="calls" />
          <h2>{t('adminLiveQueue')}</h2>
          <CallTable calls={state.queue} now={now} id="queue" />
          <h2>{t('adminLiveAgents')}</h2>
          <table class="list" data-list="agents">
            <thead>
              <tr>
                <th>{t('adminColAgent')}</th>
                <th>{t('adminColState')}</th>
              </tr>
            </thead>
            <tbody>
              {state.agents.map((a) => (
                <tr key={a.name} data-agent={a.name}>
                  <td>{a.name}</td>
                  <td>
                    {a.onCall
                      ? t('adminOnCall')
                      : !a.signedIn
                        ? t('adminSignedOut')
                        : a.presence
                          ? t(`presence_${a.presence.replace('-', '_')}`)
                          : t('adminSignedIn')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
