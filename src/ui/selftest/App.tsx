import { useEffect, useRef, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { backendClient } from '../../call/backendClient';
import { CallFailure } from '../../call/provider';
import { background, type Diagnostics } from '../../messaging/background';
import { useAppState } from '../appState';
import { diagnosticsReport, type SelfTestChecks } from '../diagnosticsReport';
import { Field } from '../forms';
import { describeError, t, uiLanguage } from '../i18n';
import { queryMicrophone, type MicState } from '../microphoneAccess';

type BackendCheck = NonNullable<SelfTestChecks['backend']>;

export function App() {
  const state = useAppState();
  const [diagnostics, setDiagnostics] = useState<Diagnostics | null>(null);
  const [diagError, setDiagError] = useState<string | null>(null);
  const [backend, setBackend] = useState<BackendCheck | null>(null);
  const [running, setRunning] = useState(false);
  const [micCheck, setMicCheck] = useState<SelfTestChecks['microphone']>(null);
  const [outputCheck, setOutputCheck] = useState<SelfTestChecks['output']>(null);
  const [copied, setCopied] = useState<'ok' | 'error' | null>(null);
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
  const numbers = new Intl.NumberFormat(uiLanguage(), { maximumFractionDigits: 0 });
  const provider = diagnostics?.provider ?? state.provider;
  const rtt = diagnostics?.signallingRttMs ?? null;

  const copy = async () => {
    const text = diagnosticsReport({
      generatedAt: new Date().toISOString(),
      userAgent: navigator.userAgent,
      language: uiLanguage(),
      state,
      diagnostics,
      checks: { backend, microphone: micCheck, output: outputCheck },
    });
    try {
      await navigator.clipboard.writeText(text);
      setCopied('ok');
    } catch {
      setCopied('error');
    }
    const preview = document.getElementById('diagnostics-preview');
    if (preview) preview.textContent = text;
  };

  return (
    <main class="selftest">
      <h1>{t('selfTestTitle')}</h1>
      <p class="muted">{t('selfTestIntro')}</p>

      <MicrophoneTest onResult={setMicCheck} />
      <OutputTest onResult={setOutputCheck} />

      <section aria-labelledby="conn-heading">
        <h2 id="conn-heading">{t('selfTestConnection')}</h2>
        <table class="checks">
          <tbody>
            <tr data-testid="check-backend" data-ok={backend ? String(backend.reachable) : ''}>
              <th scope="row">{t('selfTestBackend')}</th>
              <td>
                <code>{state.backendUrl}</code>{' '}
                {!backend ? (
                  <span class="muted">…</span>
                ) : backend.reachable ? (
                  <span class="ok">{t('selfTestReachable', numbers.format(backend.ms ?? 0))}</span>
                ) : (
                  <span class="error">
                    {t('selfTestUnreachable')} {backend.status ? `(HTTP ${backend.status})` : ''}
                  </span>
                )}
              </td>
            </tr>
            <tr data-testid="check-signed-in" data-ok={String(Boolean(state.agent))}>
              <th scope="row">{t('selfTestSignedIn')}</th>
              <td>
                {state.agent ? (
                  <span class="ok">{t('signedInAs', state.agent.name)}</span>
                ) : (
                  <span class="error">{t('error_not_signed_in')}</span>
                )}
              </td>
            </tr>
            <tr data-testid="check-provider" data-state={provider.state}>
              <th scope="row">{t('selfTestProvider')}</th>
              <td>
                <span
                  class={
                    provider.state === 'ready' ? 'ok' : provider.state === 'error' ? 'error' : ''
                  }
                >
                  {t(`providerName_${provider.provider}`)}: {t(`providerState_${provider.state}`)}
                </span>
                {provider.error && (
                  <span class="error"> {describeError(provider.error, provider.provider)}</span>
                )}
              </td>
            </tr>
            <tr data-testid="check-rtt" data-ms={rtt === null ? '' : String(rtt)}>
              <th scope="row">{t('selfTestRtt')}</th>
              <td>
                {rtt === null ? (
                  <span class="muted">{t('selfTestRttUnknown')}</span>
                ) : (
                  t('selfTestMs', numbers.format(rtt))
                )}
              </td>
            </tr>
          </tbody>
        </table>
        {diagError && <p class="error">{diagError}</p>}
        <div class="row">
          <button type="button" disabled={running} onClick={() => void runChecks()}>
            {running ? t('selfTestRunning') : t('selfTestRunAgain')}
          </button>
        </div>
      </section>

      <section aria-labelledby="support-heading">
        <h2 id="support-heading">{t('selfTestSupport')}</h2>
        <p class="muted">{t('selfTestSupportHelp')}</p>
        <div class="row">
          <button type="button" class="primary" onClick={() => void copy()}>
            {t('selfTestCopy')}
          </button>
          <span role="status" class={copied === 'error' ? 'error' : 'ok'} data-testid="copy-status">
            {copied === 'ok'
              ? t('selfTestCopied')
              : copied === 'error'
                ? t('selfTestCopyFailed')
                : ''}
          </span>
        </div>
        <details>
          <summary>{t('selfTestPreview')}</summary>
          <pre id="diagnostics-preview" data-testid="diagnostics-preview" tabIndex={0} />
        </details>
      </section>
      <p>
        <a href={browser.runtime.getURL('/onboarding.html')}>{t('selfTestOnboardingLink')}</a>
      </p>
    </main>
  );
}

async function checkBackend(url: string): Promise<BackendCheck> {
  const started = performance.now();
  try {
    const response = await backendClient(url, { timeoutMs: 5000 }).healthz.$get(undefined, {
      init: { cache: 'no-store', credentials: 'omit' },
    });
    return {
      url,
      reachable: response.ok,
      status: response.status,
      ms: Math.round(performance.now() - started),
    };
  } catch (error) {
    const cause = error instanceof CallFailure ? error.cause : error;
    return { url, reachable: false, error: cause instanceof Error ? cause.name : String(cause) };
  }
}

function useDevices(kind: MediaDeviceKind, refreshKey: unknown): MediaDeviceInfo[] {
  const [devices, setDevices] = useState<MediaDeviceInfo[]>([]);
  useEffect(() => {
    const load = () =>
      void navigator.mediaDevices
        .enumerateDevices()
        .then((all) => setDevices(all.filter((d) => d.kind === kind && d.deviceId)));
    load();
    navigator.mediaDevices.addEventListener('devicechange', load);
    return () => navigator.mediaDevices.removeEventListener('devicechange', load);
  }, [kind, refreshKey]);
  return devices;
}

function MicrophoneTest({ onResult }: { onResult(check: SelfTestChecks['microphone']): void }) {
  const [permission, setPermission] = useState<MicState | null>(null);
  const [deviceId, setDeviceId] = useState('');
  const [level, setLevel] = useState(0);
  const [active, setActive] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const stop = useRef<(() => void) | null>(null);
  const peak = useRef(0);
  const devices = useDevices('audioinput', permission);

  useEffect(() => {
    void queryMicrophone().then(setPermission);
    return () => stop.current?.();
  }, []);

  const start = async () => {
    setError(null);
    try {
      const stream = await navigator.mediaDevices.getUserMedia({
        audio: deviceId ? { deviceId: { exact: deviceId } } : true,
      });
      setPermission('granted');
      const context = new AudioContext();
      const analyser = context.createAnalyser();
      analyser.fftSize = 1024;
      context.createMediaStreamSource(stream).connect(analyser);
      const samples = new Float32Array(analyser.fftSize);
      peak.current = 0;
      const label = stream.getAudioTracks()[0]?.label;
      // A timer rather than animation frames: it keeps measuring when the tab is in the background.
      const timer = setInterval(() => {
        analyser.getFloatTimeDomainData(samples);
        let sum = 0;
        for (const s of samples) sum += s * s;
        // Loudness in dBFS mapped onto -60…0 dB, the range a speaking voice moves in.
        const rms = Math.sqrt(sum / samples.length);
        const value = rms > 0 ? Math.min(1, Math.max(0, (20 * Math.log10(rms) + 60) / 60)) : 0;
        peak.current = Math.max(peak.current, value);
        // Falls back slowly, like a VU meter, so short sounds stay visible.
        setLevel((previous) => Math.max(value, previous * 0.85));
      }, 100);
      stop.current = () => {
        clearInterval(timer);
        stream.getTracks().forEach((track) => track.stop());
        void context.close();
        stop.current = null;
        setActive(false);
        setLevel(0);
        onResult({
          permission: 'granted',
          ...(label ? { device: label } : {}),
          peakLevel: Math.round(peak.current * 100) / 100,
        });
      };
      setActive(true);
      onResult({ permission: 'granted', ...(label ? { device: label } : {}) });
    } catch (e) {
      const state = await queryMicrophone();
      setPermission(state);
      setError(
        e instanceof DOMException && e.name === 'NotFoundError'
          ? t('micState_unavailable')
          : t(`micState_${state}`),
      );
      onResult({ permission: state });
    }
  };

  const percent = Math.round(level * 100);
  return (
    <section aria-labelledby="mic-heading">
      <h2 id="mic-heading">{t('selfTestMicrophone')}</h2>
      <p data-testid="selftest-mic-permission" data-state={permission ?? ''}>
        {permission ? t(`micState_${permission}`) : '…'}{' '}
        {permission === 'denied' && (
          <a href={browser.runtime.getURL('/onboarding.html')}>{t('selfTestFixMicrophone')}</a>
        )}
      </p>
      <Field id="mic-device" label={t('selfTestInputDevice')}>
        {(props) => (
          <select
            {...props}
            value={deviceId}
            disabled={active}
            onChange={(e) => setDeviceId(e.currentTarget.value)}
          >
            <option value="">{t('selfTestDefaultDevice')}</option>
            {devices.map((d, i) => (
              <option key={d.deviceId} value={d.deviceId}>
                {d.label || t('selfTestDeviceN', String(i + 1))}
              </option>
            ))}
          </select>
        )}
      </Field>
      <div
        class="meter"
        role="meter"
        aria-label={t('selfTestLevel')}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        data-testid="mic-level"
        data-level={String(percent)}
      >
        <span style={{ width: `${percent}%` }} />
      </div>
      <div class="row">
        {active ? (
          <button type="button" onClick={() => stop.current?.()}>
            {t('selfTestStopMic')}
          </button>
        ) : (
          <button type="button" onClick={() => void start()}>
            {t('selfTestStartMic')}
          </button>
        )}
        {active && <span class="muted">{t('selfTestSpeak')}</span>}
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}

function OutputTest({ onResult }: { onResult(check: SelfTestChecks['output']): void }) {
  const [deviceId, setDeviceId] = useState('');
  const [playing, setPlaying] = useState(false);
  const [played, setPlayed] = useState(false);
  const [heard, setHeard] = useState<boolean | null>(null);
  const [error, setError] = useState<string | null>(null);
  const devices = useDevices('audiooutput', null);
  const canPick = 'setSinkId' in HTMLMediaElement.prototype;

  const play = async () => {
    setError(null);
    const audio = new Audio(browser.runtime.getURL('/ringtone.wav'));
    try {
      if (deviceId && canPick)
        await (audio as HTMLAudioElement & { setSinkId(id: string): Promise<void> }).setSinkId(
          deviceId,
        );
      setPlaying(true);
      await audio.play();
      setTimeout(() => {
        audio.pause();
        setPlaying(false);
        setPlayed(true);
      }, 2500);
    } catch (e) {
      setPlaying(false);
      setError(`${t('selfTestPlayFailed')} (${e instanceof Error ? e.name : String(e)})`);
    }
  };

  const answer = (value: boolean) => {
    setHeard(value);
    const device = devices.find((d) => d.deviceId === deviceId)?.label;
    onResult({ played: value, ...(device ? { device } : {}) });
  };

  return (
    <section aria-labelledby="out-heading">
      <h2 id="out-heading">{t('selfTestOutput')}</h2>
      {canPick && devices.length > 0 && (
        <Field id="out-device" label={t('selfTestOutputDevice')}>
          {(props) => (
            <select
              {...props}
              value={deviceId}
              onChange={(e) => setDeviceId(e.currentTarget.value)}
            >
              <option value="">{t('selfTestDefaultDevice')}</option>
              {devices.map((d, i) => (
                <option key={d.deviceId} value={d.deviceId}>
                  {d.label || t('selfTestDeviceN', String(i + 1))}
                </option>
              ))}
            </select>
          )}
        </Field>
      )}
      <div class="row">
        <button type="button" disabled={playing} onClick={() => void play()}>
          {playing ? t('selfTestPlaying') : t('selfTestPlay')}
        </button>
      </div>
      {played && (
        <div class="row" role="group" aria-label={t('selfTestHeardQuestion')}>
          <span>{t('selfTestHeardQuestion')}</span>
          <button type="button" aria-pressed={heard === true} onClick={() => answer(true)}>
            {t('yes')}
          </button>
          <button type="button" aria-pressed={heard === false} onClick={() => answer(false)}>
            {t('no')}
          </button>
        </div>
      )}
      {heard === false && <p class="error">{t('selfTestNotHeardHelp')}</p>}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
