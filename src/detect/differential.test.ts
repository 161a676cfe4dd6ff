// Differential test: our finder against libphonenumber-js's own matcher (max metadata, default
// leniency) on a generated corpus of numbers of every region and type, written as people write
// them and set in text of several scripts among dates, prices, ids, slashes and brackets.
// Deliberate differences are listed in docs/detection.md ("Accuracy against libphonenumber").
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  findPhoneNumbersInText,
  getCountries,
  getCountryCallingCode,
  parsePhoneNumberFromString,
  type CountryCode,
  type NumberType,
} from 'libphonenumber-js/max';
import maxJson from 'libphonenumber-js/max/metadata';
import { parseTargetUri, targetToUri } from '../contract/target';
import { findPhoneNumbers, type PhoneMatch } from './findPhoneNumbers';

/** Small deterministic PRNG (LCG) so every run sees the same corpus. */
function rng(seed: number) {
  return () => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
}
type Random = () => number;
const pick = <T>(r: Random, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

// --- A sampler for the regular expressions of the metadata (digits, classes, groups, |, ?, {n,m}).
type Node =
  | { k: 'alt'; options: Node[][] }
  | { k: 'set'; chars: string }
  | { k: 'rep'; node: Node; min: number; max: number };

function parsePattern(src: string): Node {
  let i = 0;
  const alt = (): Node => {
    const options: Node[][] = [[]];
    while (i < src.length && src[i] !== ')') {
      if (src[i] === '|') {
        i++;
        options.push([]);
        continue;
      }
      let node = atom();
      const q = src[i];
      if (q === '?') {
        i++;
        node = { k: 'rep', node, min: 0, max: 1 };
      } else if (q === '*' || q === '+') {
        i++;
        node = { k: 'rep', node, min: q === '*' ? 0 : 1, max: 3 };
      } else if (q === '{') {
        const m = /^\{(\d+)(?:,(\d*))?\}/.exec(src.slice(i))!;
        i += m[0].length;
        const min = Number(m[1]);
        node = { k: 'rep', node, min, max: m[2] === undefined ? min : Number(m[2] || min + 3) };
      }
      options[options.length - 1]!.push(node);
    }
    return { k: 'alt', options };
  };
  const atom = (): Node => {
    const c = src[i]!;
    if (c === '(') {
      i += src.startsWith('(?:', i) ? 3 : 1;
      const node = alt();
      i++; // )
      return node;
    }
    if (c === '[') {
      const close = src.indexOf(']', i);
      const body = src.slice(i + 1, close);
      i = close + 1;
      let chars = '';
      for (let k = 0; k < body.length; k++) {
        if (body[k] === '\\' && body[k + 1] === 'd') {
          chars += '0123456789';
          k++;
        } else if (body[k + 1] === '-' && k + 2 < body.length) {
          for (let d = body.charCodeAt(k); d <= body.charCodeAt(k + 2); d++)
            chars += String.fromCharCode(d);
          k += 2;
        } else chars += body[k];
      }
      return { k: 'set', chars };
    }
    if (c === '\\') {
      i += 2;
      return { k: 'set', chars: '0123456789' };
    }
    i++;
    return { k: 'set', chars: c };
  };
  return alt();
}

function sample(node: Node, r: Random): string {
  switch (node.k) {
    case 'set':
      return pick(r, node.chars.split(''));
    case 'rep': {
      const n = node.min + Math.floor(r() * (node.max - node.min + 1));
      let out = '';
      for (let k = 0; k < n; k++) out += sample(node.node, r);
      return out;
    }
    case 'alt':
      return pick(r, node.options)
        .map((n) => sample(n, r))
        .join('');
  }
}

// --- Numbers of every region and type, valid for libphonenumber-js max.
const TYPES: NumberType[] = [
  'FIXED_LINE',
  'MOBILE',
  'TOLL_FREE',
  'PREMIUM_RATE',
  'SHARED_COST',
  'VOIP',
  'PERSONAL_NUMBER',
  'PAGER',
  'UAN',
  'VOICEMAIL',
];
const TYPE_INDEX = 11;

interface Sampled {
  country: CountryCode;
  type: NumberType;
  e164: string;
}

function sampleNumbers(r: Random, perType: number): Sampled[] {
  const out: Sampled[] = [];
  const countries = (maxJson as unknown as { countries: Record<string, unknown[]> }).countries;
  for (const country of getCountries()) {
    const types = countries[country]![TYPE_INDEX] as (0 | [string, number[]?])[] | undefined;
    if (!types) continue;
    const cc = getCountryCallingCode(country);
    types.forEach((t, index) => {
      if (!t || !t[0]) return;
      const type = TYPES[index]!;
      const node = parsePattern(t[0]);
      const seen = new Set<string>();
      for (let tries = 0; tries < 60 && seen.size < perType; tries++) {
        const national = sample(node, r);
        const number = parsePhoneNumberFromString(`+${cc}${national}`);
        if (!number?.isValid() || number.country !== country || seen.has(number.number)) continue;
        seen.add(number.number);
        out.push({ country, type, e164: number.number });
      }
    });
  }
  return out;
}

// --- Writing a number as people do, in text.
const OTHER_COUNTRIES: CountryCode[] = ['US', 'GB', 'DE', 'FR', 'JP', 'IN', 'BR', 'SG', 'AU', 'AE'];

function written(
  r: Random,
  n: Sampled,
): { text: string; bare: string; country: CountryCode; e164: string } {
  const number = parsePhoneNumberFromString(n.e164)!;
  const style = r();
  let text: string;
  let country: CountryCode = n.country;
  if (style < 0.4) {
    text = number.formatNational();
  } else if (style < 0.75) {
    text = number.formatInternational();
    country = pick(r, OTHER_COUNTRIES);
    // The country code in brackets, "(+33) 1 42 68 53 00".
    if (style > 0.7) text = text.replace(/^\+(\d+) /, '(+$1) ');
  } else if (style < 0.85) {
    text = number.number;
    country = pick(r, OTHER_COUNTRIES);
  } else {
    // Dialled from another country with that country's international prefix ("011 44 …").
    country = pick(
      r,
      OTHER_COUNTRIES.filter((c) => c !== n.country),
    );
    text = number.format('IDD', { fromCountry: country }) ?? number.formatInternational();
  }
  const sep = r();
  if (sep < 0.15) text = text.replace(/ /g, '-');
  else if (sep < 0.25 && !text.includes('(')) text = text.replace(/ /g, '.');
  else if (sep < 0.3) text = text.replace(/[ -]/g, '');
  // The area code set off by " / " or " - " (the old German style, "030 / 1234567").
  else if (sep < 0.36 && style < 0.4 && !text.includes('(') && text.includes(' '))
    text = text.replace(' ', pick(r, [' / ', ' - ']));
  // Typographic dashes, the minus sign, Japanese input's ー, invisible separators (pasted text).
  else if (sep < 0.4 && !text.includes('('))
    text = text.replace(/[ -]/g, pick(r, ['\u2013', '\u2014', '\u2212', '\u30fc', '\u200b']));
  // Square brackets for round ones ("[415] 555-2671", "[+33] 1 42 68 53 00"), as some write them;
  // chosen by `style`, so that the corpus is otherwise the one without them.
  if (style < 0.1 || style > 0.73) text = text.replace(/\((\+?\d+)\)/, '[$1]');
  const bare = text; // without an extension
  if (r() < 0.08) text += pick(r, [' ext. 12', ' x204', ' #3', ', ext 4471', ' int. 3456']);
  // What the text means (a few plans read one national form two ways, "03 02 48 11" in Gabon).
  const e164 = parsePhoneNumberFromString(text, country)?.number ?? n.e164;
  return { text, bare, country, e164 };
}

const LABELS = [
  'Tel:',
  'Phone',
  'Call',
  'Mobile:',
  'Fax:',
  'Téléphone :',
  'Teléfono:',
  'Телефон:',
  'Τηλ.',
  'هاتف:',
  'تلفن:',
  'טלפון:',
  'फ़ोन:',
  '電話',
  '電話番号：',
  '联系电话：',
  '전화',
  'โทร',
  'Contact',
  '',
];
const NOISE = [
  '2024-03-15',
  '15.03.2024',
  '03/15/2024',
  '10:30',
  '$1,234.56',
  '€ 99,00',
  '¥12,000',
  '12%',
  'ID A-12345',
  'SKU-99812',
  '#AB1234',
  'v2.4.1',
  'Room 12',
  'Zimmer 4',
  'Müller GmbH',
  'José Núñez',
  'Иван Петров',
  '山田太郎',
  'محمد',
  'Ελένη',
  '—',
  '/',
  '|',
  '[note]',
  '(office)',
  'and',
];

interface Snippet {
  text: string;
  country: CountryCode;
  /** The E.164 numbers written into the text. */
  planted: string[];
  /** Where each number is written in `text` (its extension left out), and what it means there. */
  written: { start: number; end: number; e164: string }[];
}

function snippet(r: Random, numbers: Sampled[], n: Sampled): Snippet {
  const first = written(r, n);
  const { text: number, country } = first;
  const planted = [n.e164, first.e164];
  const shown = [first];
  const parts: string[] = [];
  if (r() < 0.5) parts.push(pick(r, NOISE));
  const label = pick(r, LABELS);
  const wrap = r();
  const body =
    wrap < 0.1 ? `(${number})` : wrap < 0.15 ? `[${number}]` : wrap < 0.2 ? `"${number}"` : number;
  // Where the part holding each number starts: what comes before it in that part has no digits.
  const from = [parts.join(' ').length];
  parts.push(
    label ? `${label}${r() < 0.15 && /\p{Script=Han}/u.test(label) ? '' : ' '}${body}` : body,
  );
  const after = r();
  if (after < 0.12) {
    // A second number of the same country after a slash or a comma.
    const other = pick(r, numbers);
    const second = written(r, other);
    if (second.country === country) {
      planted.push(other.e164, second.e164);
      shown.push(second);
      from.push(parts.join(' ').length);
      parts.push(`${pick(r, ['/', ' / ', ', ', ' or ', '/Fax: '])}${second.text}`.trimStart());
    }
  } else if (after < 0.5) parts.push(pick(r, NOISE));
  let text = parts.join(' ');
  if (r() < 0.3) text += pick(r, ['.', ',', ';', ')', ' ', '!', '。']);
  const at = shown.map((w, k) => {
    const start = text.indexOf(w.bare, from[k]);
    return { start, end: start + w.bare.length, e164: w.e164 };
  });
  return { text, country, planted, written: at };
}

// --- The comparison.
/**
 * Why we deliberately do not report a number libphonenumber finds (docs/detection.md, "Accuracy
 * against libphonenumber"), or null when we should have.
 */
function deliberate(s: Snippet, t: NumberFound, ours: PhoneMatch[]): string | null {
  if (s.planted.includes(t.number.number))
    return excluded(s.text.slice(t.startsAt, t.endsAt), t.number.number, t.number.ext ?? '');
  // libphonenumber misreads the text (a date run into the digits, two things read as one). Where
  // that covers a number as written of which we found nothing, we missed it, unless we exclude it.
  const w = s.written.find(
    ({ start, end }) =>
      start < t.endsAt && t.startsAt < end && !ours.some((m) => m.start < end && start < m.end),
  );
  if (!w) return 'not what is written';
  const number = s.text.slice(w.start, w.end);
  // "ID A-12345 0137 7 629399": the id's digits and the number's spaced groups are one run, and all
  // digits of a run belong to one number.
  if (/\p{L}-?\d+ $/u.test(s.text.slice(0, w.start)) && /\d \d/.test(number))
    return 'in one run with an id';
  return excluded(number, w.e164, '');
}

/** Which of our exclusions a number written as `span` (with extension `ext`) falls under. */
function excluded(span: string, e164: string, ext: string): string | null {
  if (e164.length > 16) return 'longer than E.164';
  const digits = span.replace(/\D/g, '').length - ext.length;
  if (digits < 7 || e164.length < 8) return 'fewer than 7 digits';
  const number = span.slice(0, ext ? span.lastIndexOf(ext) : span.length);
  const core = number.replace(/^[^\d+]+|[^\d]+$/g, '');
  if (/^\d{7}$/.test(core)) return '7 digits unseparated';
  if (/^\d{1,3}(?:\.\d{1,3}){3}$/.test(core)) return 'an IPv4 address';
  return null;
}

interface Outcome {
  libFound: number;
  agreed: number;
  /** Missed for a reason of ours, counted by reason. */
  deliberate: Record<string, number>;
  missed: string[];
  /** Same span, different number, where libphonenumber's is the one written. */
  conflicts: string[];
  /** Same span, different number, where ours is the one written and libphonenumber's is not. */
  libWrong: string[];
  /** Numbers we report that were not written. */
  notWritten: string[];
  extOnly: string[];
  oursOnly: number;
  /** Targets whose URI does not read back as the same target. */
  notRoundTripped: string[];
}

type NumberFound = ReturnType<typeof findPhoneNumbersInText>[number];

function compare(corpus: Snippet[]): Outcome {
  const o: Outcome = {
    libFound: 0,
    agreed: 0,
    deliberate: {},
    missed: [],
    conflicts: [],
    libWrong: [],
    notWritten: [],
    extOnly: [],
    oursOnly: 0,
    notRoundTripped: [],
  };
  for (const s of corpus) {
    const { text, country, planted } = s;
    const ours = findPhoneNumbers(text, country);
    const theirs = findPhoneNumbersInText(text, { defaultCountry: country });
    const used = new Set<number>();
    for (const m of ours) {
      if (!planted.includes(m.target.e164))
        o.notWritten.push(`${JSON.stringify(text)} (${country}) ours ${m.target.e164}`);
      // A button keeps only its URI (src/content/decorate/callButton.ts): it must read back whole.
      if (JSON.stringify(parseTargetUri(targetToUri(m.target))) !== JSON.stringify(m.target))
        o.notRoundTripped.push(JSON.stringify(m.target));
    }
    for (const t of theirs) {
      o.libFound++;
      const k = ours.findIndex((m) => m.start < t.endsAt && t.startsAt < m.end);
      const where = `${JSON.stringify(text)} (${country}) lib ${t.number.number}${t.number.ext ? ` ext ${t.number.ext}` : ''}`;
      if (k < 0) {
        const reason = deliberate(s, t, ours);
        if (reason) o.deliberate[reason] = (o.deliberate[reason] ?? 0) + 1;
        else o.missed.push(where);
        continue;
      }
      used.add(k);
      const m = ours[k]!;
      if (m.target.e164 !== t.number.number) {
        if (planted.includes(t.number.number) || !planted.includes(m.target.e164))
          o.conflicts.push(`${where}, ours ${m.target.e164}`);
        else o.libWrong.push(`${where}, ours ${m.target.e164}`);
      } else {
        o.agreed++;
        if ((m.target.ext ?? '') !== (t.number.ext ?? ''))
          o.extOnly.push(`${where}, ours ext ${m.target.ext ?? '-'}`);
      }
    }
    o.oursOnly += ours.length - used.size;
  }
  return o;
}

describe('differential: findPhoneNumbers vs libphonenumber-js max findPhoneNumbersInText', () => {
  it('finds every number libphonenumber finds but our exclusions, and never a different one', () => {
    const r = rng(20261201);
    const numbers = sampleNumbers(r, 4);
    const corpus: Snippet[] = [];
    while (corpus.length < 20_000)
      corpus.push(snippet(r, numbers, numbers[corpus.length % numbers.length]!));
    const o = compare(corpus);
    if (process.env.DIFF_DUMP) writeFileSync(process.env.DIFF_DUMP, JSON.stringify(o, null, 1));
    const deliberateTotal = Object.values(o.deliberate).reduce((a, b) => a + b, 0);
    const raw = o.agreed / o.libFound;
    // Agreement where we mean to agree: libphonenumber's findings less our documented exclusions.
    const agreement = o.agreed / (o.libFound - deliberateTotal - o.libWrong.length);
    console.log(
      `differential: ${corpus.length} snippets, ${numbers.length} numbers of ` +
        `${new Set(numbers.map((n) => n.country)).size} regions; libphonenumber found ${o.libFound}, ` +
        `we agree on ${o.agreed} (raw ${raw.toFixed(4)}); ` +
        `deliberately not found ${deliberateTotal} ${JSON.stringify(o.deliberate)}, ` +
        `libphonenumber misreads where we read what is written ${o.libWrong.length}; ` +
        `agreement on the rest ${agreement.toFixed(4)}; missed ${o.missed.length}, ` +
        `different number ${o.conflicts.length}, different extension ${o.extOnly.length}, ` +
        `found only by us ${o.oursOnly}, numbers not written ${o.notWritten.length}` +
        [...o.conflicts.slice(0, 20), ...o.notWritten.slice(0, 20), ...o.missed.slice(0, 30)]
          .map((x) => `\n  ${x}`)
          .join(''),
    );
    expect(corpus.length).toBeGreaterThanOrEqual(20_000);
    expect(o.libFound).toBeGreaterThan(15_000);
    // Never a different number than libphonenumber reads where it reads what is written, and never
    // a number that is not written.
    expect(o.conflicts).toEqual([]);
    expect(o.notWritten).toEqual([]);
    expect(o.notRoundTripped).toEqual([]);
    // Nothing missed but our exclusions, also where libphonenumber misreads a number as written.
    expect(o.missed).toEqual([]);
    // The exclusions stay exclusions, not a place for regressions to hide.
    expect(raw).toBeGreaterThanOrEqual(0.96);
  }, 120_000); // ~6 s alone on one core, most of it libphonenumber's matcher; more under load
});
