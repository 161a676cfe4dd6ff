// The "server and provider" fieldset: backend address, calling provider and its own settings.
import type { Settings } from '../../settings/schema';
import { Field } from '../forms';
import { t } from '../i18n';
import type { SettingsSectionProps } from './useSettingsDraft';
import { VonageSettings } from './VonageSettings';

export function ConnectionSettings({ draft, errors, locked, set }: SettingsSectionProps) {
  return (
    <fieldset>
      <legend>{t('optionsConnection')}</legend>
      <Field
        id="backendUrl"
        label={t('backendUrl')}
        error={errors.backendUrl}
        locked={locked('backendUrl')}
        hint={t('optionsBackendUrlHint')}
      >
        {(props) => (
          <input
            {...props}
            name="backendUrl"
            type="url"
            readOnly={locked('backendUrl')}
            value={draft.backendUrl}
            onInput={(e) => set('backendUrl', e.currentTarget.value.trim())}
          />
        )}
      </Field>
      <Field
        id="provider"
        label={t('optionsProvider')}
        error={errors.provider}
        locked={locked('provider')}
      >
        {(props) => (
          <select
            {...props}
            name="provider"
            disabled={locked('provider')}
            value={draft.provider}
            onChange={(e) => set('provider', e.currentTarget.value as Settings['provider'])}
          >
            <option value="builtin">{t('providerName_builtin')}</option>
            <option value="vonage">{t('providerName_vonage')}</option>
            <option value="clevertap">{t('providerName_clevertap')}</option>
          </select>
        )}
      </Field>
      {draft.provider === 'vonage' && (
        <VonageSettings
          value={draft.vonage}
          locked={locked('vonage')}
          onChange={(v) => set('vonage', v)}
        />
      )}
      {draft.provider === 'clevertap' && (
        <Field
          id="clevertap.callContext"
          label={t('optionsCallContext')}
          error={errors['clevertap.callContext']}
          locked={locked('clevertap')}
          hint={t('optionsCallContextHint')}
        >
          {(props) => (
            <input
              {...props}
              name="callContext"
              maxLength={64}
              readOnly={locked('clevertap')}
              value={draft.clevertap.callContext}
              onInput={(e) => set('clevertap', { callContext: e.currentTarget.value })}
            />
          )}
        </Field>
      )}
    </fieldset>
  );
}
