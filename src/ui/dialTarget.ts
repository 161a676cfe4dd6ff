// What the popup's dial pad calls: a typed phone number (national or international) or a contact id.
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/min';
import { CONTACT_ID } from '../contract/ids';
import { parseTargetUri, type Target } from '../contract/target';

/** The region for national numbers: the setting, else the browser language's region (`en-GB` → GB). */
export function regionFor(defaultCountry: string, language: string): CountryCode | undefined {
  if (/^[A-Z]{2}$/.test(defaultCountry)) return defaultCountry as CountryCode;
  const region = /[-_]([A-Za-z]{2})\b/.exec(language)?.[1]?.toUpperCase();
  return region as CountryCode | undefined;
}

/**
 * Reads what the agent typed. Digits (with spaces, dashes, dots, brackets, a leading + and an
 * extension) are a phone number; a single word of letters and digits is a contact id.
 */
export function parseDialInput(input: string, region?: CountryCode): Target | null {
  const text = input.trim();
  if (!text) return null;
  if (/^(tel|contact):/i.test(text)) return parseTargetUri(text);
  const digits = text.replace(/\D/g, '');
  const looksLikeNumber = /^\+?[\d\s().\-/]+((ext\.?|x|#)\s*\d{1,10})?$/i.test(text);
  if (looksLikeNumber && digits.length >= 3) {
    const phone = parsePhoneNumberFromString(text, region);
    if (!phone || !phone.isPossible()) return null;
    return phone.ext
      ? { kind: 'phone', e164: phone.number, ext: phone.ext }
      : { kind: 'phone', e164: phone.number };
  }
  return CONTACT_ID.test(text) && /[A-Za-z]/.test(text) ? { kind: 'contact', id: text } : null;
}
