// Vonage's own settings: the data-centre region and RTC stats telemetry.
import type { Settings } from '../../settings/schema';
import { Field, LockedNote } from '../forms';
import { t } from '../i18n';

export function VonageSettings({
  value,
  locked,
  onChange,
}: {
  value: Settings['vonage'];
  locked: boolean;
  onChange(value: Settings['vonage']): void;
}) {
  return (
    <fieldset data-locked={locked ? 'true' : undefined}>
      <legend>{t('providerName_vonage')}</legend>
      {locked && <LockedNote />}
      <Field id="vonage.region" label={t('optionsVonageRegion')}>
        {(props) => (
          <select
            {...props}
            name="vonageRegion"
            disabled={locked}
            value={value.region}
            onChange={(e) =>
              onChange({ ...value, region: e.currentTarget.value as Settings['vonage']['region'] })
            }
          >
            <option value="US">{t('vonageRegion_US')}</option>
            <option value="EU">{t('vonageRegion_EU')}</option>
            <option value="AP">{t('vonageRegion_AP')}</option>
          </select>
        )}
      </Field>
      <label class="check">
        <input
          type="checkbox"
          name="vonageTelemetry"
          disabled={locked}
          checked={value.telemetry}
          onChange={(e) => onChange({ ...value, telemetry: e.currentTarget.checked })}
        />
        {t('optionsVonageTelemetry')}
      </label>
    </fieldset>
  );
}
