// Reads the number of a `tel:`, `callto:` or `sip:` link from its href.
import type { PhoneTarget } from './findPhoneNumbers';
import { formatInternational, validatePhone, validateInternational } from './phoneMetadata';

const SCHEME = /^\s*(tel|callto|sip|sips):(?:\/\/)?/i;

export function isPhoneHref(href: string): boolean {
  return SCHEME.test(href);
}

/**
 * The phone target of a call link, or null when the href holds no usable number (a SIP user name,
 * garbage). Links state their intent, so a well-formed international number is accepted even when
 * the metadata does not know its range; national numbers must be valid for `country`.
 */
export function phoneFromHref(
  href: string,
  country: string,
): { target: PhoneTarget; formatted: string } | null {
  const scheme = SCHEME.exec(href);
  if (!scheme) return null;
  let rest = href.slice(scheme[0].length);
  try {
    rest = decodeURIComponent(rest);
  } catch {
    // keep it encoded; the digits below are what matters
  }
  const isSip = scheme[1]!.toLowerCase().startsWith('sip');
  const [first = '', ...params] = rest.split(/[;?]/);
  let user = first;
  if (isSip) user = user.split('@')[0]!;
  user = user.trim();
  let ext: string | undefined;
  for (const param of params) {
    const m = /^(?:ext|extension|postd)=\D*(\d{1,10})\D*$/i.exec(param.trim());
    if (m) ext = m[1];
  }
  const inlineExt = /^(.*?)(?:x|ext\.?|#)(\d{1,10})$/i.exec(user);
  if (!ext && inlineExt) {
    user = inlineExt[1]!;
    ext = inlineExt[2];
  }
  if (!/^\+?[\d\s().\-‐‑–]+$/.test(user)) return null;
  const plus = user.startsWith('+');
  const digits = user.replace(/\D/g, '');
  if (digits.length < 7 || digits.length > 15) return null;
  const valid =
    validatePhone(digits, plus, country) ??
    (plus && digits[0] !== '0' ? validateInternational(digits) : null);
  if (valid) {
    const target: PhoneTarget = ext
      ? { kind: 'phone', e164: valid.e164, ext }
      : { kind: 'phone', e164: valid.e164 };
    return { target, formatted: formatInternational(valid) + (ext ? ` ext. ${ext}` : '') };
  }
  if (!plus || digits[0] === '0') return null;
  const e164 = `+${digits}`;
  const target: PhoneTarget = ext ? { kind: 'phone', e164, ext } : { kind: 'phone', e164 };
  return { target, formatted: e164 + (ext ? ` ext. ${ext}` : '') };
}
