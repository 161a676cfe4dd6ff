// Finds valid phone numbers in plain text and rejects look-alikes (dates, money, IPs, labelled ids…).
import type { Target } from '../contract/target';
import { readCandidate, type Candidate } from './candidate';
import {
  CURRENCY_AFTER,
  isLookAlikeContext,
  isLookAlikeShape,
  PLACE_LABEL,
  plausibleDate,
} from './lookAlikes';
import { fitsE164, formatInternational, readPhone, type ValidNumber } from './phoneMetadata';
import {
  asciiDigit,
  hasOpeningBracket,
  isClosingBracket,
  isDigit,
  isOpeningBracket,
  isSeparator,
  isSpace,
  normalizeWidth,
} from './textChars';

export type PhoneTarget = Extract<Target, { kind: 'phone' }>;

export interface PhoneMatch {
  /** Offsets into the text: the number and its extension, `end` exclusive. */
  start: number;
  end: number;
  target: PhoneTarget;
  /** `+1 415 555 2671` (with ` ext. 12` when there is one). */
  formatted: string;
  country: string;
}

/** The fewest digits the finder reads as a number. */
export const MIN_DIGITS = 7;
// An IDD prefix (up to 4 digits) and 15 digits of E.164.
const MAX_DIGITS = 19;
/** Cheap pre-check: does the text hold enough digits (ASCII, full-width, Arabic-Indic) to contain a number? */
export function mayContainPhoneNumber(text: string): boolean {
  let digits = 0;
  for (let i = 0; i < text.length; i++) {
    const c = asciiDigit(text.charCodeAt(i));
    if ((c >= 48 && c <= 57) || (c >= 0xff10 && c <= 0xff19)) {
      if (++digits >= MIN_DIGITS) return true;
    }
  }
  return false;
}

/**
 * Stricter pre-check for one text node of a larger text: a number is one run of digits and
 * separators (ASCII or full-width) holding 7+ digits, so `$123,456.00` or `10:30, 4,999` cannot
 * hold one. A run reaching an edge where the text goes on in a sibling node (`openStart`,
 * `openEnd`) may continue there, whatever its digits: a page framework writes `(415) 555-2671` as
 * `(`, `415`, `) `, `555`, `-`, `2671` (adjacent text nodes, or split by comments), no piece with 7.
 */
export function mayContainPhoneRun(text: string, openStart: boolean, openEnd: boolean): boolean {
  let run = 0;
  let edge = openStart; // the current run began at an open edge
  for (let i = 0; i < text.length; i++) {
    let c = asciiDigit(text.charCodeAt(i));
    if (c >= 0xff01 && c <= 0xff5e) c -= 0xfee0;
    if (c >= 48 && c <= 57) {
      if (++run >= MIN_DIGITS) return true;
    } else if (!isSeparator(c) && c !== 43 /* + */) {
      if (edge && run > 0) return true;
      run = 0;
      edge = false;
    }
  }
  return run > 0 && (openEnd || edge);
}

