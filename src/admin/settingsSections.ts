// Sections other features add to the Settings page (each a component with its own title key).
// The outcome (disposition) list plugs in here when it lands, e.g.
//   { id: 'outcomes', titleKey: 'adminOutcomes', Section: OutcomesSettings },
import type { ComponentType } from 'preact';

export interface SettingsSection {
  id: string;
  titleKey: string;
  Section: ComponentType;
}

export const settingsSections: SettingsSection[] = [];
