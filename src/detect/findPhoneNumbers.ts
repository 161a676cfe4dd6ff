// Finds valid phone numbers in plain text and rejects look-alikes (dates, money, IPs, labelled ids…).
import type { Target } from '../contract/target';
import {
  fitsE164,
  formatInternational,
  nationalLengths,
  readPhone,
  type ValidNumber,
} from './phoneMetadata';

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

const MIN_DIGITS = 7;
// An IDD prefix (up to 4 digits) and 15 digits of E.164.
const MAX_DIGITS = 19;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isAsciiAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 122) || c === 95;
}
// Letters (any script written with spaces between words) and combining marks: "É415…", "Ré415…",
// "…7777É" are identifiers. Chinese, Japanese, Korean and South-East Asian text runs words into
// numbers ("電話03-1234-5678まで"), so those scripts do not count.
const WORD_CHAR = /[\p{L}\p{M}]/u;
const UNSPACED_SCRIPT =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}\u3000-\u303f\u30fc\uff66-\uff9f]/u;
/** Whether the character at `i` continues an identifier (an ASCII letter or digit, `_`, a letter, a mark). */
function isWordAt(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  if (Number.isNaN(c)) return false;
  if (isAsciiAlnum(c)) return true;
  if (c < 0xc0) return false;
  // Letters outside the BMP come as surrogate pairs: read the whole code point.
  const cp = s.codePointAt(c >= 0xdc00 && c <= 0xdfff && i > 0 ? i - 1 : i)!;
  const ch = String.fromCodePoint(cp);
  return WORD_CHAR.test(ch) && !UNSPACED_SCRIPT.test(ch);
}
/** Separators allowed between digit groups of one number (source newlines render as spaces). */
function isSeparator(c: number): boolean {
  return (
    c === 32 || // space
    c === 9 ||
    c === 10 ||
    c === 13 ||
    c === 0xa0 ||
    c === 0x2009 ||
    c === 0x202f ||
    c === 0x3000 ||
    c === 45 || // -
    (c >= 0x2010 && c <= 0x2013) ||
    c === 46 || // .
    c === 47 || // /
    c === 40 || // (
    c === 41 // )
  );
}
function isSpace(ch: string): boolean {
  return (
    ch === ' ' ||
    ch === '\n' ||
    ch === '\t' ||
    ch === '\r' ||
    ch === '\u00a0' ||
    ch === '\u2009' ||
    ch === '\u202f' ||
    ch === '\u3000'
  );
}

/** Arabic-Indic (٠-٩) and Extended Arabic-Indic (۰-۹) digits to ASCII; anything else unchanged. */
function asciiDigit(c: number): number {
  if (c >= 0x660 && c <= 0x669) return c - 0x660 + 48;
  if (c >= 0x6f0 && c <= 0x6f9) return c - 0x6f0 + 48;
  return c;
}

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
 * `openEnd`) may continue there: then the node's digit count decides, as in mayContainPhoneNumber.
 */
export function mayContainPhoneRun(text: string, openStart: boolean, openEnd: boolean): boolean {
  let run = 0;
  let total = 0;
  let edge = openStart; // the current run began at an open edge
  for (let i = 0; i < text.length; i++) {
    let c = asciiDigit(text.charCodeAt(i));
    if (c >= 0xff01 && c <= 0xff5e) c -= 0xfee0;
    if (c >= 48 && c <= 57) {
      if (++run >= MIN_DIGITS) return true;
      total++;
    } else if (!isSeparator(c) && c !== 43 /* + */) {
      if (edge && run > 0 && total >= MIN_DIGITS) return true;
      run = 0;
      edge = false;
    }
  }
  return (openEnd || edge) && run > 0 && total >= MIN_DIGITS;
}

/** Full-width ASCII variants (０-９, ＋, （） …) and Arabic-Indic digits to ASCII, keeping every offset. */
function normalizeWidth(text: string): string {
  if (!/[\uff01-\uff5e\u0660-\u0669\u06f0-\u06f9]/.test(text)) return text;
  return text.replace(/[\uff01-\uff5e\u0660-\u0669\u06f0-\u06f9]/g, (ch) => {
    const c = ch.charCodeAt(0);
    return String.fromCharCode(c >= 0xff01 ? c - 0xfee0 : asciiDigit(c));
  });
}