const EXTENSION =
  /\s*[,/]?\s*(?:(?:ext|extn|extension|ex|x|int|доб|内線|内线|分机|轉|转)\.?\s*[:.#]?\s*|#\s*)(\d{1,7})(?![\d\p{L}])/iuy;

function toTarget(valid: ValidNumber, ext: string | undefined): PhoneTarget {
  return ext ? { kind: 'phone', e164: valid.e164, ext } : { kind: 'phone', e164: valid.e164 };
}

/** Digits of groups [from, to) as written, dropping an "(0)" trunk marker after a `+` code. */
function digitsOf(c: Candidate, from: number, to: number): string {
  let out = '';
  for (let g = from; g < to; g++) {
    if (c.plus && g === from + 1 && c.groups[g] === '0' && hasOpeningBracket(c.seps[g]!)) continue;
    out += c.groups[g];
  }
  return out;
}

/**
 * Every valid phone number in `text`, in order. National numbers are read with `country`
 * (ISO 3166 region such as `US`); numbers written with `+` or an IDD prefix need no country.
 */
export function findPhoneNumbers(text: string, country: string): PhoneMatch[] {
  if (!mayContainPhoneNumber(text)) return [];
  const s = normalizeWidth(text);
  const out: PhoneMatch[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    const startsNumber =
      isDigit(c) ||
      (c === 43 /* + */ &&
        (isDigit(s.charCodeAt(i + 1)) ||
          (isSpace(s[i + 1] ?? '') && isDigit(s.charCodeAt(i + 2))))) ||
      (isOpeningBracket(s[i]) && isDigit(s.charCodeAt(i + 1)));
    if (!startsNumber) {
      i++;
      continue;
    }
    // "12,000 6800 2369": the digits after a decimal or thousands mark end that amount.
    if (isDigit(c) && i > 1 && ',.:'.includes(s[i - 1]!) && isDigit(s.charCodeAt(i - 2))) {
      while (i < s.length && isDigit(s.charCodeAt(i))) i++;
      continue;
    }
    const cand = readCandidate(s, i);
    if (cand.groups.length === 0) {
      i++;
      continue;
    }
    const found = matchCandidate(s, cand, country);
    if (found) {
      out.push(found.match);
      i = found.match.end;
      continue;
    }
    i = cand.ends[cand.ends.length - 1]!;
  }
  return out;
}

/**
 * Whether the brackets of `text` pair up, each with its own kind ("(415) 555-2671",
 * "[415] 555-2671"; not "213(3734253" or "(415] 555-2671").
 */
function bracketsBalanced(text: string): boolean {
  let open = ''; // the bracket not yet closed
  for (let k = 0; k < text.length; k++) {
    const ch = text[k]!;
    if (isOpeningBracket(ch)) {
      if (open) return false;
      open = ch;
    } else if (isClosingBracket(ch)) {
      if (open !== (ch === ')' ? '(' : '[')) return false;
      open = '';
    }
  }
  return open === '';
}

const PURE_SPACE = /^\s+$/;
/**
 * A slash with a space beside it, or a dash with one on each side (every dash is `-` once the text
 * is normalized): between the numbers of a list, or after an area code.
 */
const LIST_SEP = /\s\/|\/\s|\s-\s/;

/** Groups of a date ("… 2671 03/15/2024") or an amount ("… 12%"): no number takes them. */
function blockedGroups(s: string, cand: Candidate): boolean[] {
  const blocked = cand.groups.map(() => false);
  const { groups, seps } = cand;
  for (let g = 0; g + 2 < groups.length; g++) {
    const sep = seps[g + 1]!;
    if (
      (sep === '/' || sep === '-' || sep === '.') &&
      seps[g + 2] === sep &&
      plausibleDate(groups[g]!, groups[g + 1]!, groups[g + 2]!) &&
      // A date of its own, not groups of a number ("(8 240) 8-16-13", Turkmenistan): after a
      // bracket and a space, a slash or a 4-digit year says so ("(0800 871089) 2024-03-15") …
      (g === 0 ||
        PURE_SPACE.test(seps[g]!) ||
        (/\s/.test(seps[g]!) &&
          (sep === '/' || groups[g]!.length === 4 || groups[g + 2]!.length === 4))) &&
      // … nor the start of a longer run of groups ("0800-12-12-12").
      (g + 3 >= groups.length || seps[g + 3] !== sep)
    )
      blocked[g] = blocked[g + 1] = blocked[g + 2] = true;
  }
  // "Zimmer 4 901 35 904": the first group is the room's number (LU would read 4901 35904).
  if (
    !cand.plus &&
    groups.length > 1 &&
    groups[0]!.length <= 4 &&
    PURE_SPACE.test(seps[1]!) &&
    PLACE_LABEL.test(s.slice(Math.max(0, cand.start - 24), cand.start))
  )
    blocked[0] = true;
  // "… 6701) 12%": the last group is an amount.
  const last = groups.length - 1;
  if (last > 0 && CURRENCY_AFTER.test(s.slice(cand.ends[last]!, cand.ends[last]! + 5)))
    blocked[last] = true;
  return blocked;
}

/**
 * A run of groups [from, to) that is not the whole candidate must leave no digits unaccounted
 * for: it is cut off at a slash ("…2345/332-…"), or at a space when its own groups are not
 * space-separated ("Room 12 415-555-2671", not the tail "7493 524" of "0 1800 7493 524").
 */
function isCut(
  cand: Candidate,
  from: number,
  to: number,
  blocked: boolean[],
  afterAreaCode: boolean,
): boolean {
  for (let g = from; g < to; g++) if (blocked[g]) return false;
  const cuts: string[] = [];
  // Next to a date or an amount, and at an opening bracket ("Zimmer 4 (02717 956 137)"), a run
  // starts or ends anyway.
  if (from > 0 && !blocked[from - 1] && !hasOpeningBracket(cand.seps[from]!))
    cuts.push(cand.seps[from]!);
  if (to < cand.groups.length && !blocked[to]) cuts.push(cand.seps[to]!);
  if (cuts.length === 0) return true;
  let spaced = false;
  for (let g = from + 1; g < to; g++) if (PURE_SPACE.test(cand.seps[g]!)) spaced = true;
  // A group starting with 0 before the run is a trunk or international prefix of it ("0 1800 …"),
  // and so is an area code before " / " or " - " ("0664 / 123 45 67": never the tail alone).
  if (
    from > 0 &&
    !blocked[from - 1] &&
    (!cand.seps[from]!.includes('/') || afterAreaCode) &&
    cand.groups[from - 1]![0] === '0'
  )
    return false;
  return cuts.every((x) => x.includes('/') || (/\s/.test(x) && !spaced));
}

/** Whether groups [from, to) alone are a valid number. */
function isNumberOf(cand: Candidate, from: number, to: number, country: string): boolean {
  const digits = digitsOf(cand, from, to);
  return (
    digits.length >= MIN_DIGITS &&
    digits.length <= MAX_DIGITS &&
    readPhone(digits, from === 0 && cand.plus, country) !== null
  );
}

function matchCandidate(s: string, cand: Candidate, country: string): { match: PhoneMatch } | null {
  const total = cand.groups.length;
  const blocked = blockedGroups(s, cand);
  // Longest run of groups first; shorter runs only where no digit is left unaccounted for.
  for (let from = 0; from < total; from++) {
    // " / " or " - " separates the numbers of a list, or an area code from the rest of one
    // ("030 / 1234567", the German and Austrian way): a list only when a number comes before it,
    // and no run from here goes past the first such list separator.
    let listAt = total;
    for (let g = from + 1; g < total && listAt === total; g++)
      if (LIST_SEP.test(cand.seps[g]!) && isNumberOf(cand, from, g, country)) listAt = g;
    const afterAreaCode =
      from > 0 && LIST_SEP.test(cand.seps[from]!) && !isNumberOf(cand, 0, from, country);
    for (let to = listAt; to > from; to--) {
      if (!isCut(cand, from, to, blocked, afterAreaCode)) continue;
      const digits = digitsOf(cand, from, to);
      if (digits.length < MIN_DIGITS || digits.length > MAX_DIGITS) continue;
      const plus = from === 0 && cand.plus;
      const valid = readPhone(digits, plus, country);
      if (!valid) continue;
      // Longer than E.164 allows: these digits are one number we cannot dial, not several.
      if (!fitsE164(valid)) return null;
      const start = from === 0 ? cand.start : cand.starts[from]!;
      // "(415) 555-2671", "[415] 555-2671": the opening bracket belongs to the number.
      let realStart =
        from > 0 && isOpeningBracket(cand.seps[from]!.at(-1)) ? cand.starts[from]! - 1 : start;
      // "(+33) 1 42 68 53 00": the country code in brackets.
      if (plus && isOpeningBracket(s[start - 1]) && isClosingBracket(cand.seps[1]?.[0]))
        realStart = start - 1;
      const end = cand.ends[to - 1]!;
      const span = s.slice(realStart, end);
      if (
        !bracketsBalanced(span) &&
        !(isClosingBracket(s[end]) && bracketsBalanced(span + s[end]))
      ) {
        // "(415-555-2671)", "(8 (751) 929 7567)": the brackets enclose the number.
        if (isOpeningBracket(span[0]) && bracketsBalanced(span.slice(1))) realStart++;
        else continue;
      }
      const shapeCand = plus ? cand : { ...cand, plus: false };
      if (!plus && isLookAlikeShape(shapeCand, from, to, valid, country)) continue;
      const digitsEnd = cand.ends[to - 1]!;
      EXTENSION.lastIndex = digitsEnd;
      const ext = EXTENSION.exec(s);
      const fullEnd = ext ? EXTENSION.lastIndex : digitsEnd;
      if (isLookAlikeContext(s, realStart, ext ? fullEnd : digitsEnd)) return null;
      const formatted = formatInternational(valid) + (ext ? ` ext. ${ext[1]}` : '');
      return {
        match: {
          start: realStart,
          end: ext ? fullEnd : digitsEnd,
          target: toTarget(valid, ext?.[1]),
          formatted,
          country: valid.country,
        },
      };
    }
  }
  return null;
}
