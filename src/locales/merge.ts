// Builds Chrome's `_locales/<lang>/messages.json` from the per-area files in src/locales/<lang>/*.json,
// so each part of the product owns its strings without editing one shared file.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const LANGUAGES = ['en', 'es', 'ja', 'zh_CN'] as const;
export type Language = (typeof LANGUAGES)[number];

export interface ChromeMessage {
  message: string;
  description?: string;
  placeholders?: Record<string, { content: string; example?: string }>;
}
export type Messages = Record<string, ChromeMessage>;

const KEY = /^[A-Za-z0-9_]+$/;

/** Merges one language's files; throws on a duplicate or malformed key (a build error, not a runtime surprise). */
export function mergeLanguage(dir: string, lang: string): Messages {
  const out: Messages = {};
  const langDir = join(dir, lang);
  for (const file of readdirSync(langDir)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const data = JSON.parse(readFileSync(join(langDir, file), 'utf8')) as Record<string, unknown>;
    for (const [key, value] of Object.entries(data)) {
      if (!KEY.test(key)) throw new Error(`${lang}/${file}: bad message key "${key}"`);
      if (key in out) throw new Error(`${lang}/${file}: duplicate message key "${key}"`);
      const msg = typeof value === 'string' ? { message: value } : (value as ChromeMessage);
      if (typeof msg?.message !== 'string')
        throw new Error(`${lang}/${file}: "${key}" has no message`);
      out[key] = msg;
    }
  }
  return out;
}

export function mergeAll(dir: string): Record<string, Messages> {
  return Object.fromEntries(LANGUAGES.map((lang) => [lang, mergeLanguage(dir, lang)]));
}
