// Export the settings as a JSON file, or import one (checked, and saved only with the page's Save).
import { useRef } from 'preact/hooks';
import type { Settings } from '../../settings/schema';
import { t } from '../i18n';
import { exportSettings, parseSettingsImport } from '../settingsForm';

export function Backup({
  settings,
  onImport,
  onError,
}: {
  settings: Settings;
  onImport(settings: Settings): void;
  onError(key: string): void;
}) {
  const file = useRef<HTMLInputElement>(null);
  return (
    <section aria-labelledby="backup-heading" class="card">
      <h2 id="backup-heading">{t('optionsBackup')}</h2>
      <p class="muted">{t('optionsBackupHelp')}</p>
      <div class="row">
        <button
          type="button"
          onClick={() => {
            const url = URL.createObjectURL(
              new Blob([exportSettings(settings)], { type: 'application/json' }),
            );
            const a = document.createElement('a');
            a.href = url;
            a.download = 'click-to-call-settings.json';
            a.click();
            setTimeout(() => URL.revokeObjectURL(url), 1000);
          }}
        >
          {t('optionsExport')}
        </button>
        <button type="button" onClick={() => file.current?.click()}>
          {t('optionsImport')}
        </button>
        <input
          ref={file}
          type="file"
          accept="application/json,.json"
          hidden
          data-testid="import-file"
          onChange={async (e) => {
            const chosen = e.currentTarget.files?.[0];
            e.currentTarget.value = '';
            if (!chosen) return;
            const result = parseSettingsImport(await chosen.text());
            if (result.ok) onImport(result.settings);
            else onError('file' in result.errors ? result.errors.file! : 'optionsImportInvalid');
          }}
        />
      </div>
    </section>
  );
}
