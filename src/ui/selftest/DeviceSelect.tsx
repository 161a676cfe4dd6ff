// Picks an audio device for a self-test check: the system default first, then each device.
import { Field } from '../forms';
import { t } from '../i18n';

export function DeviceSelect({
  id,
  label,
  devices,
  value,
  disabled,
  onChange,
}: {
  id: string;
  label: string;
  devices: MediaDeviceInfo[];
  value: string;
  disabled?: boolean;
  onChange(deviceId: string): void;
}) {
  return (
    <Field id={id} label={label}>
      {(props) => (
        <select
          {...props}
          value={value}
          disabled={disabled}
          onChange={(e) => onChange(e.currentTarget.value)}
        >
          <option value="">{t('selfTestDefaultDevice')}</option>
          {devices.map((d, i) => (
            <option key={d.deviceId} value={d.deviceId}>
              {d.label || t('selfTestDeviceN', String(i + 1))}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}
