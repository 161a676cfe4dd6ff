// The self-test's microphone check: permission, the input device, and a live level meter.
import { useEffect, useRef, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import type { SelfTestChecks } from '../diagnosticsReport';
import { t } from '../i18n';
import { queryMicrophone, type MicState } from '../microphoneAccess';
import { DeviceSelect } from './DeviceSelect';
import { startLevelMeter } from './levelMeter';
import { useDevices } from './useDevices';

export function MicrophoneTest({
  onResult,
}: {
  onResult(check: SelfTestChecks['microphone']): void;
}) {
  const [permission, setPermission] = useState<MicState | null>(null);
  const [deviceId, setDeviceId] = useState('');
  const [level, setLevel] = useState(0);
  const [active, setActive] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const stop = useRef<(() => void) | null>(null);
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
      const label = stream.getAudioTracks()[0]?.label;
      // Falls back slowly, like a VU meter, so short sounds stay visible.
      const meter = startLevelMeter(stream, (value) =>
        setLevel((previous) => Math.max(value, previous * 0.85)),
      );
      stop.current = () => {
        const peak = meter.stop();
        stop.current = null;
        setActive(false);
        setLevel(0);
        onResult({
          permission: 'granted',
          ...(label ? { device: label } : {}),
          peakLevel: Math.round(peak * 100) / 100,
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
      <DeviceSelect
        id="mic-device"
        label={t('selfTestInputDevice')}
        devices={devices}
        value={deviceId}
        disabled={active}
        onChange={setDeviceId}
      />
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
