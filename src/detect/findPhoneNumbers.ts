// Finds valid phone numbers in plain text and rejects look-alikes (dates, money, IPs, labelled ids…).
import type { Target } from '../contract/target';
import { formatInternational, validatePhone, type ValidNumber } from './phoneMetadata';

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
const MAX_DIGITS = 17;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isAsciiAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 122) || c === 95;
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

/** Cheap pre-check: does the text hold enough digits (ASCII or full-width) to contain a number? */
export function mayContainPhoneNumber(text: string): boolean {
  let digits = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
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
    let c = text.charCodeAt(i);
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

/** Full-width ASCII variants (０-９, ＋, （） …) to ASCII, keeping every offset. */
function normalizeWidth(text: string): string {
  if (!/[\uff01-\uff5e]/.test(text)) return text;
  return text.replace(/[\uff01-\uff5e]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0));
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
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (isDigit(c)) {
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
    if (isSeparator(c) && sep.length < 3 && !(isSpace(s[i]!) && /\s/.test(sep))) {
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
const CURRENCY_AFTER =
  /^\s?(?:[$€£¥₹₩₽%‰円元]|(?:USD|EUR|GBP|JPY|CNY|RMB|CHF|CAD|AUD|INR|MXN|BRL)\b)/i;
const EXTENSION =
  /\s*,?\s*(?:(?:ext|extn|extension|ex|x|доб|内線|内线|分机|轉|转)\.?\s*[:.#]?\s*|#\s*)(\d{1,7})(?![\d\p{L}])/iuy;

function plausibleDate(a: string, b: string, c: string): boolean {
  const n = (x: string) => Number.parseInt(x, 10);
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
function isLookAlikeShape(c: Candidate, from: number, to: number): boolean {
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
  // Date followed by a time: 2024-03-15 14:30 (the time's colon ends the candidate).
  if (
    groups.length >= 3 &&
    /^[-/.]$/.test(seps[0] ?? '') &&
    seps[0] === seps[1] &&
    plausibleDate(groups[0]!, groups[1]!, groups[2]!)
  )
    return true;
  if (
    groups.length === 1 &&
    /^(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])$/.test(groups[0]!)
  )
    return true; // 20240315
  if (uniform === '.') {
    if (groups.length === 4 && groups.every((g) => g.length <= 3 && Number(g) <= 255)) return true; // IP
    if (groups.slice(1).some((g) => g.length === 1)) return true; // version 10.0.19045.2965
    if (
      groups.length >= 2 &&
      groups[0]!.length <= 3 &&
      groups.slice(1).every((g) => g.length === 3)
    )
      return true; // 1.234.567 thousands
  }
  if (
    uniform === ' ' &&
    !lead.includes('(') &&
    groups[0]!.length <= 2 &&
    groups.length >= 3 &&
    groups.slice(1).every((g) => g.length === 3)
  )
    return true; // 1 234 567
  if (
    groups.length === 2 &&
    seps[0] === '-' &&
    groups[0]!.length === 5 &&
    (groups[1]!.length === 4 || groups[1]!.length === 3)
  )
    return true; // ZIP+4, CEP
  // Unseparated national digits shorter than 8 are more often counts or ids than numbers.
  if (groups.length === 1 && !lead.includes('(') && groups[0]!.length < 8) return true;
  return false;
}

/** Look-alikes judged from what surrounds the digits. */
function isLookAlikeContext(s: string, start: number, end: number): boolean {
  const p1 = s.charCodeAt(start - 1);
  const p2 = s.charCodeAt(start - 2);
  if (start > 0) {
    if (isAsciiAlnum(p1)) return true; // ABC123…, part of an identifier
    const pc = s[start - 1]!;
    if ('#@/=&_\\'.includes(pc)) return true; // #1234567, user@, /path/, id=
    if ((pc === '-' || pc === '–') && isAsciiAlnum(p2)) return true; // INV-2024…
    if ((pc === '.' || pc === ',' || pc === ':') && isDigit(p2)) return true; // 12.3, 10:30
  }
  const n1 = s.charCodeAt(end);
  const n2 = s.charCodeAt(end + 1);
  if (end < s.length) {
    if (isAsciiAlnum(n1)) return true;
    const nc = s[end]!;
    if ((nc === '.' || nc === ',' || nc === ':') && isDigit(n2)) return true; // decimals, times, IPs
    if (nc === '@' || nc === '/' || nc === '_') return true;
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

function matchCandidate(s: string, cand: Candidate, country: string): { match: PhoneMatch } | null {
  const total = cand.groups.length;
  // Longest run of groups first; shorter runs only end at a space or slash ("… 2671 / 415 …").
  for (let from = 0; from < total; from++) {
    if (from > 0 && !/\s/.test(cand.seps[from]!)) continue;
    for (let to = total; to > from; to--) {
      if (to < total && !/[\s/]/.test(cand.seps[to]!)) continue;
      const digits = digitsOf(cand, from, to);
      if (digits.length < MIN_DIGITS || digits.length > MAX_DIGITS) continue;
      const plus = from === 0 && cand.plus;
      const valid = validatePhone(digits, plus, country);
      if (!valid) continue;
      const start = from === 0 ? cand.start : cand.starts[from]!;
      // "(415) 555-2671": the opening parenthesis belongs to the number.
      const realStart = from > 0 && cand.seps[from]!.endsWith('(') ? cand.starts[from]! - 1 : start;
      const end = cand.ends[to - 1]!;
      const shapeCand = plus ? cand : { ...cand, plus: false };
      if (!plus && isLookAlikeShape(shapeCand, from, to)) return null;
      EXTENSION.lastIndex = end;
      const ext = EXTENSION.exec(s);
      const fullEnd = ext ? EXTENSION.lastIndex : end;
      if (isLookAlikeContext(s, realStart, fullEnd)) return null;
      const formatted = formatInternational(valid) + (ext ? ` ext. ${ext[1]}` : '');
      return {
        match: {
          start: realStart,
          end: fullEnd,
          target: toTarget(valid, ext?.[1]),
          formatted,
          country: valid.country,
        },
      };
    }
  }
  return null;
}
