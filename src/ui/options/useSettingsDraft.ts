// The options page's state: the stored settings, the agent's unsaved draft of them, its field errors
// and the save status, kept in step with storage (another tab, a policy change).
import { useEffect, useRef, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import type { Settings } from '../../settings/schema';
import {
  loadSettings,
  saveSettings,
  SETTINGS_KEY,
  type LoadedSettings,
} from '../../settings/storage';
import { validateSettings, type FieldErrors } from '../settingsForm';

export type SettingsKey = keyof Settings;
export type SetSetting = <K extends SettingsKey>(key: K, value: Settings[K]) => void;
export type SaveStatus = { kind: 'ok' | 'error'; key: string; detail?: string };

/** What a fieldset of settings gets from the page: the draft, its errors, the locks, the setter. */
export interface SettingsSectionProps {
  draft: Settings;
  errors: FieldErrors;
  locked(key: SettingsKey): boolean;
  set: SetSetting;
}

export function useSettingsDraft() {
  const [loaded, setLoaded] = useState<LoadedSettings | null>(null);
  const [draft, setDraft] = useState<Settings | null>(null);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [status, setStatus] = useState<SaveStatus | null>(null);
  const dirty = useRef(false);

  const reload = async () => {
    const next = await loadSettings();
    setLoaded(next);
    setDraft((current) => {
      if (!current || !dirty.current) return next.settings;
      // Keep the agent's unsaved edits, but policy values always show what the organization set.
      const merged = { ...current } as Record<SettingsKey, unknown>;
      for (const key of next.locked) merged[key] = next.settings[key];
      return merged as Settings;
    });
  };

  useEffect(() => {
    void reload();
    const onChanged = (changes: Record<string, unknown>, area: string) => {
      if (area === 'managed' || (area === 'local' && SETTINGS_KEY in changes)) void reload();
    };
    browser.storage.onChanged.addListener(onChanged);
    return () => browser.storage.onChanged.removeListener(onChanged);
  }, []);

  const change = (next: Settings) => {
    dirty.current = true;
    setDraft(next);
    setStatus(null);
    const result = validateSettings(next);
    setErrors(result.ok ? {} : result.errors);
  };

  const persist = async (settings: Settings, okKey = 'optionsSaved') => {
    try {
      const saved = await saveSettings(settings);
      dirty.current = false;
      setLoaded(saved);
      setDraft(saved.settings);
      setStatus({ kind: 'ok', key: okKey });
    } catch (error) {
      setStatus({ kind: 'error', key: 'optionsSaveFailed', detail: String(error) });
    }
  };

  return { loaded, draft, errors, status, setErrors, setStatus, change, persist };
}
