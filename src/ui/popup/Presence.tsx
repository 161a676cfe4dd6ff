// The popup's presence selector (Available / Away / Do not disturb), what routing sees meanwhile,
// and, as the popup opens, the missed calls counted as seen.
import { useEffect, useState } from 'preact/hooks';
import { PRESENCE_CHOICES, type PresenceChoice } from '../../contract/presence';
import { background, type AppState } from '../../messaging/background';
import { t } from '../i18n';

export function Presence({ state }: { state: AppState }) {
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    // Opening the popup is seeing the missed calls: the badge count and their notifications clear.
    void background.send('seenMissed', {}).catch(() => undefined);
  }, []);
  const view = state.presence;
  if (!view) return null;
  return (
    <p class="row presence" data-testid="presence">
      <label>
        {t('presenceLabel')}{' '}
        <select
          data-testid="presence-select"
          value={view.choice}
          disabled={busy}
          data-shown={view.shown}
          onChange={(e) => {
            const presence = e.currentTarget.value as PresenceChoice;
            setBusy(true);
            void background
              .send('setPresence', { presence })
              .catch(() => undefined)
              .finally(() => setBusy(false));
          }}
        >
          {PRESENCE_CHOICES.map((choice) => (
            <option value={choice} key={choice}>
              {t(`presence_${choice}`)}
            </option>
          ))}
        </select>
      </label>
      {view.shown === 'on-call' ? (
        <span class="muted" role="status" data-testid="presence-note">
          {t('presenceOnCallNote')}
        </span>
      ) : view.auto ? (
        <span class="muted" role="status" data-testid="presence-note">
          {t('presenceAutoAway')}
        </span>
      ) : null}
    </p>
  );
}
