// Reads and writes settings: storage.local under `settings`, overridden by policy (storage.managed).
import { browser } from 'wxt/browser';
import { mergeSettings, settingsSchema, type Settings } from './schema';

export const SETTINGS_KEY = 'settings';

export interface LoadedSettings {
  settings: Settings;
  /** Keys set by the organization's policy: shown read-only. */
  locked: (keyof Settings)[];
  problems: string[];
}

export async function readManaged(): Promise<Record<string, unknown>> {
  try {
    return (await browser.storage.managed.get()) ?? {};
  } catch {
    // No policy for this extension (or not supported, e.g. in tests): nothing is managed.
    return {};
  }
}

export async function loadSettings(): Promise<LoadedSettings> {
  const [local, managed] = await Promise.all([
    browser.storage.local.get(SETTINGS_KEY),
    readManaged(),
  ]);
  return mergeSettings(local[SETTINGS_KEY], managed);
}

/**
 * Validates and stores the agent's settings. Locked (policy) keys keep their stored local value,
 * so removing a policy later restores what the agent had.
 */
export async function saveSettings(input: unknown): Promise<LoadedSettings> {
  const parsed = settingsSchema.parse(input);
  const { locked } = await loadSettings();
  const stored = (await browser.storage.local.get(SETTINGS_KEY))[SETTINGS_KEY] as
    Partial<Settings> | undefined;
  const next: Record<string, unknown> = { ...parsed };
  for (const key of locked) {
    if (stored && key in stored) next[key] = stored[key];
    else delete next[key];
  }
  await browser.storage.local.set({ [SETTINGS_KEY]: next });
  return loadSettings();
}
