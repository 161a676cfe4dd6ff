// The toolbar popup: sign-in, the live call, the dial pad and recent calls.
import { useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { CallFailure } from '../../call/provider';
import { background, type AppState, type RecentCall } from '../../messaging/background';
import type { Settings } from '../../settings/schema';
import { loadSettings } from '../../settings/storage';
import { useAppState } from '../appState';
import { CallPanel } from '../CallPanel';
import { LockedNote } from '../forms';
import { describeError, t, uiLanguage } from '../i18n';
import { useWrapupAfter, WrapupPanel } from '../wrapup/WrapupPanel';
import { DialPad, useCall } from './DialPad';
import { Presence } from './Presence';
import { RecentCallItem } from './RecentCallItem';

/** Settings the popup needs (default country for the dial pad, a locked server address). */
function usePolicy(): { settings: Settings; locked: (keyof Settings)[] } | null {
  const [loaded, setLoaded] = useState<{ settings: Settings; locked: (keyof Settings)[] } | null>(
    null,
  );
  useEffect(() => {
    void loadSettings().then(setLoaded);
  }, []);
  return loaded;
}

export function App() {
  const state = useAppState();
  const policy = usePolicy();
  if (!state || !policy) return <main aria-busy="true">…</main>;
  const backendLocked = policy.locked.includes('backendUrl');
  return (
    <main class="popup">
      <header class="row" style={{ justifyContent: 'space-between' }}>
        <h1>{t('extName')}</h1>
        <ProviderBadge state={state} />
      </header>
      {!state.agent ? (
        <SignIn state={state} backendLocked={backendLocked} />
      ) : sessionExpired(state) ? (
        // The server no longer accepts the session: sign in again right here, same server.
        <SignIn state={state} backendLocked={backendLocked} expired />
      ) : (
        <SignedIn state={state} settings={policy.settings} />
      )}
      <footer class="row links">
        <a
          href={browser.runtime.getURL('/selftest.html')}
          target="_blank"
          data-testid="selftest-link"
        >
          {t('selfTestLink')}
        </a>
        <a
          href={browser.runtime.getURL('/options.html')}
          target="_blank"
          onClick={(e) => {
            e.preventDefault();
            void browser.runtime.openOptionsPage();
          }}
        >
          {t('popupSettings')}
        </a>
      </footer>
    </main>
  );
}

/** The agent was signed in, but the server has ended the session (expired, key rotated). */
function sessionExpired(state: AppState): boolean {
  return (
    state.provider.error?.code === 'session-expired' || state.lastError?.code === 'session-expired'
  );
}

function ProviderBadge({ state }: { state: AppState }) {
  const { provider } = state;
  // Without a session the calling service is not "offline", the agent is not signed in.
  const signedOut = !state.agent || sessionExpired(state);
  const label = signedOut ? t('popupNotSignedIn') : t(`providerState_${provider.state}`);
  const cls = signedOut
    ? 'muted'
    : provider.state === 'ready'
      ? 'ok'
      : provider.state === 'error'
        ? 'error'
        : 'muted';
  return (
    <span
      class={`badge ${cls}`}
      data-testid="provider-state"
      data-state={signedOut ? 'signed-out' : provider.state}
      role="status"
      aria-label={t('popupProviderStatus', label)}
    >
      <span aria-hidden="true" class="dot" />
      {label}
    </span>
  );
}

/** What the agent should do about the provider's state, beyond its one-word badge. */
function ProviderHelp({ state }: { state: AppState }) {
  const { provider } = state;
  if (provider.error)
    return (
      <p class="error" role="alert" data-testid="provider-error">
        {describeError(provider.error, provider.provider)}
      </p>
    );
  if (provider.state === 'reconnecting') return <p class="muted">{t('popupReconnectingHelp')}</p>;
  if (provider.state === 'idle') return <p class="muted">{t('popupIdleHelp')}</p>;
  return null;
}

function SignedIn({ state, settings }: { state: AppState; settings: Settings }) {
  const [busy, setBusy] = useState(false);
  const [wrapup, closeWrapup] = useWrapupAfter(state.call);
  return (
    <>
      <p class="row agent">
        <span data-testid="agent-name">{t('signedInAs', state.agent!.name)}</span>
        <button
          disabled={busy}
          onClick={() => {
            setBusy(true);
            void background.send('signOut', {}).finally(() => setBusy(false));
          }}
        >
          {t('signOut')}
        </button>
      </p>
      <ProviderHelp state={state} />
      <Presence state={state} />
      {state.call ? (
        <section
          aria-label={t(state.call.phase === 'ended' ? 'callBarLabelEnded' : 'callBarLabel')}
          data-testid="popup-call"
          class="card"
        >
          <CallPanel call={state.call} waiting={state.waiting} keyboard />
        </section>
      ) : wrapup ? (
        <section aria-label={t('wrapupLabel')} data-testid="popup-wrapup" class="card">
          <WrapupPanel call={wrapup} close={closeWrapup} />
        </section>
      ) : (
        <p class="muted">{t('noCall')}</p>
      )}
      <DialPad
        disabled={Boolean(state.call && state.call.phase !== 'ended')}
        defaultCountry={settings.defaultCountry}
      />
      <RecentCalls state={state} />
    </>
  );
}

function RecentCalls({ state }: { state: AppState }) {
  const [items, setItems] = useState<RecentCall[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  /** The row whose wrap-up is open for editing. */
  const [editing, setEditing] = useState<string | null>(null);
  const { error, call } = useCall();
  const live = Boolean(state.call && state.call.phase !== 'ended');
  // Refresh when a call starts or ends, so the list includes it.
  const phaseKey = `${state.call?.callId ?? ''}:${state.call?.phase === 'ended' || !state.call}`;
  useEffect(() => {
    let cancelled = false;
    background.send('recentCalls', { limit: 8 }).then(
      ({ items }) => {
        if (cancelled) return;
        setItems(items);
        setLoadError(null);
      },
      (e: unknown) => !cancelled && setLoadError(describeError(CallFailure.from(e).toCallError())),
    );
    return () => {
      cancelled = true;
    };
  }, [phaseKey]);
  const dates = new Intl.DateTimeFormat(uiLanguage(), { dateStyle: 'short', timeStyle: 'short' });
  return (
    <section aria-labelledby="recent-heading" class="recent">
      <h2 id="recent-heading">{t('popupRecentHeading')}</h2>
      {loadError && <p class="error">{loadError}</p>}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {items && items.length === 0 && <p class="muted">{t('popupRecentEmpty')}</p>}
      {items && items.length > 0 && (
        <ul data-testid="recent-calls">
          {items.map((item) => (
            <RecentCallItem
              key={item.uuid}
              item={item}
              live={live}
              call={call}
              dates={dates}
              editing={editing === item.uuid}
              toggleEditing={() => setEditing(editing === item.uuid ? null : item.uuid)}
              onSaved={(saved) => {
                setItems((list) => list?.map((c) => (c.uuid === saved.uuid ? saved : c)) ?? null);
                setEditing(null);
              }}
            />
          ))}
        </ul>
      )}
    </section>
  );
}

function SignIn({
  state,
  backendLocked,
  expired = false,
}: {
  state: AppState;
  backendLocked: boolean;
  /** Signed in before: say why the form is back (the server address is the one signed in to). */
  expired?: boolean;
}) {
  const [backendUrl, setBackendUrl] = useState(state.backendUrl);
  const [accessKey, setAccessKey] = useState('');
  const [error, setError] = useState<string | null>(
    state.lastError && !expired ? describeError(state.lastError) : null,
  );
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    if (!backendLocked && !/^https?:\/\/[^\s/]+/.test(backendUrl.trim())) {
      setError(t('settingsInvalid_backendUrl'));
      return;
    }
    if (accessKey.trim().length < 8) {
      setError(t('popupAccessKeyShort'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await background.send('signIn', {
        ...(backendLocked ? {} : { backendUrl: backendUrl.trim() }),
        accessKey: accessKey.trim(),
      });
    } catch (e) {
      setError(describeError(CallFailure.from(e).toCallError()));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={submit} class="signin" noValidate style={{ display: 'grid', gap: '8px' }}>
      <h2>{t('signInTitle')}</h2>
      {expired && (
        <p class="error" role="alert" data-testid="session-expired">
          {t('popupSessionExpired', state.agent?.name ?? '')}
        </p>
      )}
      <label>
        {t('backendUrl')}
        <input
          name="backendUrl"
          type="url"
          required
          readOnly={backendLocked}
          aria-describedby={backendLocked ? 'backend-locked' : undefined}
          value={backendUrl}
          onInput={(e) => setBackendUrl(e.currentTarget.value)}
        />
      </label>
      {backendLocked && <LockedNote id="backend-locked" />}
      <label>
        {t('accessKey')}
        <input
          name="accessKey"
          type="password"
          autocomplete="off"
          required
          value={accessKey}
          onInput={(e) => setAccessKey(e.currentTarget.value)}
        />
      </label>
      {error && (
        <p class="error" role="alert" data-testid="signin-error">
          {error}
        </p>
      )}
      <button class="primary" type="submit" disabled={busy}>
        {busy ? t('signingIn') : t('signIn')}
      </button>
    </form>
  );
}
