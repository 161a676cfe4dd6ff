// Extra CRM sites: the list, adding one (which asks for its host permission) and removing one.
import { useState } from 'preact/hooks';
import { requestSitePermissions } from '../../background/sites';
import { CRM_MATCHES } from '../../settings/sites';
import { Field, LockedNote } from '../forms';
import { t } from '../i18n';
import { validateSettings, type FieldErrors } from '../settingsForm';
import { SiteAccessNotice } from './SiteAccessNotice';

export function SitesEditor({
  sites,
  errors,
  locked,
  onChange,
  onAdded,
}: {
  sites: string[];
  errors: FieldErrors;
  locked: boolean;
  onChange(sites: string[]): void;
  onAdded(sites: string[]): void;
}) {
  const [pattern, setPattern] = useState('');
  const [error, setError] = useState<string | null>(null);
  /** The site whose permission prompt the browser is showing, until the agent answers it. */
  const [asking, setAsking] = useState<string | null>(null);
  const valid = sites.filter((site) => validateSettings({ sites: [site] }).ok);
  const add = () => {
    const value = pattern.trim();
    const result = validateSettings({ sites: [value] });
    if (!value || (!result.ok && result.errors['sites.0'])) {
      setError('settingsInvalid_sites');
      return;
    }
    if (sites.includes(value)) {
      setError('optionsSiteDuplicate');
      return;
    }
    setError(null);
    setAsking(value);
    // Inside the click: Chrome only shows the permission prompt for a user gesture.
    requestSitePermissions([value])
      .then(
        ({ missing }) => {
          if (missing.length) {
            setError('optionsSitePermissionDenied');
            return;
          }
          setPattern('');
          onAdded([...sites, value]);
        },
        () => setError('settingsInvalid_sites'),
      )
      .finally(() => setAsking(null));
  };
  return (
    <fieldset data-locked={locked ? 'true' : undefined}>
      <legend>{t('optionsSites')}</legend>
      <p class="muted">{t('optionsSitesHelp')}</p>
      <details>
        <summary>{t('optionsSitesBuiltIn')}</summary>
        <ul>
          {CRM_MATCHES.map((m) => (
            <li key={m}>
              <code>{m}</code>
            </li>
          ))}
        </ul>
      </details>
      {locked && <LockedNote />}
      <SiteAccessNotice sites={valid} />
      <ul class="sites" aria-label={t('optionsSites')} data-testid="sites">
        {sites.map((site, i) => (
          <li key={site} class="row">
            <code>{site}</code>
            {errors[`sites.${i}`] && <span class="error">{t(errors[`sites.${i}`]!)}</span>}
            {!locked && (
              <button
                type="button"
                aria-label={t('optionsRemoveSite', site)}
                onClick={() => onChange(sites.filter((s) => s !== site))}
              >
                {t('remove')}
              </button>
            )}
          </li>
        ))}
      </ul>
      {!locked && (
        <div class="row">
          <Field id="newSite" label={t('optionsAddSiteLabel')} error={error ?? undefined}>
            {(props) => (
              <input
                {...props}
                name="newSite"
                placeholder="https://crm.example.com/*"
                size={32}
                readOnly={asking !== null}
                value={pattern}
                onInput={(e) => setPattern(e.currentTarget.value)}
                onKeyDown={(e) => {
                  if (e.key === 'Enter') {
                    e.preventDefault();
                    add();
                  }
                }}
              />
            )}
          </Field>
          <button type="button" onClick={add} disabled={asking !== null}>
            {t('optionsAddSite')}
          </button>
        </div>
      )}
      {asking && (
        <p class="muted" role="status" data-testid="site-permission-waiting">
          {t('optionsSitePermissionWaiting', asking)}
        </p>
      )}
    </fieldset>
  );
}
