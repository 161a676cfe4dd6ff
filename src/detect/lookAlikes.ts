// Look-alikes of phone numbers: dates, decimals, thousands, versions, IPs, postal codes, labelled ids.
import type { Candidate } from './candidate';
import { formatInternational, nationalLengths, type ValidNumber } from './phoneMetadata';
import { hasOpeningBracket, isDigit, isSpace, isWordAt } from './textChars';

// One word may sit between label and digits ("Réf. client 01…") unless it says phone.
export const ID_LABEL =
  /(?:\b(?:orders?|invoices?|inv|acct|accounts?|a\/c|tickets?|tkt|case|ref|réf|reference|référence|po|sku|tracking|serial|s\/n|confirmation|conf|booking|transaction|txn|receipt|quote|contract|id|vin|iban|isbn|ein|ssn|vat|tax|pedido|factura|cuenta|referencia|commande|devis|facture|dossier|contrat|bestellung|bestellnummer|rechnung|rechnungsnummer|kundennummer|kundennr|auftrag|vertrag)\.?(?:\s+(\p{L}+)\.?)?\s*(?:no\.?|nr\.?|num(?:ber)?\.?|n[º°o]\.?|#|id|code)?|注文番号|請求書番号|伝票番号|受付番号|订单号?|订单编号|发票号?|单号|编号)\s*[:#.\-–]?\s*$/iu;
export const PHONE_WORD =
  /^(?:phone|tel|tél|telephone|téléphone|telefon|teléfono|mobile|mobil|móvil|portable|cell|fax|direct|office|home|work|main|contact|hotline|number)$/i;

export function hasIdLabel(before: string): boolean {
  const m = ID_LABEL.exec(before);
  return m !== null && !(m[1] && PHONE_WORD.test(m[1]));
}
// "Room 12 415 555 2671": the group after a room, floor or box label is that place's number. Not
// "office" or "Büro": those label the office's phone.
export const PLACE_LABEL =
  /\b(?:room|rm|suite|ste|apt|apartment|unit|floor|fl|bldg|building|box|zimmer|raum|etage|stock|salle|chambre|habitación|piso|planta)\.?\s*(?:no\.?|nr\.?|#)?\s*$/iu;
export const VERSION_LABEL = /\b(?:v|ver|version|build|release|rev|revision)\.?\s*$/i;
export const CURRENCY_BEFORE =
  /(?:[$€£¥₹₩₽¢]|\b(?:USD|EUR|GBP|JPY|CNY|RMB|CHF|CAD|AUD|INR|MXN|BRL)\b)\s?$/i;
// "4155552671 USD", but not "415-555-2671 € 99,00" (the symbol of the next amount).
export const CURRENCY_AFTER =
  /^\s?(?:[$€£¥₹₩₽%‰円元]|(?:USD|EUR|GBP|JPY|CNY|RMB|CHF|CAD|AUD|INR|MXN|BRL)\b)(?!\s?\d)/i;

export function plausibleDate(a: string, b: string, c: string): boolean {
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
export function isLookAlikeShape(
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
  if (groups.length === 1 && !hasOpeningBracket(lead) && groups[0]!.length < 8) {
    const lengths = nationalLengths(country);
    if (lengths && lengths.max <= 7 && valid.country === country) return false;
    return !groupedAsPlan(groups, valid);
  }
  return false;
}

/** Thousands, versions, IP addresses and postal codes, judged from the groups alone. */
export function groupingShape(
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
    !hasOpeningBracket(lead) &&
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

export function isIp(groups: string[]): boolean {
  // "020.67.197.51" (Madagascar) is a number: addresses are not written with leading zeros.
  return groups.every((g) => g.length <= 3 && Number(g) <= 255 && (g === '0' || g[0] !== '0'));
}

/** Whether the written groups, past any prefix digits, are the plan's international grouping. */
export function groupedAsPlan(groups: string[], valid: ValidNumber): boolean {
  const plan = formatInternational(valid).split(' ').slice(1);
  let prefix = groups.join('').length - valid.nationalNumber.length;
  const written = groups.map((g) => g.length);
  while (written.length > 0 && prefix >= written[0]!) prefix -= written.shift()!;
  if (written.length === 0) return false;
  written[0]! -= prefix;
  return written.length === plan.length && written.every((n, k) => n === plan[k]!.length);
}

/** Look-alikes judged from what surrounds the digits. */
export function isLookAlikeContext(s: string, start: number, end: number): boolean {
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
