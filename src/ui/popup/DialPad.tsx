// The popup's dial pad: what the typed number will be read as, the keypad, and placing the call.
import { useState } from 'preact/hooks';
import { CallFailure } from '../../call/provider';
import type { Target } from '../../contract/target';
import { resolveDefaultCountry } from '../../detect/defaultCountry';
import { background } from '../../messaging/background';
import { readDialInput, regionName, type DialReading } from '../dialTarget';
import { formatTarget } from '../format';
import { describeError, t, uiLanguage } from '../i18n';
import { useContactSearch } from './useContactSearch';

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];

export function useCall() {
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

export function DialPad({
  disabled,
  defaultCountry,
}: {
  disabled: boolean;
  defaultCountry: string;
}) {
  const [text, setText] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const { error, setError, call } = useCall();
  // The detector's region: the setting, else the browser language's (a national number needs one).
  const region = resolveDefaultCountry(defaultCountry);
  const reading = readDialInput(text, region);
  const refused = reading && !reading.ok;
  const search = useContactSearch(text, (contact) => {
    setText(contact.number);
    setSubmitted(false);
  });
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
          role="combobox"
          aria-autocomplete="list"
          aria-expanded={search.items.length > 0}
          aria-controls="dial-results"
          aria-activedescendant={search.active >= 0 ? `dial-result-${search.active}` : undefined}
          onKeyDown={search.onKeyDown}
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
      <ul
        id="dial-results"
        role="listbox"
        aria-label={t('popupDialResults')}
        class="dial-results"
        hidden={search.items.length === 0}
      >
        {search.items.map((contact, i) => (
          <li
            key={contact.number}
            id={`dial-result-${i}`}
            role="option"
            aria-selected={i === search.active}
            data-active={i === search.active ? 'true' : undefined}
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => {
              setText(contact.number);
              setSubmitted(false);
              search.close();
            }}
          >
            <strong>{contact.name}</strong>{' '}
            <span class="muted">{formatTarget({ kind: 'phone', e164: contact.number })}</span>
          </li>
        ))}
      </ul>
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
