// The live call's controls, shared by the in-page call bar and the popup.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { RefObject } from 'preact';
import type { CallSnapshot } from '../call/state';
import { CallFailure } from '../call/provider';
import { background } from '../messaging/background';
import { useNow } from './appState';
import { dtmfDigit } from './dtmf';
import { formatDuration, formatTarget } from './format';
import { describeError, t, uiLanguage } from './i18n';
import { WrapupForm } from './wrapup/WrapupForm';
import { wrapupApplies } from './wrapup/WrapupPanel';

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];

/**
 * The tones sent on this call (shown under the keypad) and the digit keys that send them: inside
 * the panel, or anywhere in the page with `keyboard` (our own popup, where no page script runs).
 */
function useTones(
  call: CallSnapshot,
  keyboard: boolean,
  panel: RefObject<HTMLElement | null>,
  run: (p: Promise<unknown>) => void,
  /** Shows the keypad, so tones sent from the keyboard are seen. */
  show: () => void,
) {
  const [sent, setSent] = useState('');
  useEffect(() => setSent(''), [call.callId]);
  const send = (digit: string) => {
    show();
    setSent((s) => (s + digit).slice(-32));
    run(background.send('sendDtmf', { digits: digit }));
  };
  // Only the agent's own keys: page scripts can dispatch (untrusted) key events into the call bar.
  const onKey = (event: KeyboardEvent) => {
    const digit = call.phase === 'active' && event.isTrusted ? dtmfDigit(event) : null;
    if (!digit) return;
    event.preventDefault();
    send(digit);
  };
  useEffect(() => {
    if (!keyboard || call.phase !== 'active') return;
    const onDocumentKey = (event: KeyboardEvent) => {
      // Keys inside the panel are the panel's own handler's.
      if (!(event.target instanceof Node && panel.current?.contains(event.target))) onKey(event);
    };
    document.addEventListener('keydown', onDocumentKey);
    return () => document.removeEventListener('keydown', onDocumentKey);
  });
  return { sent, send, onKey };
}

export function CallPanel({
  call,
  waiting,
  keyboard = false,
  allows = (event) => event.isTrusted,
}: {
  call: CallSnapshot;
  waiting?: CallSnapshot | null;
  /** Digit keys typed anywhere in the page send tones (the popup); else only inside the panel. */
  keyboard?: boolean;
  /**
   * Whether a click on a call control is the agent's own: in a web page, the call bar's visible-click
   * check (clickGuard); in our own pages, which no page script reaches, a trusted click.
   */
  allows?: (event: Event) => boolean;
}) {
  const live = call.phase !== 'ended';
  const now = useNow(live);
  const [keypad, setKeypad] = useState(false);
  // The wrap-up can be filled during the call (opened on demand) and is open once it has ended.
  const [notes, setNotes] = useState(false);
  useEffect(() => setNotes(false), [call.callId]);
  const [error, setError] = useState<string | null>(null);
  const run = (p: Promise<unknown>) =>
    p.then(
      () => setError(null),
      (e: unknown) => setError(describeError(CallFailure.from(e).toCallError())),
    );
  const panel = useRef<HTMLDivElement>(null);
  const tones = useTones(call, keyboard, panel, run, () => setKeypad(true));
  const elapsed = call.answeredAt
    ? formatDuration((call.endedAt ?? now) - call.answeredAt, uiLanguage())
    : null;
  const phaseText =
    call.phase === 'ended'
      ? t(`ended_${(call.endReason ?? 'failed').replace(/-/g, '_')}`)
      : t(`phase_${call.phase}`);

  return (
    <div
      ref={panel}
      class="c2c-panel"
      data-phase={call.phase}
      data-muted={live && call.muted ? 'true' : undefined}
      role="group"
      aria-label={t(live ? 'callBarLabel' : 'callBarLabelEnded')}
      onKeyDown={tones.onKey}
    >
      <CallParty call={call} run={run} allows={allows} />
      <div class="c2c-status" role="status" aria-live="polite">
        <span class="c2c-phase" data-testid="call-phase">
          {phaseText}
        </span>
        {elapsed && (
          <span class="c2c-timer" data-testid="call-timer">
            {elapsed}
          </span>
        )}
        {/* Inside the live region, so a screen reader hears it when the call is muted. */}
        {live && call.muted && (
          <span class="c2c-muted" data-testid="call-muted">
            <span aria-hidden="true">🔇 </span>
            {t('callMuted')}
          </span>
        )}
      </div>
      {call.remoteDigits && (
        <p class="c2c-number" data-testid="call-remote-digits">
          {t('remoteDigits', call.remoteDigits)}
        </p>
      )}
      {call.error && <p class="c2c-error">{describeError(call.error, call.provider)}</p>}
      {error && <p class="c2c-error">{error}</p>}
      {live && (
        <CallControls
          call={call}
          keypad={keypad}
          toggleKeypad={() => setKeypad(!keypad)}
          run={run}
          allows={allows}
        />
      )}
      {keypad && call.phase === 'active' && (
        <Keypad sent={tones.sent} send={tones.send} allows={allows} />
      )}
      {waiting && <WaitingCall waiting={waiting} run={run} allows={allows} />}
      {call.phase === 'active' && (
        <button
          class="c2c-wrapup-toggle"
          aria-expanded={notes}
          data-testid="wrapup-toggle"
          onClick={(e) => allows(e) && setNotes(!notes)}
        >
          {t('wrapupEdit')}
        </button>
      )}
      {((notes && live && call.phase !== 'incoming') ||
        (call.phase === 'ended' && wrapupApplies(call))) && (
        <WrapupForm callId={call.callId} allows={allows} />
      )}
    </div>
  );
}

