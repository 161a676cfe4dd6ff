// Settings for the content script without the schema code (keeps its bundle small). Local values were
// validated when saved and Chrome validates policy against managed_schema.json; a value of the wrong
// type still falls back to the default.
import { browser } from 'wxt/browser';
import { SETTINGS_DEFAULTS as DEFAULTS, type Settings } from '../contract/settings';

export async function readSettings(): Promise<Settings> {
  const [local, managed] = await Promise.all([
    browser.storage.local
      .get('settings')
      .then((r) => r.settings as Record<string, unknown> | undefined),
    browser.storage.managed.get().catch(() => ({}) as Record<string, unknown>),
  ]);
  const merged: Record<string, unknown> = { ...DEFAULTS };
  for (const source of [local ?? {}, managed ?? {}]) {
    for (const [key, value] of Object.entries(source)) {
      if (!(key in DEFAULTS)) continue;
      const fallback = (DEFAULTS as unknown as Record<string, unknown>)[key];
      if (Array.isArray(fallback) ? Array.isArray(value) : typeof value === typeof fallback)
        merged[key] = value;
    }
  }
  return merged as unknown as Settings;
}
