// What the organization's policy does to this page: fields it manages, values it set that are invalid.
import type { LoadedSettings } from '../../settings/storage';
import { t } from '../i18n';

export function PolicyNotices({ loaded }: { loaded: LoadedSettings }) {
  return (
    <>
      {loaded.locked.length > 0 && (
        <p class="notice" data-testid="policy-notice">
          {t('optionsManagedNotice')}
        </p>
      )}
      {loaded.problems.length > 0 && (
        <div class="notice error" role="alert">
          <p>{t('optionsPolicyProblems')}</p>
          <ul>
            {loaded.problems.map((p) => (
              <li key={p}>
                <code>{p}</code>
              </li>
            ))}
          </ul>
        </div>
      )}
    </>
  );
}