interface Candidate {
  start: number;
  plus: boolean;
  groups: string[];
  /** Start/end offsets of each group. */
  starts: number[];
  ends: number[];
  /** Separator text before each group (index 0: before the first group, after `+`). */
  seps: string[];
}

function readCandidate(s: string, i: number): Candidate {
  const start = i;
  let plus = false;
  if (s[i] === '+') {
    plus = true;
    i++;
    if (isSpace(s[i] ?? '')) i++;
  }
  const groups: string[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  const seps: string[] = [];
  let sep = '';
  let groupStart = -1;
  let digits = 0;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (isDigit(c)) {
      digits++;
      if (groupStart < 0) {
        groupStart = i;
        seps.push(sep);
        sep = '';
      }
      i++;
      continue;
    }
    if (groupStart >= 0) {
      groups.push(s.slice(groupStart, i));
      starts.push(groupStart);
      ends.push(i);
      groupStart = -1;
    }
    if (isSeparator(c) && isSpace(s[i]!) && /\s$/.test(sep)) {
      i++; // a run of whitespace renders as one space (source indentation, line breaks)
      continue;
    }
    // `~` waits for a second dial tone after a prefix ("0~0 1 650 …"); later it is a range (10~20).
    const dialWait = c === 126 && digits > 0 && digits <= 4 && !sep.includes('~');
    if ((isSeparator(c) || dialWait) && sep.length < 3 && !(isSpace(s[i]!) && /\s/.test(sep))) {
      sep += s[i];
      i++;
      continue;
    }
    break;
  }
  if (groupStart >= 0) {
    groups.push(s.slice(groupStart, i));
    starts.push(groupStart);
    ends.push(i);
  }
  // A last group that starts a time ("… 2671 10:30") is not part of the number.
  const last = ends.length - 1;
  if (last > 0 && s[ends[last]!] === ':' && isDigit(s.charCodeAt(ends[last]! + 1))) {
    groups.pop();
    starts.pop();
    ends.pop();
    seps.pop();
  }
  return { start, plus, groups, starts, ends, seps };
}

