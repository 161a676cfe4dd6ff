// The extension's settings: their shape and defaults, zod-free so the content script can read them
// (src/settings/schema.ts validates them, with these defaults).

export interface ContactRule {
  id: string;
  label: string;
  /** CSS selector of the elements that carry a contact id. */
  selector: string;
  /** Where the id is read: an attribute, the element's text, or a regex over its `href` (group 1). */
  source:
    { type: 'attribute'; name: string } | { type: 'text' } | { type: 'href'; pattern: string };
  enabled: boolean;
}

export interface Settings {
  backendUrl: string;
  provider: 'builtin' | 'vonage' | 'clevertap';
  /** Extra match patterns (`https://crm.example.com/*`). */
  sites: string[];
  /** ISO 3166 region for national numbers; empty means the browser locale's region. */
  defaultCountry: string;
  contactRules: ContactRule[];
  /** Ids of the shipped contact-id presets that are switched on. */
  contactPresets: string[];
  callWaiting: boolean;
  /** Seconds without input (or the screen locked) after which an Available agent shows as Away. */
  idleAwaySec: number;
  /** Opens the caller's CRM record when an incoming call is answered. */
  screenPop: boolean;
  vonage: { region: 'US' | 'EU' | 'AP'; telemetry: boolean };
  clevertap: { callContext: string };
}

export const SETTINGS_DEFAULTS: Settings = {
  backendUrl: 'http://localhost:8787',
  provider: 'builtin',
  sites: [],
  defaultCountry: '',
  contactRules: [],
  contactPresets: ['generic-cuid'],
  callWaiting: false,
  idleAwaySec: 300,
  screenPop: false,
  vonage: { region: 'US', telemetry: false },
  clevertap: { callContext: 'Sales call' },
};
