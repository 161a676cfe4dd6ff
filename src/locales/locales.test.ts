import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LANGUAGES, mergeAll } from './merge';

const messages = mergeAll('src/locales');
const english = Object.keys(messages.en!);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx)$/.test(name) && !name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('locales', () => {
  it.each(LANGUAGES.filter((l) => l !== 'en'))('%s has every English key, none empty', (lang) => {
    const table = messages[lang]!;
    const missing = english.filter((key) => !table[key]?.message.trim());
    expect(missing).toEqual([]);
    expect(Object.keys(table).filter((key) => !(key in messages.en!))).toEqual([]);
  });

  it('has no empty English message', () => {
    expect(english.filter((key) => !messages.en![key]!.message.trim())).toEqual([]);
  });

  it('keeps placeholders consistent across languages', () => {
    for (const lang of LANGUAGES) {
      for (const key of english) {
        const en = Object.keys(messages.en![key]!.placeholders ?? {}).sort();
        expect([lang, key, Object.keys(messages[lang]![key]!.placeholders ?? {}).sort()]).toEqual([
          lang,
          key,
          en,
        ]);
      }
    }
  });

  it('defines every key the code asks for with a literal t("…")', () => {
    const used = new Set<string>();
    for (const file of [...sourceFiles('src'), ...sourceFiles('entrypoints')]) {
      for (const match of readFileSync(file, 'utf8').matchAll(/\bt\(\s*'([A-Za-z0-9_]+)'/g))
        used.add(match[1]!);
    }
    expect([...used].filter((key) => !(key in messages.en!))).toEqual([]);
  });

  it('defines a message for every error code, end reason, phase and provider state', async () => {
    const { errorCodes, endReasons, callPhases } = await import('../call/state');
    const keys = [
      ...errorCodes.map((c) => `error_${c.replace(/-/g, '_')}`),
      ...endReasons.map((r) => `ended_${r.replace(/-/g, '_')}`),
      ...callPhases.map((p) => `phase_${p}`),
      ...['idle', 'connecting', 'ready', 'reconnecting', 'error'].map((s) => `providerState_${s}`),
    ];
    expect(keys.filter((key) => !(key in messages.en!))).toEqual([]);
  });
});
