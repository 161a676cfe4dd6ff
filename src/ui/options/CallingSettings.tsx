// The "calling" fieldset: the region for national numbers and call waiting.
import type { Settings } from '../../settings/schema';
import { Field, LockedNote } from '../forms';
import { t } from '../i18n';
import type { FieldErrors } from '../settingsForm';
import type { SetSetting, SettingsKey } from './useSettingsDraft';

export function CallingSettings({
  draft,
  errors,
  locked,
  set,
}: {
  draft: Settings;
  errors: FieldErrors;
  locked(key: SettingsKey): boolean;
  set: SetSetting;
}) {
  return (
    <fieldset>
      <legend>{t('optionsCalling')}</legend>
      <Field
        id="defaultCountry"
        label={t('optionsDefaultCountry')}
        error={errors.defaultCountry}
        locked={locked('defaultCountry')}
        hint={t('optionsDefaultCountryHint')}
      >
        {(props) => (
          <input
            {...props}
            name="defaultCountry"
            size={4}
            maxLength={2}
            autocomplete="country"
            readOnly={locked('defaultCountry')}
            value={draft.defaultCountry}
            onInput={(e) => set('defaultCountry', e.currentTarget.value.trim())}
          />
        )}
      </Field>
      <div class="field" data-locked={locked('callWaiting') ? 'true' : undefined}>
        <label class="check">
          <input
            type="checkbox"
            name="callWaiting"
            disabled={locked('callWaiting')}
            checked={draft.callWaiting}
            onChange={(e) => set('callWaiting', e.currentTarget.checked)}
          />
          {t('optionsCallWaiting')}
        </label>
        {locked('callWaiting') && <LockedNote />}
      </div>
    </fieldset>
  );
}
