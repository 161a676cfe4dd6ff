// The self-test page: microphone, speakers, the connection, and diagnostics for support.
import { useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { CallFailure } from '../../call/provider';
import { background, type Diagnostics } from '../../messaging/background';
import { useAppState } from '../appState';
import { diagnosticsReport, type SelfTestChecks } from '../diagnosticsReport';
import { describeError, t, uiLanguage } from '../i18n';
import { checkBackend, type BackendCheck } from './checkBackend';
import { ConnectionChecks } from './ConnectionChecks';
import { DiagnosticsCopy } from './DiagnosticsCopy';
import { MicrophoneTest } from './MicrophoneTest';
import { OutputTest } from './OutputTest';

export function App() {
  const state = useAppState();
  const [diagnostics, setDiagnostics] = useState<Diagnostics | null>(null);
  const [diagError, setDiagError] = useState<string | null>(null);
  const [backend, setBackend] = useState<BackendCheck | null>(null);
  const [running, setRunning] = useState(false);
  const [micCheck, setMicCheck] = useState<SelfTestChecks['microphone']>(null);
  const [outputCheck, setOutputCheck] = useState<SelfTestChecks['output']>(null);
  const backendUrl = state?.backendUrl;

  const runChecks = async () => {
    setRunning(true);
    const [diag, reach] = await Promise.all([
      background.send('getDiagnostics', {}).then(
        (d) => {
          setDiagError(null);
          return d;
        },
        (e: unknown) => {
          setDiagError(describeError(CallFailure.from(e).toCallError()));
          return null;
        },
      ),
      backendUrl ? checkBackend(backendUrl) : Promise.resolve(null),
    ]);
    setDiagnostics(diag);
    setBackend(reach);
    setRunning(false);
  };

  useEffect(() => {
    if (backendUrl) void runChecks();
  }, [backendUrl]);

  if (!state) return <main aria-busy="true">…</main>;

  return (
    <main class="selftest">
      <h1>{t('selfTestTitle')}</h1>
      <p class="muted">{t('selfTestIntro')}</p>

      <MicrophoneTest onResult={setMicCheck} />
      <OutputTest onResult={setOutputCheck} />

      <ConnectionChecks
        state={state}
        diagnostics={diagnostics}
        diagError={diagError}
        backend={backend}
        running={running}
        onRunAgain={() => void runChecks()}
      />
      <DiagnosticsCopy
        report={() =>
          diagnosticsReport({
            generatedAt: new Date().toISOString(),
            userAgent: navigator.userAgent,
            language: uiLanguage(),
            state,
            diagnostics,
            checks: { backend, microphone: micCheck, output: outputCheck },
          })
        }
      />
      <p>
        <a href={browser.runtime.getURL('/onboarding.html')}>{t('selfTestOnboardingLink')}</a>
      </p>
    </main>
  );
}
