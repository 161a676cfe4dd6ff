// Fast phone-number validation and formatting with libphonenumber-js's "max" validity: its "min"
// metadata (shared with the UI's formatting) plus the number-type patterns min leaves out
// (numberTypes.ts, generated from "max"), so "+1 800 123 4567" or "+62 39945926" are rejected.
// The number types are provided at start (provideNumberTypes): extension pages and the background
// import them (numberTypesFull.ts, from the two validators they use: ui/dialTarget.ts and
// detect/selectionToTarget.ts), the content script fetches them as a packaged file, which keeps
// their ~22 KB gzip out of the script every CRM page loads. Until then no number is valid.
//
// libphonenumber-js's own parse/isValid costs ~10 µs per call (it rebuilds its metadata wrapper and
// regexps each time). A CRM list has thousands of numbers, so we read the same metadata through its
// `Metadata` class once per numbering plan and keep the compiled regexps: ~0.1 µs per check. The
// results are cross-checked against libphonenumber-js's (max) `isValidPhoneNumber` in phoneMetadata.test.ts.
import { Metadata } from 'libphonenumber-js/core';
import metadataJson from 'libphonenumber-js/min/metadata';
import { METADATA_NUMBER_TYPES } from '../contract/numberTypes';

/** The parts of libphonenumber-js's (untyped) numbering-plan API we use. */
interface FormatApi {
  pattern(): string;
  leadingDigitsPatterns(): string[];
  internationalFormat(): string;
}
interface NumberingPlanApi {
  callingCode(): string;
  IDDPrefix(): string | undefined;
  nationalNumberPattern(): string;
  possibleLengths(): number[] | undefined;
  formats(): FormatApi[];
  nationalPrefixForParsing(): string | undefined;
  nationalPrefixTransformRule(): string | undefined;
  leadingDigits(): string | undefined;
  hasTypes(): boolean;
  type(name: string): { pattern(): string; possibleLengths(): number[] | undefined } | undefined;
}
interface MetadataApi {
  numberingPlan?: NumberingPlanApi;
  hasCountry(country: string): boolean;
  getCountryCodesForCallingCode(callingCode: string): string[] | undefined;
  getCountryCodeForCallingCode(callingCode: string): string | undefined;
  nonGeographic(): Record<string, unknown> | undefined;
  selectNumberingPlan(countryOrCallingCode: string): MetadataApi;
}

interface Plan {
  country: string;
  callingCode: string;
  valid: RegExp;
  lengths: Set<number>;
  idd: RegExp | null;
  prefix: RegExp | null;
  transform: string | null;
  leading: RegExp | null;
  /**
   * Number types (fixed line, mobile, …) where the metadata keeps them: then one must match. False
   * while the generated ones have not been provided: then nothing is valid (no button beats a wrong one).
   */
  types: { pattern: RegExp; lengths: number[] | undefined }[] | null | false;
  formats: { leading: RegExp | null; pattern: RegExp; full: RegExp; format: string }[] | null;
}

function compileTypes(np: NumberingPlanApi): Plan['types'] {
  const out: NonNullable<Plan['types']> = [];
  for (const name of METADATA_NUMBER_TYPES) {
    const type = np.type(name);
    const pattern = type?.pattern();
    if (!type || !pattern) continue;
    out.push({ pattern: new RegExp(`^(?:${pattern})$`), lengths: type.possibleLengths() });
  }
  return out;
}

/** Number-type patterns per plan, as numberTypes.ts holds them: [pattern, possible lengths]. */
export type NumberTypesData = Record<string, [string, number[]][]>;

let numberTypes: NumberTypesData | null = null;

/** Provides the generated number types (numberTypes.ts); plans read before are read again. */
export function provideNumberTypes(data: NumberTypesData): void {
  numberTypes = data;
  plans.clear();
  callingCodePlans.clear();
}

/** Whether provideNumberTypes has run: before, no number is valid. */
export function hasNumberTypes(): boolean {
  return numberTypes !== null;
}

function generatedTypes(key: string): Plan['types'] {
  if (!numberTypes) return false;
  const types = numberTypes[key];
  return types
    ? types.map(([pattern, lengths]) => ({ pattern: new RegExp(`^(?:${pattern})$`), lengths }))
    : null;
}

/** libphonenumber-js's validity: the plan's pattern and, where types are known, one type's. */
function isValidFor(p: Plan, national: string): boolean {
  if (p.types === false || !p.valid.test(national)) return false;
  if (!p.types) return true;
  return p.types.some(
    (t) => (!t.lengths || t.lengths.includes(national.length)) && t.pattern.test(national),
  );
}

