import { useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { CallFailure } from '../../src/call/provider';
import type { AppState } from '../../src/messaging/protocol';
import { background, useAppState } from '../../src/ui/appState';
import { CallPanel } from '../../src/ui/CallPanel';
import { describeError, t } from '../../src/ui/i18n';

export function App() {
  const state = useAppState();
  if (!state) return <main aria-busy="true">…</main>;
  return (
    <main style={{ width: '320px' }}>
      <header class="row" style={{ justifyContent: 'space-between' }}>
        <h1>{t('extName')}</h1>
        <ProviderBadge state={state} />
      </header>
      {state.agent ? <SignedIn state={state} /> : <SignIn state={state} />}
      <footer class="row">
        <a href={browser.runtime.getURL('/onboarding.html')} target="_blank">
          {t('selfTestLink')}
        </a>
      </footer>
    </main>
  );
}

function ProviderBadge({ state }: { state: AppState }) {
  const { provider } = state;
  const cls = provider.state === 'ready' ? 'ok' : provider.state === 'error' ? 'error' : 'muted';
  return (
    <span class={cls} data-testid="provider-state" data-state={provider.state}>
      {t(`providerState_${provider.state}`)}
    </span>
  );
}

function SignedIn({ state }: { state: AppState }) {
  const [busy, setBusy] = useState(false);
  return (
    <>
      <p class="row">
        <span>{t('signedInAs', state.agent!.name)}</span>
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
      {state.provider.error && (
        <p class="error">{describeError(state.provider.error, state.provider.provider)}</p>
      )}
      {state.call ? (
        <section aria-label={t('callBarLabel')} data-testid="popup-call">
          <CallPanel call={state.call} waiting={state.waiting} />
        </section>
      ) : (
        <p class="muted">{t('noCall')}</p>
      )}
    </>
  );
}

function SignIn({ state }: { state: AppState }) {
  const [backendUrl, setBackendUrl] = useState(state.backendUrl);
  const [accessKey, setAccessKey] = useState('');
  const [error, setError] = useState<string | null>(
    state.lastError ? describeError(state.lastError) : null,
  );
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await background.send('signIn', {
        backendUrl: backendUrl.trim(),
        accessKey: accessKey.trim(),
      });
    } catch (e) {
      setError(describeError(CallFailure.from(e).toCallError()));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={submit} class="signin" style={{ display: 'grid', gap: '8px' }}>
      <h2>{t('signInTitle')}</h2>
      <label>
        {t('backendUrl')}
        <input
          name="backendUrl"
          type="url"
          required
          value={backendUrl}
          onInput={(e) => setBackendUrl(e.currentTarget.value)}
        />
      </label>
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
