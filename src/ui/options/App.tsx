// The options page: every setting with inline validation, policy-locked fields read-only, backup.
import type { Settings } from '../../settings/schema';
import { requestSitePermissions } from '../../background/sites';
import { t } from '../i18n';
import { validateSettings } from '../settingsForm';
import { Backup } from './Backup';
import { CallingSettings } from './CallingSettings';
import { LearnedContacts } from './LearnedContacts';
import { ConnectionSettings } from './ConnectionSettings';
import { ContactRulesEditor } from './ContactRulesEditor';
import { PolicyNotices } from './PolicyNotices';
import { Shortcuts } from './Shortcuts';
import { SitesEditor } from './SitesEditor';
import { useSettingsDraft, type SetSetting, type SettingsKey } from './useSettingsDraft';

export function App() {
  const { loaded, draft, errors, status, setErrors, setStatus, change, persist } =
    useSettingsDraft();
  if (!loaded || !draft) return <main aria-busy="true">…</main>;
  const locked = (key: SettingsKey) => loaded.locked.includes(key);
  const set: SetSetting = (key, value) => change({ ...draft, [key]: value });

  const save = (event: Event) => {
    event.preventDefault();
    const result = validateSettings(draft);
    if (!result.ok) {
      setErrors(result.errors);
      setStatus({ kind: 'error', key: 'optionsFixErrors' });
      setTimeout(() => document.querySelector<HTMLElement>('[aria-invalid=true]')?.focus());
      return;
    }
    // Host permissions must be asked for inside the click: the request is made before anything awaits.
    const sites = locked('sites') ? [] : result.settings.sites;
    void requestSitePermissions(sites).then(
      ({ missing }) =>
        missing.length
          ? setStatus({ kind: 'error', key: 'optionsSitePermissionDenied' })
          : persist(result.settings),
      (error: unknown) =>
        setStatus({ kind: 'error', key: 'optionsSaveFailed', detail: String(error) }),
    );
  };

  return (
    <main class="options">
      <h1>{t('optionsTitle')}</h1>
      <PolicyNotices loaded={loaded} />
      <form onSubmit={save} noValidate aria-describedby="options-status">
        <ConnectionSettings draft={draft} errors={errors} locked={locked} set={set} />
        <CallingSettings draft={draft} errors={errors} locked={locked} set={set} />

        <SitesEditor
          sites={draft.sites}
          errors={errors}
          locked={locked('sites')}
          onChange={(sites) => set('sites', sites)}
          onAdded={(sites) => {
            const next = { ...draft, sites };
            change(next);
            const result = validateSettings(next);
            if (result.ok) void persist(result.settings, 'optionsSiteAdded');
            else setStatus({ kind: 'error', key: 'optionsFixErrors' });
          }}
        />

        <ContactRulesEditor
          rules={draft.contactRules}
          presets={draft.contactPresets}
          errors={errors}
          rulesLocked={locked('contactRules')}
          presetsLocked={locked('contactPresets')}
          onRules={(rules) => set('contactRules', rules)}
          onPresets={(presets) => set('contactPresets', presets)}
        />

        <div class="row savebar">
          <button class="primary" type="submit">
            {t('optionsSave')}
          </button>
          <p
            id="options-status"
            role="status"
            data-testid="options-status"
            data-kind={status?.kind ?? ''}
            class={status?.kind === 'error' ? 'error' : 'ok'}
          >
            {status ? t(status.key) : ''}
          </p>
        </div>
      </form>

      <Shortcuts />

      <LearnedContacts />

      <Backup
        settings={loaded.settings}
        onImport={(imported) => {
          const next = { ...imported } as Record<SettingsKey, unknown>;
          for (const key of loaded.locked) next[key] = loaded.settings[key];
          change(next as Settings);
          setStatus({ kind: 'ok', key: 'optionsImported' });
        }}
        onError={(key) => setStatus({ kind: 'error', key })}
      />
    </main>
  );
}
