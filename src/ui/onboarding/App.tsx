// The set-up page opened on install: microphone and notification permission, then the self-test.
import { useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { t } from '../i18n';
import {
  chromeMicrophonePrompt,
  queryMicrophone,
  requestMicrophone,
  siteSettingsUrl,
  type MicrophonePrompt,
  type MicState,
} from '../microphoneAccess';

export function App({
  reason,
  prompt = chromeMicrophonePrompt,
}: {
  reason: string | null;
  /** The browser's microphone prompt (chooseMicrophonePrompt, at start-up). */
  prompt?: MicrophonePrompt;
}) {
  const [mic, setMic] = useState<MicState | null>(null);
  const [asked, setAsked] = useState(false);
  const [notify, setNotify] = useState<NotificationPermission>(Notification.permission);
  useEffect(() => {
    void queryMicrophone().then(setMic);
  }, []);
  const origin = new URL(browser.runtime.getURL('/')).origin;

  return (
    <main style={{ maxWidth: '640px', margin: '0 auto' }}>
      <h1>{t('onboardingTitle')}</h1>
      {reason && reason.startsWith('mic') && (
        <p class="error" role="alert" data-testid="onboarding-reason">
          {t('onboardingMicNeeded')}
        </p>
      )}
      <section aria-labelledby="mic-heading" style={{ display: 'grid', gap: '8px' }}>
        <h2 id="mic-heading">{t('onboardingMicHeading')}</h2>
        <p>{t('onboardingMicWhy')}</p>
        <p
          data-testid="mic-state"
          data-state={mic ?? ''}
          class={mic === 'granted' ? 'ok' : mic === 'denied' ? 'error' : ''}
        >
          {mic ? t(`micState_${mic}`) : '…'}
        </p>
        {mic !== 'granted' && mic !== 'denied' && prompt.mustRemember && (
          <p data-testid="mic-remember">{t('onboardingMicRemember')}</p>
        )}
        {mic !== 'granted' && mic !== 'denied' && (
          <button
            class="primary"
            onClick={async () => {
              setAsked(true);
              setMic(await requestMicrophone());
            }}
          >
            {t('onboardingAllowMic')}
          </button>
        )}
        {mic === 'prompt' && asked && <p class="muted">{t('onboardingMicDismissed')}</p>}
        {/* Only a grant given here just now may be "Allow this time"; one found on load is kept. */}
        {mic === 'granted' && asked && (
          <p class="muted" data-testid="mic-allow-once">
            {t('onboardingAllowOnce')}
          </p>
        )}
        {mic === 'denied' && (
          <ol data-testid="mic-denied-steps">
            <li>{t('onboardingDeniedStep1')}</li>
            <li>
              <code>{siteSettingsUrl(origin)}</code>
            </li>
            <li>{t('onboardingDeniedStep2')}</li>
            <li>{t('onboardingDeniedStep3')}</li>
          </ol>
        )}
      </section>
      <section aria-labelledby="notify-heading" style={{ display: 'grid', gap: '8px' }}>
        <h2 id="notify-heading">{t('onboardingNotifyHeading')}</h2>
        <p>{t('onboardingNotifyWhy')}</p>
        {notify === 'granted' ? (
          <p class="ok">{t('onboardingNotifyOn')}</p>
        ) : (
          <button onClick={async () => setNotify(await Notification.requestPermission())}>
            {t('onboardingAllowNotify')}
          </button>
        )}
      </section>
      <section>
        <h2>{t('onboardingNextHeading')}</h2>
        <p>{t('onboardingNext')}</p>
      </section>
      <section aria-labelledby="selftest-heading" style={{ display: 'grid', gap: '8px' }}>
        <h2 id="selftest-heading">{t('onboardingSelfTestHeading')}</h2>
        <p>{t('onboardingSelfTestWhy')}</p>
        <p>
          <a href={browser.runtime.getURL('/selftest.html')} data-testid="onboarding-selftest">
            {t('onboardingSelfTestLink')}
          </a>
        </p>
      </section>
    </main>
  );
}
