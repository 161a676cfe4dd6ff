// The toll-fraud guard for outbound phone destinations: a valid number, an allowed country, no premium rate.
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

export type DestinationCheck =
  { ok: true; number: string; country: string } | { ok: false; code: string; spoken: string };

/** The server-side toll-fraud guard for an outbound phone destination (digits, country code first). */
// Parsing with the full metadata costs ~100 µs; agents call the same numbers again and again.
const destinationCache = new Map<string, DestinationCheck>();

export function checkDestination(digits: string, allowedCountries: string[]): DestinationCheck {
  const key = `${digits}|${allowedCountries.join(',')}`;
  const cached = destinationCache.get(key);
  if (cached) return cached;
  const result = checkDestinationUncached(digits, allowedCountries);
  if (destinationCache.size >= 10_000) destinationCache.clear();
  destinationCache.set(key, result);
  return result;
}

function checkDestinationUncached(digits: string, allowedCountries: string[]): DestinationCheck {
  const cleaned = digits.replace(/^\+/, '');
  const phone = /^[1-9]\d{6,14}$/.test(cleaned)
    ? parsePhoneNumberFromString(`+${cleaned}`)
    : undefined;
  // getType() is undefined exactly when the number matches no valid pattern (what isValid() checks).
  const type = phone?.getType();
  if (!phone || !type) {
    return {
      ok: false,
      code: 'invalid-number',
      spoken: 'This call cannot be placed: the number is not valid.',
    };
  }
  const country = phone.country ?? '';
  if (!allowedCountries.includes('*') && !allowedCountries.includes(country)) {
    return {
      ok: false,
      code: 'country-not-allowed',
      spoken: 'This call cannot be placed: calls to this country are not allowed.',
    };
  }
  if (type === 'PREMIUM_RATE' || type === 'SHARED_COST') {
    return {
      ok: false,
      code: 'premium-rate',
      spoken: 'This call cannot be placed: premium rate and shared cost numbers are blocked.',
    };
  }
  return { ok: true, number: cleaned, country };
}
