// The toll-fraud guard for outbound phone destinations: a valid number of an allowed type, in an
// allowed country.
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { NumberType } from '../config';

export type DestinationCheck =
  { ok: true; number: string; country: string } | { ok: false; code: string; spoken: string };

/** Where an admin lets outbound calls go. */
export interface DestinationPolicy {
  /** ISO 3166 alpha-2 codes; `*` for every country. */
  countries: string[];
  /** libphonenumber types (`getType()`, max metadata). */
  types: readonly NumberType[];
}

// Parsing with the full metadata costs ~100 µs; agents call the same numbers again and again.
const destinationCache = new Map<string, DestinationCheck>();

/** Checks a destination given as digits, country code first (a leading `+` is ignored). */
export function checkDestination(digits: string, policy: DestinationPolicy): DestinationCheck {
  const key = `${digits}|${policy.countries.join(',')}|${policy.types.join(',')}`;
  const cached = destinationCache.get(key);
  if (cached) return cached;
  const result = checkDestinationUncached(digits, policy);
  if (destinationCache.size >= 10_000) destinationCache.clear();
  destinationCache.set(key, result);
  return result;
}

function checkDestinationUncached(digits: string, policy: DestinationPolicy): DestinationCheck {
  const cleaned = digits.replace(/^\+/, '');
  const phone = /^[1-9]\d{6,14}$/.test(cleaned)
    ? parsePhoneNumberFromString(`+${cleaned}`)
    : undefined;
  // getType() is undefined exactly when the number matches no valid pattern (what isValid() checks):
  // a number libphonenumber cannot type is refused as invalid.
  const type = phone?.getType();
  if (!phone || !type) {
    return {
      ok: false,
      code: 'invalid-number',
      spoken: 'This call cannot be placed: the number is not valid.',
    };
  }
  const country = phone.country ?? '';
  if (!policy.countries.includes('*') && !policy.countries.includes(country)) {
    return {
      ok: false,
      code: 'country-not-allowed',
      spoken: 'This call cannot be placed: calls to this country are not allowed.',
    };
  }
  if (policy.types.includes(type)) return { ok: true, number: cleaned, country };
  if (type === 'PREMIUM_RATE' || type === 'SHARED_COST') {
    return {
      ok: false,
      code: 'premium-rate',
      spoken: 'This call cannot be placed: premium rate and shared cost numbers are blocked.',
    };
  }
  return {
    ok: false,
    code: 'number-type-not-allowed',
    spoken: 'This call cannot be placed: calls to this kind of number are not allowed.',
  };
}
