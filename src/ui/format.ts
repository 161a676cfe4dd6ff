// Locale-aware display of targets and durations.
import { parsePhoneNumberWithError } from 'libphonenumber-js/min';
import type { Target } from '../contract/target';

export function formatTarget(target: Target): string {
  if (target.kind === 'contact') return target.label ?? target.id;
  let text = target.e164;
  try {
    text = parsePhoneNumberWithError(target.e164).formatInternational();
  } catch {
    // Not parseable with the metadata we ship: show E.164 as it is.
  }
  return target.ext ? `${text} ext. ${target.ext}` : text;
}

export function formatDuration(ms: number, locale?: string): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const nf = new Intl.NumberFormat(locale, { minimumIntegerDigits: 2, useGrouping: false });
  return h > 0 ? `${h}:${nf.format(m)}:${nf.format(s)}` : `${nf.format(m)}:${nf.format(s)}`;
}