let metadata: MetadataApi | null = null;
const plans = new Map<string, Plan | null>();
const callingCodePlans = new Map<string, Plan[]>();

function meta(): MetadataApi {
  metadata ??= new (Metadata as unknown as new (json: unknown) => MetadataApi)(metadataJson);
  return metadata;
}

/** Numbering plan of a region (`US`) or, for non-geographic codes, of a calling code (`800`). */
function plan(key: string): Plan | null {
  let p = plans.get(key);
  if (p !== undefined) return p;
  p = null;
  const m = meta();
  const isCallingCode = /^\d+$/.test(key);
  const exists = isCallingCode ? !!m.nonGeographic()?.[key] : m.hasCountry(key);
  if (exists) {
    const np = m.selectNumberingPlan(key).numberingPlan!;
    const idd = np.IDDPrefix();
    const prefix = np.nationalPrefixForParsing();
    const leading = np.leadingDigits();
    p = {
      country: isCallingCode ? '001' : key,
      callingCode: np.callingCode(),
      valid: new RegExp(`^(?:${np.nationalNumberPattern()})$`),
      lengths: new Set(np.possibleLengths() ?? []),
      idd: idd ? new RegExp(`^(?:${idd})`) : null,
      prefix: prefix ? new RegExp(`^(?:${prefix})`) : null,
      transform: np.nationalPrefixTransformRule() ?? null,
      leading: leading ? new RegExp(`^(?:${leading})`) : null,
      types: np.hasTypes() ? compileTypes(np) : generatedTypes(key),
      formats: null,
    };
  }
  plans.set(key, p);
  return p;
}

function plansForCallingCode(callingCode: string): Plan[] {
  let list = callingCodePlans.get(callingCode);
  if (list) return list;
  const m = meta();
  const countries = m.getCountryCodesForCallingCode(callingCode);
  list = countries
    ? countries.map((c) => plan(c)).filter((p): p is Plan => p !== null)
    : m.nonGeographic()?.[callingCode]
      ? [plan(callingCode)!]
      : [];
  callingCodePlans.set(callingCode, list);
  return list;
}

export interface ValidNumber {
  /** E.164 with the leading `+`. */
  e164: string;
  /** The region (`US`) or `001` for non-geographic numbers. */
  country: string;
  callingCode: string;
  nationalNumber: string;
}

/** The region whose numbering plan a national number of `callingCode` belongs to. */
function planForNationalNumber(callingCode: string, national: string): Plan | null {
  const candidates = plansForCallingCode(callingCode);
  if (candidates.length === 0) return null;
  // As libphonenumber-js: the first region whose leading digits match owns the number; otherwise
  // the calling code's main region (US for +1) does.
  if (candidates.length === 1) return isValidFor(candidates[0]!, national) ? candidates[0]! : null;
  let owner = candidates[0]!;
  for (const p of candidates) {
    if (p.leading ? p.leading.test(national) : p.types !== null && isValidFor(p, national)) {
      owner = p;
      break;
    }
  }
  return isValidFor(owner, national) ? owner : null;
}

function validNumber(p: Plan, national: string): ValidNumber {
  return {
    e164: `+${p.callingCode}${national}`,
    country: p.country,
    callingCode: p.callingCode,
    nationalNumber: national,
  };
}

/** Strips a national (trunk) prefix such as `0` or `1`, as libphonenumber-js does for complete numbers. */
function stripNationalPrefix(p: Plan, digits: string): string {
  if (!p.prefix) return digits;
  const match = p.prefix.exec(digits);
  if (!match) return digits;
  const groups = match.length - 1;
  const captured = groups > 0 && match[groups];
  const national =
    p.transform && captured ? digits.replace(p.prefix, p.transform) : digits.slice(match[0].length);
  if (p.valid.test(digits) && !p.valid.test(national)) return digits;
  if (p.lengths.size && !p.lengths.has(national.length) && p.lengths.has(digits.length))
    return digits;
  return national;
}

