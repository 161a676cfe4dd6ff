// The toolbar popup: sign-in, the live call, the dial pad and recent calls.
import { useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { CallFailure } from '../../call/provider';
import { parseTargetUri, type Target } from '../../contract/target';
import { background, type AppState, type RecentCall } from '../../messaging/background';
import type { Settings } from '../../settings/schema';
import { loadSettings } from '../../settings/storage';
import { useAppState } from '../appState';
import { CallPanel } from '../CallPanel';
import { resolveDefaultCountry } from '../../detect/defaultCountry';
import { readDialInput, regionName, type DialReading } from '../dialTarget';
import { formatDuration, formatTarget } from '../format';
import { LockedNote } from '../forms';
import { describeError, t, uiLanguage } from '../i18n';

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];

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
  return (
    <main class="popup">
      <header class="row" style={{ justifyContent: 'space-between' }}>
        <h1>{t('extName')}</h1>
        <ProviderBadge state={state} />
      </header>
      {state.agent ? (
        <SignedIn state={state} settings={policy.settings} />
      ) : (
        <SignIn state={state} backendLocked={policy.locked.includes('backendUrl')} />
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

function ProviderBadge({ state }: { state: AppState }) {
  const { provider } = state;
  const cls = provider.state === 'ready' ? 'ok' : provider.state === 'error' ? 'error' : 'muted';
  return (
    <span
      class={`badge ${cls}`}
      data-testid="provider-state"
      data-state={provider.state}
      role="status"
      aria-label={t('popupProviderStatus', t(`providerState_${provider.state}`))}
    >
      <span aria-hidden="true" class="dot" />
      {t(`providerState_${provider.state}`)}
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
      {state.call ? (
        <section aria-label={t('callBarLabel')} data-testid="popup-call" class="card">
          <CallPanel call={state.call} waiting={state.waiting} />
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

function useCall() {
  const [error, setError] = useState<string | null>(null);
  const call = (target: Target) =>
    background
      .send('startCall', { target, clickedAt: performance.timeOrigin + performance.now() })
      .then(
        () => setError(null),
        (e: unknown) => setError(describeError(CallFailure.from(e).toCallError())),
      );
  return { error, setError, call };
}

/** The sentence under the dial input: how the number will be read, or why it cannot be dialled. */
function dialHint(reading: DialReading, region: string): string {
  if (reading.ok) {
    if (reading.target.kind === 'contact') return t('popupDialWillCallContact', reading.target.id);
    return reading.region
      ? t('popupDialWillCall', [reading.display, regionName(reading.region, uiLanguage())])
      : t('popupDialWillCallNumber', reading.display);
  }
  return reading.problem === 'invalidForRegion' && region
    ? t('popupDialReason_invalidIn', regionName(region, uiLanguage()))
    : t(`popupDialReason_${reading.problem}`);
}

function DialPad({ disabled, defaultCountry }: { disabled: boolean; defaultCountry: string }) {
  const [text, setText] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const { error, setError, call } = useCall();
  // The detector's region: the setting, else the browser language's (a national number needs one).
  const region = resolveDefaultCountry(defaultCountry);
  const reading = readDialInput(text, region);
  const refused = reading && !reading.ok;
  const submit = (event: Event) => {
    event.preventDefault();
    if (!reading || !reading.ok) {
      setSubmitted(true);
      return;
    }
    void call(reading.target).then(() => setText(''));
  };
  // While typing the reading is a quiet hint; a refused Call turns it into an alert.
  const said = reading ? dialHint(reading, region) : null;
  const hint = refused && submitted ? null : said;
  const alert = refused && submitted ? said : error;
  return (
    <form class="dialpad" onSubmit={submit} aria-labelledby="dial-heading" data-testid="dialpad">
      <h2 id="dial-heading">{t('popupDialHeading')}</h2>
      <div class="row">
        <label class="sr-only" for="dial-input">
          {t('popupDialLabel')}
        </label>
        <input
          id="dial-input"
          name="dial"
          inputMode="tel"
          autocomplete="off"
          placeholder={t('popupDialPlaceholder')}
          value={text}
          aria-invalid={refused ? 'true' : undefined}
          aria-describedby={alert ? 'dial-error' : hint ? 'dial-hint' : undefined}
          onInput={(e) => {
            setText(e.currentTarget.value);
            setSubmitted(false);
            setError(null);
          }}
        />
        <button class="c2c-answer" type="submit" disabled={disabled || !reading}>
          {t('popupCall')}
        </button>
      </div>
      {hint && (
        <p
          id="dial-hint"
          class={refused ? 'error small' : 'muted small'}
          data-testid="dial-hint"
          data-ok={String(!refused)}
        >
          {hint}
        </p>
      )}
      <div class="c2c-keypad" role="group" aria-label={t('keypad')}>
        {KEYS.map((key) => (
          <button
            type="button"
            key={key}
            onClick={() => {
              setText((v) => v + key);
              setSubmitted(false);
            }}
          >
            {key}
          </button>
        ))}
      </div>
      {alert && (
        <p class="error" id="dial-error" role="alert" data-testid="dial-error">
          {alert}
        </p>
      )}
    </form>
  );
}

function RecentCalls({ state }: { state: AppState }) {
  const [items, setItems] = useState<RecentCall[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
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
          {items.map((item) => {
            const target = item.remote ? parseTargetUri(item.remote) : null;
            const who = target ? formatTarget(target) : (item.remote ?? t('popupUnknownParty'));
            const seconds =
              item.answeredAt && item.endedAt
                ? formatDuration(item.endedAt - item.answeredAt, uiLanguage())
                : null;
            return (
              <li key={item.uuid} class="row" data-testid="recent-call" data-uuid={item.uuid}>
                <span class="recent-who">
                  <span>
                    <span aria-hidden="true">{item.direction === 'inbound' ? '↙' : '↗'} </span>
                    <span class="sr-only">
                      {t(item.direction === 'inbound' ? 'popupInbound' : 'popupOutbound')}{' '}
                    </span>
                    <strong>{who}</strong>
                  </span>
                  <span class="muted small">
                    {dates.format(item.createdAt)}
                    {seconds ? ` · ${seconds}` : ` · ${statusText(item.status)}`}
                  </span>
                </span>
                {target && (
                  <button
                    disabled={live}
                    aria-label={t('popupCallBack', who)}
                    onClick={(e) => e.isTrusted && void call(target)}
                  >
                    {t('popupCallBackShort')}
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

function statusText(status: string): string {
  const key = `callStatus_${status.replace(/[^a-z]/gi, '_')}`;
  const text = t(key);
  return text === key ? status : text;
}

function SignIn({ state, backendLocked }: { state: AppState; backendLocked: boolean }) {
  const [backendUrl, setBackendUrl] = useState(state.backendUrl);
  const [accessKey, setAccessKey] = useState('');
  const [error, setError] = useState<string | null>(
    state.lastError ? describeError(state.lastError) : null,
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
