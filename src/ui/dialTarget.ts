// What the popup's dial pad calls: a typed phone number (national or international, letters as on a
// phone keypad) validated as the detector validates it, or an explicit `contact:<id>`.
import { validatePhoneNumberLength, type CountryCode } from 'libphonenumber-js/min';
import { parseTargetUri, type Target } from '../contract/target';
import { formatInternational, validatePhone } from '../detect/phoneMetadata';
// Full (max) validity here: the popup validates what the agent types.
import '../detect/numberTypesFull';

/** Why a typed value cannot be dialled; each has a message `popupDialReason_<problem>`. */
export const DIAL_PROBLEMS = [
  'tooShort',
  'tooLong',
  'invalidForRegion',
  'noCountryCode',
  'notANumber',
  'invalidContact',
] as const;
export type DialProblem = (typeof DIAL_PROBLEMS)[number];

export type DialReading =
  | { ok: true; target: Target; /** `+44 20 7946 0958` */ display: string; region?: string }
  | { ok: false; problem: DialProblem };

const KEYPAD: Record<string, string> = {};
for (const [digit, letters] of Object.entries({
  2: 'ABC',
  3: 'DEF',
  4: 'GHI',
  5: 'JKL',
  6: 'MNO',
  7: 'PQRS',
  8: 'TUV',
  9: 'WXYZ',
}))
  for (const letter of letters) KEYPAD[letter] = digit;

/** Letters as the digits of a phone keypad (ITU E.161): `FLOWERS` → `3569377`. */
export function keypadDigits(text: string): string {
  return text.toUpperCase().replace(/[A-Z]/g, (letter) => KEYPAD[letter]!);
}

const EXTENSION = /\s*(?:;ext=|ext\.?|x|#)\s*(\d{1,10})$/i;
/** A number as people write it: `+`, digits, keypad letters and the usual separators. */
const PHONE_LIKE = /^\+?[\dA-Za-z\s().\-/]+$/;

/**
 * Reads what the agent typed. Full-width digits and `＋` (Japanese and Chinese input methods) count
 * as their ASCII forms; `contact:<id>` is a contact; anything else must be a valid number for
 * dialling: international with `+` (or the region's international prefix), or national for `region`.
 */
export function readDialInput(input: string, region?: string): DialReading | null {
  const text = input.normalize('NFKC').trim();
  if (!text) return null;
  if (/^contact:/i.test(text)) {
    const target = parseTargetUri(`contact:${text.slice('contact:'.length)}`);
    return target ? { ok: true, target, display: text } : { ok: false, problem: 'invalidContact' };
  }
  const number = text.replace(/^tel:/i, '');
  const ext = EXTENSION.exec(number);
  const main = ext ? number.slice(0, ext.index) : number;
  if (!PHONE_LIKE.test(main) || !/\d/.test(main)) return { ok: false, problem: 'notANumber' };
  const international = main.startsWith('+');
  const digits = keypadDigits(main).replace(/\D/g, '');
  const valid = validatePhone(digits, international, region ?? '');
  if (!valid) return { ok: false, problem: whyInvalid(digits, international, region) };
  const target: Target = ext
    ? { kind: 'phone', e164: valid.e164, ext: ext[1]! }
    : { kind: 'phone', e164: valid.e164 };
  const display = formatInternational(valid) + (ext ? ` ext. ${ext[1]}` : '');
  return valid.country === '001'
    ? { ok: true, target, display }
    : { ok: true, target, display, region: valid.country };
}

function whyInvalid(digits: string, international: boolean, region?: string): DialProblem {
  if (!international && !region) return 'noCountryCode';
  const length = validatePhoneNumberLength(
    international ? `+${digits}` : digits,
    international ? undefined : (region as CountryCode),
  );
  if (length === 'TOO_SHORT') return 'tooShort';
  if (length === 'TOO_LONG') return 'tooLong';
  if (length === 'NOT_A_NUMBER') return digits.length < 4 ? 'tooShort' : 'notANumber';
  return 'invalidForRegion';
}

/** The region's name in the UI language (`GB` → "United Kingdom"), or the code if unknown. */
export function regionName(region: string, language: string): string {
  try {
    return new Intl.DisplayNames([language], { type: 'region' }).of(region) ?? region;
  } catch {
    return region;
  }
}