// Labels of identifiers that look like numbers: "Order #", "INV-", "Acct", "Ticket", "Ref" …
// One word may sit between label and digits ("Réf. client 01…") unless it says phone.
const ID_LABEL =
  /(?:\b(?:orders?|invoices?|inv|acct|accounts?|a\/c|tickets?|tkt|case|ref|réf|reference|référence|po|sku|tracking|serial|s\/n|confirmation|conf|booking|transaction|txn|receipt|quote|contract|id|vin|iban|isbn|ein|ssn|vat|tax|pedido|factura|cuenta|referencia|commande|devis|facture|dossier|contrat|bestellung|bestellnummer|rechnung|rechnungsnummer|kundennummer|kundennr|auftrag|vertrag)\.?(?:\s+(\p{L}+)\.?)?\s*(?:no\.?|nr\.?|num(?:ber)?\.?|n[º°o]\.?|#|id|code)?|注文番号|請求書番号|伝票番号|受付番号|订单号?|订单编号|发票号?|单号|编号)\s*[:#.\-–]?\s*$/iu;
const PHONE_WORD =
  /^(?:phone|tel|tél|telephone|téléphone|telefon|teléfono|mobile|mobil|móvil|portable|cell|fax|direct|office|home|work|main|contact|hotline|number)$/i;

function hasIdLabel(before: string): boolean {
  const m = ID_LABEL.exec(before);
  return m !== null && !(m[1] && PHONE_WORD.test(m[1]));
}
const VERSION_LABEL = /\b(?:v|ver|version|build|release|rev|revision)\.?\s*$/i;
const CURRENCY_BEFORE =
  /(?:[$€£¥₹₩₽¢]|\b(?:USD|EUR|GBP|JPY|CNY|RMB|CHF|CAD|AUD|INR|MXN|BRL)\b)\s?$/i;
// "4155552671 USD", but not "415-555-2671 € 99,00" (the symbol of the next amount).
const CURRENCY_AFTER =
  /^\s?(?:[$€£¥₹₩₽%‰円元]|(?:USD|EUR|GBP|JPY|CNY|RMB|CHF|CAD|AUD|INR|MXN|BRL)\b)(?!\s?\d)/i;
const EXTENSION =
  /\s*[,/]?\s*(?:(?:ext|extn|extension|ex|x|int|доб|内線|内线|分机|轉|转)\.?\s*[:.#]?\s*|#\s*)(\d{1,7})(?![\d\p{L}])/iuy;

function plausibleDate(a: string, b: string, c: string): boolean {
  const n = (x: string) => Number.parseInt(x, 10);
  // Years of this and the last century only: "1800-10-10 22" is an Australian 1800 number.
  const year = (x: string) => x.length !== 4 || /^(?:19|20)/.test(x);
  if (!year(a) || !year(c)) return false;
  if (a.length === 4) return n(b) >= 1 && n(b) <= 12 && n(c) >= 1 && n(c) <= 31; // 2024-03-15
  if (c.length === 4 || c.length === 2) {
    const [x, y] = [n(a), n(b)];
    return (
      a.length <= 2 &&
      b.length <= 2 &&
      x >= 1 &&
      y >= 1 &&
      x <= 31 &&
      y <= 31 &&
      (x <= 12 || y <= 12)
    );
  }
  return false;
}

/** Look-alikes judged from the digits' own shape. */
function isLookAlikeShape(
  c: Candidate,
  from: number,
  to: number,
  valid: ValidNumber,
  country: string,
): boolean {
  const groups = c.groups.slice(from, to);
  const seps = c.seps.slice(from + 1, to);
  const uniform = seps.length > 0 && seps.every((x) => x === seps[0]) ? seps[0]! : null;
  if (c.plus) return false;
  const lead = c.seps[from] ?? '';
  if (
    groups.length === 3 &&
    uniform &&
    '-/.'.includes(uniform) &&
    plausibleDate(groups[0]!, groups[1]!, groups[2]!)
  )
    return true;
  // Date followed by a time: 2024-03-15 14 30; not "09.02.78.58.22" (French pairs).
  if (
    groups.length >= 3 &&
    /^[-/.]$/.test(seps[0] ?? '') &&
    seps[0] === seps[1] &&
    (groups.length === 3 || /\s/.test(seps[2]!)) &&
    plausibleDate(groups[0]!, groups[1]!, groups[2]!)
  )
    return true;
  if (
    groups.length === 1 &&
    /^(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])$/.test(groups[0]!)
  )
    return true; // 20240315
  // Decimals: "80.585 (79.964)", "(80).(585) (79).(9)64" — a dot mixed with other separators
  // (unless grouped as the plan writes the number, "073-407.60.64").
  const dots = seps.filter((x) => x.includes('.'));
  if (dots.some((x) => x !== '.')) return true;
  if (dots.length >= 2 && dots.length < seps.length && !groupedAsPlan(groups, valid)) return true;
  const shape = groupingShape(groups, uniform, seps, lead);
  if (shape) {
    // Groups just as the numbering plan writes them ("61 756 792", "26.41.31.76", "03222-0500")
    // are the number, not thousands, versions or postal codes; IP addresses stay addresses unless
    // written in pairs.
    if (!groupedAsPlan(groups, valid)) return true;
    return shape === 'ip' && !groups.every((g) => g.length === 2);
  }
  // Unseparated national digits shorter than 8 are more often counts or ids than numbers, except
  // where the plan has no longer numbers or writes this one so.
  if (groups.length === 1 && !lead.includes('(') && groups[0]!.length < 8) {
    const lengths = nationalLengths(country);
    if (lengths && lengths.max <= 7 && valid.country === country) return false;
    return !groupedAsPlan(groups, valid);
  }
  return false;
}

/** Thousands, versions, IP addresses and postal codes, judged from the groups alone. */
function groupingShape(
  groups: string[],
  uniform: string | null,
  seps: string[],
  lead: string,
): 'ip' | 'version' | 'thousands' | 'postal' | null {
  if (uniform === '.') {
    if (groups.length === 4 && isIp(groups)) return 'ip';
    if (groups.slice(1).some((g) => g.length === 1)) return 'version'; // 10.0.19045.2965
    if (
      groups.length >= 2 &&
      groups[0]!.length <= 3 &&
      groups.slice(1).every((g) => g.length === 3)
    )
      return 'thousands'; // 1.234.567
  }
  if (
    uniform === ' ' &&
    !lead.includes('(') &&
    groups[0]!.length <= 2 &&
    groups.length >= 3 &&
    groups.slice(1).every((g) => g.length === 3)
  )
    return 'thousands'; // 1 234 567
  if (
    groups.length === 2 &&
    seps[0] === '-' &&
    groups[0]!.length === 5 &&
    (groups[1]!.length === 4 || groups[1]!.length === 3)
  )
    return 'postal'; // ZIP+4, CEP
  return null;
}

function isIp(groups: string[]): boolean {
  // "020.67.197.51" (Madagascar) is a number: addresses are not written with leading zeros.
  return groups.every((g) => g.length <= 3 && Number(g) <= 255 && (g === '0' || g[0] !== '0'));
}

/** Whether the written groups, past any prefix digits, are the plan's international grouping. */
function groupedAsPlan(groups: string[], valid: ValidNumber): boolean {
  const plan = formatInternational(valid).split(' ').slice(1);
  let prefix = groups.join('').length - valid.nationalNumber.length;
  const written = groups.map((g) => g.length);
  while (written.length > 0 && prefix >= written[0]!) prefix -= written.shift()!;
  if (written.length === 0) return false;
  written[0]! -= prefix;
  return written.length === plan.length && written.every((n, k) => n === plan[k]!.length);
}

/** Look-alikes judged from what surrounds the digits. */
function isLookAlikeContext(s: string, start: number, end: number): boolean {
  const p2 = s.charCodeAt(start - 2);
  if (start > 0) {
    if (isWordAt(s, start - 1)) return true; // ABC123…, É415…, part of an identifier
    const pc = s[start - 1]!;
    if ('#@=&_\\'.includes(pc)) return true; // #1234567, user@, id=
    // /path/4155552671, but "…2345/332-445-1234" and "Tel / 415…" list numbers.
    if (pc === '/' && !(start > 1 && (isDigit(p2) || isSpace(s[start - 2]!)))) return true;
    if ((pc === '-' || pc === '–') && isWordAt(s, start - 2)) return true; // INV-2024…
    if ((pc === '.' || pc === ',' || pc === ':') && isDigit(p2)) return true; // 12.3, 10:30
  }
  const n2 = s.charCodeAt(end + 1);
  if (end < s.length) {
    if (isWordAt(s, end)) return true;
    const nc = s[end]!;
    if ((nc === '.' || nc === ',' || nc === ':') && isDigit(n2)) return true; // decimals, times, IPs
    if (nc === '@' || nc === '_') return true;
  }
  // Whitespace collapsed, as the page shows it: indentation must not push a label out of reach.
  const before = s
    .slice(Math.max(0, start - 80), start)
    .replace(/\s+/g, ' ')
    .slice(-32);
  if (CURRENCY_BEFORE.test(before) || CURRENCY_AFTER.test(s.slice(end, end + 5))) return true;
  if (hasIdLabel(before) || VERSION_LABEL.test(before)) return true;
  if (before.endsWith('〒') || before.endsWith('〒 ')) return true; // Japanese postal code
  return false;
}

function toTarget(valid: ValidNumber, ext: string | undefined): PhoneTarget {
  return ext ? { kind: 'phone', e164: valid.e164, ext } : { kind: 'phone', e164: valid.e164 };
}

/** Digits of groups [from, to) as written, dropping an "(0)" trunk marker after a `+` code. */
function digitsOf(c: Candidate, from: number, to: number): string {
  let out = '';
  for (let g = from; g < to; g++) {
    if (c.plus && g === from + 1 && c.groups[g] === '0' && c.seps[g]!.includes('(')) continue;
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
      (c === 40 /* ( */ && isDigit(s.charCodeAt(i + 1)));
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

/** Whether the brackets of `text` pair up ("(415) 555-2671"; not "213(3734253"). */
function bracketsBalanced(text: string): boolean {
  let depth = 0;
  for (let k = 0; k < text.length; k++) {
    const ch = text[k];
    if (ch === '(') {
      if (++depth > 1) return false;
    } else if (ch === ')' && --depth < 0) return false;
  }
  return depth === 0;
}

const PURE_SPACE = /^\s+$/;
const LIST_SLASH = /\s\/|\/\s/;

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
      // A date of its own, not groups of a number ("(8 240) 8-16-13", Turkmenistan) …
      (g === 0 ||
        PURE_SPACE.test(seps[g]!) ||
        (/\s/.test(seps[g]!) && (sep === '/' || groups[g + 2]!.length === 4))) &&
      // … nor the start of a longer run of groups ("0800-12-12-12").
      (g + 3 >= groups.length || seps[g + 3] !== sep)
    )
      blocked[g] = blocked[g + 1] = blocked[g + 2] = true;
  }
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
function isCut(cand: Candidate, from: number, to: number, blocked: boolean[]): boolean {
  for (let g = from; g < to; g++) if (blocked[g]) return false;
  // " / " separates numbers of a list, never digits of one.
  for (let g = from + 1; g < to; g++) if (LIST_SLASH.test(cand.seps[g]!)) return false;
  const cuts: string[] = [];
  // Next to a date or an amount, and at an opening bracket ("Zimmer 4 (02717 956 137)"), a run
  // starts or ends anyway.
  if (from > 0 && !blocked[from - 1] && !cand.seps[from]!.includes('('))
    cuts.push(cand.seps[from]!);
  if (to < cand.groups.length && !blocked[to]) cuts.push(cand.seps[to]!);
  if (cuts.length === 0) return true;
  let spaced = false;
  for (let g = from + 1; g < to; g++) if (PURE_SPACE.test(cand.seps[g]!)) spaced = true;
  // A group starting with 0 before the run is a trunk or international prefix of it ("0 1800 …").
  if (
    from > 0 &&
    !blocked[from - 1] &&
    !cand.seps[from]!.includes('/') &&
    cand.groups[from - 1]![0] === '0'
  )
    return false;
  return cuts.every((x) => x.includes('/') || (/\s/.test(x) && !spaced));
}

function matchCandidate(s: string, cand: Candidate, country: string): { match: PhoneMatch } | null {
  const total = cand.groups.length;
  const blocked = blockedGroups(s, cand);
  // Longest run of groups first; shorter runs only where no digit is left unaccounted for.
  for (let from = 0; from < total; from++) {
    for (let to = total; to > from; to--) {
      if (!isCut(cand, from, to, blocked)) continue;
      const digits = digitsOf(cand, from, to);
      if (digits.length < MIN_DIGITS || digits.length > MAX_DIGITS) continue;
      const plus = from === 0 && cand.plus;
      const valid = readPhone(digits, plus, country);
      if (!valid) continue;
      // Longer than E.164 allows: these digits are one number we cannot dial, not several.
      if (!fitsE164(valid)) return null;
      const start = from === 0 ? cand.start : cand.starts[from]!;
      // "(415) 555-2671": the opening parenthesis belongs to the number.
      let realStart = from > 0 && cand.seps[from]!.endsWith('(') ? cand.starts[from]! - 1 : start;
      const end = cand.ends[to - 1]!;
      const span = s.slice(realStart, end);
      if (!bracketsBalanced(span) && !(s[end] === ')' && bracketsBalanced(`${span})`))) {
        // "(415-555-2671)", "(8 (751) 929 7567)": the brackets enclose the number.
        if (span[0] === '(' && bracketsBalanced(span.slice(1))) realStart++;
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