/** Validates digits written with a `+` (or an IDD prefix already removed): calling code first. */
export function validateInternational(digits: string): ValidNumber | null {
  if (digits.length < 7 || digits.length > 17 || digits[0] === '0') return null;
  for (let len = 1; len <= 3; len++) {
    const cc = digits.slice(0, len);
    if (plansForCallingCode(cc).length === 0) continue;
    const national = digits.slice(len);
    const p = planForNationalNumber(cc, national);
    if (p) return validNumber(p, national);
    // Some countries write the trunk prefix after the calling code: +39 keeps it, others drop it.
    const home = plansForCallingCode(cc)[0]!;
    const stripped = stripNationalPrefix(home, national);
    if (stripped !== national) {
      const q = planForNationalNumber(cc, stripped);
      if (q) return validNumber(q, stripped);
    }
    return null;
  }
  return null;
}

/** Validates digits written in the national format of `country` (trunk prefix optional). */
export function validateNational(digits: string, country: string): ValidNumber | null {
  const home = plan(country);
  if (!home || digits.length < 4 || digits.length > 17) return null;
  const national = stripNationalPrefix(home, digits);
  return (
    (planForNationalNumber(home.callingCode, national) &&
      validNumber(planForNationalNumber(home.callingCode, national)!, national)) ||
    null
  );
}

/**
 * Validates a number as written: `international` when it had a `+`; otherwise national for
 * `country`, or international after the country's IDD prefix (`00`, `011`).
 */
export function validatePhone(
  digits: string,
  international: boolean,
  country: string,
): ValidNumber | null {
  const valid = readPhone(digits, international, country);
  return valid && fitsE164(valid) ? valid : null;
}

/** E.164 caps a number at 15 digits; a few plans' patterns allow longer national numbers. */
export function fitsE164(valid: ValidNumber): boolean {
  return valid.e164.length <= 16;
}

/** As validatePhone, without E.164's length cap: what the numbering plans make of the digits. */
export function readPhone(
  digits: string,
  international: boolean,
  country: string,
): ValidNumber | null {
  if (international) return validateInternational(digits);
  // The region's own international prefix first, exactly as the metadata defines it (Singapore's
  // `0[0-3]\d`: "008 1 650 …" is +1 650 …, not +81 …), as libphonenumber does; followed by a 0 it is
  // not one (libphonenumber's rule too).
  const home = plan(country);
  if (home?.idd) {
    const idd = home.idd.exec(digits);
    if (idd && idd[0].length > 0 && digits[idd[0].length] !== '0') {
      const intl = validateInternational(digits.slice(idd[0].length));
      if (intl) return intl;
    }
  }
  const national = validateNational(digits, country);
  if (national) return national;
  // `00` is the international prefix almost everywhere: "00 44 20 …" in the US (whose prefix is
  // 011) is read as +44 when it is no national number.
  if (digits.startsWith('00') && !home?.idd?.test('00'))
    return validateInternational(digits.slice(2));
  return null;
}

/** The shortest and longest national numbers of `country`'s plan, or null for an unknown region. */
export function nationalLengths(country: string): { min: number; max: number } | null {
  const p = plan(country);
  if (!p || p.lengths.size === 0) return null;
  return { min: Math.min(...p.lengths), max: Math.max(...p.lengths) };
}

/** Whether `country` is a region the metadata knows (`US`, `GB`, …). */
export function isKnownCountry(country: string): boolean {
  return /^[A-Z]{2}$/.test(country) && plan(country) !== null;
}

/** `+1 415 555 2671`: international format with spaces, like libphonenumber-js's `formatInternational`. */
export function formatInternational(number: ValidNumber): string {
  const p = plan(number.country === '001' ? number.callingCode : number.country);
  const head = `+${number.callingCode}`;
  if (!p) return `${head} ${number.nationalNumber}`;
  if (!p.formats) {
    const formats = meta()
      .selectNumberingPlan(number.country === '001' ? number.callingCode : number.country)
      .numberingPlan!.formats();
    p.formats = formats.map((f) => {
      const leading = f.leadingDigitsPatterns();
      const last = leading[leading.length - 1];
      return {
        leading: last ? new RegExp(`^(?:${last})`) : null,
        pattern: new RegExp(f.pattern()),
        full: new RegExp(`^(?:${f.pattern()})$`),
        format: f.internationalFormat(),
      };
    });
  }
  const national = number.nationalNumber;
  for (const f of p.formats) {
    if (f.leading && !f.leading.test(national)) continue;
    if (!f.full.test(national)) continue;
    if (f.format === 'NA') break;
    const formatted = national
      .replace(f.pattern, f.format)
      .replace(/[^\d]+/g, ' ')
      .trim();
    return `${head} ${formatted}`;
  }
  return `${head} ${national}`;
}
