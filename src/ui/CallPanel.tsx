// The live call's controls, shared by the in-page call bar and the popup.
import { useState } from 'preact/hooks';
import type { CallSnapshot } from '../call/state';
import { CallFailure } from '../call/provider';
import { background, useNow } from './appState';
import { formatDuration, formatTarget } from './format';
import { describeError, t, uiLanguage } from './i18n';

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];

export function CallPanel({
  call,
  waiting,
  allows = (event) => event.isTrusted,
}: {
  call: CallSnapshot;
  waiting?: CallSnapshot | null;
  /**
   * Whether a click on a call control is the agent's own: in a web page, the call bar's visible-click
   * check (clickGuard); in our own pages, which no page script reaches, a trusted click.
   */
  allows?: (event: Event) => boolean;
}) {
  const live = call.phase !== 'ended';
  const now = useNow(live);
  const [keypad, setKeypad] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = (p: Promise<unknown>) =>
    p.then(
      () => setError(null),
      (e: unknown) => setError(describeError(CallFailure.from(e).toCallError())),
    );
  const elapsed = call.answeredAt
    ? formatDuration((call.endedAt ?? now) - call.answeredAt, uiLanguage())
    : null;
  const phaseText =
    call.phase === 'ended'
      ? t(`ended_${(call.endReason ?? 'failed').replace(/-/g, '_')}`)
      : t(`phase_${call.phase}`);

  return (
    <div class="c2c-panel" data-phase={call.phase} role="group" aria-label={t('callBarLabel')}>
      <div class="c2c-who">
        {call.displayName && <strong class="c2c-name">{call.displayName}</strong>}
        <span class="c2c-number">{formatTarget(call.target)}</span>
      </div>
      <div class="c2c-status" role="status" aria-live="polite">
        <span class="c2c-phase" data-testid="call-phase">
          {phaseText}
        </span>
        {elapsed && (
          <span class="c2c-timer" data-testid="call-timer">
            {elapsed}
          </span>
        )}
      </div>
      {call.error && <p class="c2c-error">{describeError(call.error, call.provider)}</p>}
      {error && <p class="c2c-error">{error}</p>}
      {live && (
        <div class="c2c-actions">
          {call.phase === 'incoming' ? (
            <>
              <button
                class="c2c-answer"
                onClick={(e) => allows(e) && run(background.send('answer', {}))}
              >
                {t('answer')}
              </button>
              <button
                class="c2c-hangup"
                onClick={(e) => allows(e) && run(background.send('decline', {}))}
              >
                {t('decline')}
              </button>
            </>
          ) : (
            <>
              <button
                aria-pressed={call.muted}
                disabled={call.phase !== 'active'}
                onClick={(e) =>
                  allows(e) && run(background.send('setMuted', { muted: !call.muted }))
                }
              >
                {call.muted ? t('unmute') : t('mute')}
              </button>
              <button
                aria-expanded={keypad}
                disabled={call.phase !== 'active'}
                onClick={(e) => allows(e) && setKeypad(!keypad)}
              >
                {t('keypad')}
              </button>
              <button
                class="c2c-hangup"
                onClick={(e) => allows(e) && run(background.send('hangup', {}))}
              >
                {t('hangUp')}
              </button>
            </>
          )}
        </div>
      )}
      {keypad && call.phase === 'active' && (
        <div class="c2c-keypad" role="group" aria-label={t('keypad')}>
          {KEYS.map((key) => (
            <button
              key={key}
              onClick={(e) => allows(e) && run(background.send('sendDtmf', { digits: key }))}
            >
              {key}
            </button>
          ))}
        </div>
      )}
      {waiting && (
        <div class="c2c-waiting" role="alert">
          <span>{t('callWaiting', formatTarget(waiting.target))}</span>
          <button
            class="c2c-answer"
            onClick={(e) => allows(e) && run(background.send('answer', {}))}
          >
            {t('answer')}
          </button>
          <button onClick={(e) => allows(e) && run(background.send('decline', {}))}>
            {t('decline')}
          </button>
        </div>
      )}
    </div>
  );
}
