// The History and Reports pages' strings: the four locales' adminReports.json, in the browser's
// language (the console is a web page served by the backend, so browser.i18n is not there).
import en from '../../locales/en/adminReports.json';
import es from '../../locales/es/adminReports.json';
import ja from '../../locales/ja/adminReports.json';
import zhCN from '../../locales/zh_CN/adminReports.json';

type Entry = string | { message: string };
type Table = Record<string, Entry>;
const TABLES: Record<string, Table> = { en, es, ja, zh_CN: zhCN };

/** The first of the browser's languages we have: `es-MX` → es, `zh-Hans-CN` → zh_CN; else en. */
export function pickLanguage(
  languages: readonly string[] = globalThis.navigator?.languages ?? [],
): string {
  for (const tag of languages) {
    const base = tag.toLowerCase().split('-')[0]!;
    if (base === 'zh') return 'zh_CN';
    if (base in TABLES) return base;
  }
  return 'en';
}

let table: Table = TABLES[pickLanguage()]!;

/** For tests and a language switch. */
export function setLanguage(lang: string): void {
  table = TABLES[lang] ?? TABLES.en!;
}

/** The message for `key` (the key itself if missing: the locales test catches that); `$1` filled in. */
export function t(key: string, substitution?: string): string {
  const entry = table[key] ?? (TABLES.en as Table)[key];
  const message = entry === undefined ? key : typeof entry === 'string' ? entry : entry.message;
  return substitution === undefined ? message : message.replace(/\$[A-Z_]+\$/g, substitution);
}