/** Who the call is with: name and company (CRM row or directory), the number, Open record. */
function CallParty({
  call,
  run,
  allows,
}: {
  call: CallSnapshot;
  run: (p: Promise<unknown>) => void;
  allows: (event: Event) => boolean;
}) {
  return (
    <div class="c2c-who">
      {call.displayName && <strong class="c2c-name">{call.displayName}</strong>}
      {call.company && (
        <span class="c2c-company" data-testid="call-company">
          {call.company}
        </span>
      )}
      <span class="c2c-number">{formatTarget(call.target)}</span>
      {call.recordUrl && (
        <button
          class="c2c-record"
          aria-label={t('openRecordLabel', call.displayName ?? formatTarget(call.target))}
          onClick={(e) => allows(e) && run(background.send('openRecord', { callId: call.callId }))}
        >
          {t('openRecord')}
        </button>
      )}
    </div>
  );
}

/** The live call's buttons: answer or decline a ringing call; else mute, keypad and hang up. */
function CallControls({
  call,
  keypad,
  toggleKeypad,
  run,
  allows,
}: {
  call: CallSnapshot;
  keypad: boolean;
  toggleKeypad(): void;
  run(action: Promise<unknown>): void;
  allows(event: Event): boolean;
}) {
  return (
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
            onClick={(e) => allows(e) && run(background.send('setMuted', { muted: !call.muted }))}
          >
            {call.muted ? t('unmute') : t('mute')}
          </button>
          <button
            aria-expanded={keypad}
            disabled={call.phase !== 'active'}
            onClick={(e) => allows(e) && toggleKeypad()}
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
  );
}

/** The tone keys and the tones sent so far. */
function Keypad({
  sent,
  send,
  allows,
}: {
  sent: string;
  send(digit: string): void;
  allows(event: Event): boolean;
}) {
  return (
    <>
      <div class="c2c-keypad" role="group" aria-label={t('keypad')}>
        {KEYS.map((key) => (
          <button key={key} onClick={(e) => allows(e) && send(key)}>
            {key}
          </button>
        ))}
      </div>
      {/* One line of fixed size whatever it says (the full text in its title): keys never move. */}
      <output
        class="c2c-dtmf"
        data-testid="dtmf-sent"
        title={sent ? t('dtmfSent', sent) : t('keypadKeyboardHint')}
      >
        {sent ? t('dtmfSent', sent) : t('keypadKeyboardHint')}
      </output>
    </>
  );
}

/** A second call ringing during this one (call waiting): answer it (ending this one) or decline it. */
function WaitingCall({
  waiting,
  run,
  allows,
}: {
  waiting: CallSnapshot;
  run(action: Promise<unknown>): void;
  allows(event: Event): boolean;
}) {
  return (
    <div class="c2c-waiting" role="alert">
      <span>{t('callWaiting', formatTarget(waiting.target))}</span>
      <button class="c2c-answer" onClick={(e) => allows(e) && run(background.send('answer', {}))}>
        {t('answer')}
      </button>
      <button onClick={(e) => allows(e) && run(background.send('decline', {}))}>
        {t('decline')}
      </button>
    </div>
  );
}
