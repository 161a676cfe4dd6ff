// Character classes of written phone numbers: digits of several scripts, separators, word characters.
export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
export function isAsciiAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 122) || c === 95;
}
// Letters (any script written with spaces between words) and combining marks: "É415…", "Ré415…",
// "…7777É" are identifiers. Chinese, Japanese, Korean and South-East Asian text runs words into
// numbers ("電話03-1234-5678まで"), so those scripts do not count.
export const WORD_CHAR = /[\p{L}\p{M}]/u;
export const UNSPACED_SCRIPT =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}\u3000-\u303f\u30fc\uff66-\uff9f]/u;
/** Whether the character at `i` continues an identifier (an ASCII letter or digit, `_`, a letter, a mark). */
export function isWordAt(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  if (Number.isNaN(c)) return false;
  if (isAsciiAlnum(c)) return true;
  if (c < 0xc0) return false;
  // Letters outside the BMP come as surrogate pairs: read the whole code point.
  const cp = s.codePointAt(c >= 0xdc00 && c <= 0xdfff && i > 0 ? i - 1 : i)!;
  const ch = String.fromCodePoint(cp);
  return WORD_CHAR.test(ch) && !UNSPACED_SCRIPT.test(ch);
}
/** Hyphens and dashes, the minus sign, and ー (what Japanese input often writes for a hyphen). */
function isDashLike(c: number): boolean {
  return (c >= 0x2010 && c <= 0x2015) || c === 0x2212 || c === 0x30fc;
}
/** Separators allowed between digit groups of one number (source newlines render as spaces). */
export function isSeparator(c: number): boolean {
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
    isDashLike(c) ||
    c === 0xad || // soft hyphen, zero-width space, word joiner: invisible, pasted from the web
    c === 0x200b ||
    c === 0x2060 ||
    c === 46 || // .
    c === 47 || // /
    c === 40 || // (
    c === 41 || // )
    c === 91 || // [
    c === 93 // ]
  );
}
/** Brackets around an area or country code: round or square ones, as libphonenumber reads them. */
export function isOpeningBracket(ch: string | undefined): boolean {
  return ch === '(' || ch === '[';
}
export function isClosingBracket(ch: string | undefined): boolean {
  return ch === ')' || ch === ']';
}
/** Whether a separator holds an opening bracket ("(", " (", ") ("…). */
export function hasOpeningBracket(sep: string): boolean {
  return sep.includes('(') || sep.includes('[');
}
export function isSpace(ch: string): boolean {
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

/** Any digit the finder reads: ASCII, full-width, Arabic-Indic, Extended Arabic-Indic. */
export const HAS_DIGIT = /[0-9\uff10-\uff19\u0660-\u0669\u06f0-\u06f9]/;

/** Arabic-Indic (٠-٩) and Extended Arabic-Indic (۰-۹) digits to ASCII; anything else unchanged. */
export function asciiDigit(c: number): number {
  if (c >= 0x660 && c <= 0x669) return c - 0x660 + 48;
  if (c >= 0x6f0 && c <= 0x6f9) return c - 0x6f0 + 48;
  return c;
}

const TO_ASCII = /[\uff01-\uff5e\u0660-\u0669\u06f0-\u06f9\u2010-\u2015\u2212\u30fc]/;
const TO_ASCII_ALL = new RegExp(TO_ASCII.source, 'g');

/**
 * Full-width ASCII variants (０-９, ＋, （） …) and Arabic-Indic digits to ASCII, every dash and
 * minus to `-`, keeping every offset. Invisible separators stay: neither a space nor a dash, they
 * say nothing of how the number is grouped.
 */
export function normalizeWidth(text: string): string {
  if (!TO_ASCII.test(text)) return text;
  return text.replace(TO_ASCII_ALL, (ch) => {
    const c = ch.charCodeAt(0);
    if (c >= 0xff01) return String.fromCharCode(c - 0xfee0);
    if (isDashLike(c)) return '-';
    return String.fromCharCode(asciiDigit(c));
  });
}
