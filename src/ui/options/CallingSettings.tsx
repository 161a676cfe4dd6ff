// The "calling" fieldset: the region for national numbers, call waiting and screen pop.
import { Field, LockedNote } from '../forms';
import { t } from '../i18n';
import type { SettingsSectionProps } from './useSettingsDraft';

export function CallingSettings({ draft, errors, locked, set }: SettingsSectionProps) {
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
            onInput={(e) => set('defaultCountry', e.currentTarget.value.trim().toUpperCase())}
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
      <div class="field" data-locked={locked('screenPop') ? 'true' : undefined}>
        <label class="check">
          <input
            type="checkbox"
            name="screenPop"
            disabled={locked('screenPop')}
            checked={draft.screenPop}
            onChange={(e) => set('screenPop', e.currentTarget.checked)}
          />
          {t('optionsScreenPop')}
        </label>
        {locked('screenPop') && <LockedNote />}
      </div>
    </fieldset>
  );
}
