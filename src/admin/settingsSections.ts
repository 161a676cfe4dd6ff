// Sections other features add to the Settings page (each a component with its own title key).
import type { ComponentType } from 'preact';
import { DirectorySettings } from './settings/DirectorySettings';
import { OutcomesSettings } from './settings/OutcomesSettings';

export interface SettingsSection {
  id: string;
  titleKey: string;
  Section: ComponentType;
}

export const settingsSections: SettingsSection[] = [
  { id: 'outcomes', titleKey: 'adminOutcomes', Section: OutcomesSettings },
  { id: 'directory', titleKey: 'adminDirectory', Section: DirectorySettings },
];
