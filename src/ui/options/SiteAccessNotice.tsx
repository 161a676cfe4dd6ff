// Sites saved earlier or set by policy may still lack the browser's access grant: say so, offer it.
import { useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { requestSitePermissions } from '../../background/sites';
import { t } from '../i18n';

/** `sites` are the valid patterns of the settings. */
export function SiteAccessNotice({ sites }: { sites: string[] }) {
  const [missingAccess, setMissingAccess] = useState(false);
  const key = sites.join('\n');
  useEffect(() => {
    if (!sites.length) return setMissingAccess(false);
    void browser.permissions.contains({ origins: sites }).then(
      (ok) => setMissingAccess(!ok),
      () => setMissingAccess(false),
    );
  }, [key]);
  if (!missingAccess) return null;
  return (
    <div class="notice row" role="status" data-testid="sites-need-access">
      <span>{t('optionsSitesNeedAccess')}</span>
      <button
        type="button"
        onClick={() =>
          // Inside the click, before any await: Chrome only prompts for a user gesture.
          void requestSitePermissions(sites).then(
            ({ missing }) => setMissingAccess(missing.length > 0),
            () => undefined,
          )
        }
      >
        {t('optionsSitesAllowAccess')}
      </button>
    </div>
  );
}
