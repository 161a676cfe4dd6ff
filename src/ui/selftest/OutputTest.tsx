// The self-test's speaker check: play the ringtone on the chosen output and ask whether it was heard.
import { useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import type { SelfTestChecks } from '../diagnosticsReport';
import { t } from '../i18n';
import { DeviceSelect } from './DeviceSelect';
import { useDevices } from './useDevices';

export function OutputTest({ onResult }: { onResult(check: SelfTestChecks['output']): void }) {
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
        <DeviceSelect
          id="out-device"
          label={t('selfTestOutputDevice')}
          devices={devices}
          value={deviceId}
          onChange={setDeviceId}
        />
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
