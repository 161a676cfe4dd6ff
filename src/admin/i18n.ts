// The console's strings: the extension's own locale files (src/locales/<lang>/admin.json and the
// History and Reports pages' adminReports.json), bundled, in the browser's language (English when it
// has none of ours).
import en from '../locales/en/admin.json';
import es from '../locales/es/admin.json';
import ja from '../locales/ja/admin.json';
import zhCN from '../locales/zh_CN/admin.json';
import reportsEn from '../locales/en/adminReports.json';
import reportsEs from '../locales/es/adminReports.json';
import reportsJa from '../locales/ja/adminReports.json';
import reportsZhCN from '../locales/zh_CN/adminReports.json';
import presenceEn from '../locales/en/presence.json';
import presenceEs from '../locales/es/presence.json';
import presenceJa from '../locales/ja/presence.json';
import presenceZhCN from '../locales/zh_CN/presence.json';
import directoryEn from '../locales/en/adminDirectory.json';
import directoryEs from '../locales/es/adminDirectory.json';
import directoryJa from '../locales/ja/adminDirectory.json';
import directoryZhCN from '../locales/zh_CN/adminDirectory.json';

type Table = Record<string, string | { message: string; placeholders?: Record<string, unknown> }>;
// The console's own strings (with History's and Reports'), the presence names agents see in their
// popup (the same words) and the company directory's import (Settings).
const TABLES: Record<string, Table> = {
  en: { ...presenceEn, ...directoryEn, ...reportsEn, ...en },
  es: { ...presenceEs, ...directoryEs, ...reportsEs, ...es },
  ja: { ...presenceJa, ...directoryJa, ...reportsJa, ...ja },
  zh_CN: { ...presenceZhCN, ...directoryZhCN, ...reportsZhCN, ...zhCN },
};

export function pickLanguage(languages: readonly string[]): string {
  for (const tag of languages) {
    const lower = tag.toLowerCase();
    if (lower.startsWith('zh')) return 'zh_CN';
    const base = lower.split('-')[0]!;
    if (base in TABLES) return base;
  }
  return 'en';
}

export let language = pickLanguage(
  typeof navigator === 'undefined' ? [] : (navigator.languages ?? [navigator.language]),
);

/** For tests: the language `t` answers in from now on (English for one we do not have). */
export function setLanguage(lang: string): void {
  language = lang in TABLES ? lang : 'en';
}

/** The message for `key`; `$NAME$`-style placeholders take `values` in order. */
export function t(key: string, ...values: (string | number)[]): string {
  const entry = TABLES[language]![key] ?? TABLES.en![key];
  if (entry === undefined) return key;
  if (typeof entry === 'string') return entry;
  let text = entry.message;
  const names = Object.keys(entry.placeholders ?? {});
  names.forEach((name, i) => {
    text = text.replaceAll(`$${name.toUpperCase()}$`, String(values[i] ?? ''));
  });
  return text;
}
