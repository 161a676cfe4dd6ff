// The console shell: sign-in with the admin's access key, then the tabs (the URL hash names one).
import { useEffect, useState } from 'preact/hooks';
import { adminSignInSchema, issueKeys, type AdminSessionView } from '../contract/admin';
import { api, setSession } from './api';
import { TextField } from './Field';
import { t } from './i18n';
import { ErrorLine } from './Message';
import { tabs } from './tabs';
import { useAction } from './useAction';

function SignIn({
  onSignedIn,
  timedOut,
}: {
  onSignedIn: (s: AdminSessionView) => void;
  timedOut: boolean;
}) {
  const [accessKey, setAccessKey] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const { run, busy, error } = useAction();
  const submit = async (event: Event) => {
    event.preventDefault();
    const parsed = adminSignInSchema.safeParse({ accessKey });
    if (!parsed.success) return setErrors(issueKeys(parsed.error));
    setErrors({});
    await run(async () => {
      const { data } = await api<AdminSessionView>('/session', {
        method: 'POST',
        body: parsed.data,
      });
      onSignedIn(data);
    });
  };
  return (
    <main class="signin">
      <form class="card" onSubmit={(e) => void submit(e)} noValidate>
        <h1>{t('adminSignInTitle')}</h1>
        {timedOut && <p class="error">{t('adminTimedOut')}</p>}
        <TextField
          id="access-key"
          type="password"
          label={t('adminAccessKey')}
          value={accessKey}
          onInput={setAccessKey}
          error={errors.accessKey}
        />
        <span class="muted hint">{t('adminAccessKeyHint')}</span>
        <button type="submit" disabled={busy}>
          {t('adminSignIn')}
        </button>
        <ErrorLine error={error} />
      </form>
    </main>
  );
}

function useHashTab(): [string, (id: string) => void] {
  const read = () => {
    const id = location.hash.slice(1);
    return tabs.some((tab) => tab.id === id) ? id : tabs[0]!.id;
  };
  const [tab, setTab] = useState(read);
  useEffect(() => {
    const onHash = () => setTab(read());
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);
  return [tab, (id) => (location.hash = id)];
}

export function App() {
  const [session, setState] = useState<AdminSessionView | null | undefined>(undefined);
  const [timedOut, setTimedOut] = useState(false);
  const [tab, setTab] = useHashTab();
  const signedOut = () => {
    setSession(null);
    setState((s) => {
      if (s) setTimedOut(true);
      return null;
    });
  };
  const signedIn = (s: AdminSessionView) => {
    setSession(s, signedOut);
    setTimedOut(false);
    setState(s);
  };
  useEffect(() => {
    api<AdminSessionView>('/session').then(
      ({ data }) => signedIn(data),
      () => setState(null),
    );
  }, []);
  if (session === undefined) return null;
  if (!session) return <SignIn onSignedIn={signedIn} timedOut={timedOut} />;
  const current = tabs.find((x) => x.id === tab) ?? tabs[0]!;
  const signOut = async (everywhere: boolean) => {
    await api(everywhere ? '/session/everywhere' : '/session', {
      method: everywhere ? 'POST' : 'DELETE',
    }).catch(() => {});
    setSession(null);
    setState(null);
  };
  return (
    <div class="shell">
      <header class="row">
        <strong>{t('adminTitle')}</strong>
        <nav role="tablist" aria-label={t('adminTabs')} class="row">
          {tabs.map((x) => (
            <button
              key={x.id}
              type="button"
              role="tab"
              id={`tab-${x.id}`}
              aria-selected={x.id === current.id}
              onClick={() => setTab(x.id)}
            >
              {t(x.labelKey)}
            </button>
          ))}
        </nav>
        <span class="muted spacer">{t('adminSignedInAs', session.agent.name)}</span>
        <button type="button" onClick={() => void signOut(false)}>
          {t('adminSignOut')}
        </button>
        <button type="button" onClick={() => void signOut(true)}>
          {t('adminSignOutEverywhere')}
        </button>
      </header>
      <main>
        <div role="tabpanel" aria-labelledby={`tab-${current.id}`}>
          <current.Page key={current.id} />
        </div>
      </main>
    </div>
  );
}
