// The console's strings: the extension's own locale files (src/locales/<lang>/admin.json), bundled,
// in the browser's language (English when it has none of ours).
import en from '../locales/en/admin.json';
import es from '../locales/es/admin.json';
import ja from '../locales/ja/admin.json';
import zhCN from '../locales/zh_CN/admin.json';
import presenceEn from '../locales/en/presence.json';
import presenceEs from '../locales/es/presence.json';
import presenceJa from '../locales/ja/presence.json';
import presenceZhCN from '../locales/zh_CN/presence.json';
import directoryEn from '../locales/en/adminDirectory.json';
import directoryEs from '../locales/es/adminDirectory.json';
import directoryJa from '../locales/ja/adminDirectory.json';
import directoryZhCN from '../locales/zh_CN/adminDirectory.json';

type Table = Record<string, string | { message: string; placeholders?: Record<string, unknown> }>;
// The console's own strings, the presence names agents see in their popup (the same words) and
// the company directory's import (Settings).
const TABLES: Record<string, Table> = {
  en: { ...presenceEn, ...directoryEn, ...en },
  es: { ...presenceEs, ...directoryEs, ...es },
  ja: { ...presenceJa, ...directoryJa, ...ja },
  zh_CN: { ...presenceZhCN, ...directoryZhCN, ...zhCN },
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

export const language = pickLanguage(
  typeof navigator === 'undefined' ? [] : (navigator.languages ?? [navigator.language]),
);

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
