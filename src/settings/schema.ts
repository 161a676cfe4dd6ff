// The one settings schema: validates storage.local, storage.managed (policy) and imported JSON.
import { z } from 'zod';
import {
  SETTINGS_DEFAULTS as DEFAULTS,
  type ContactRule,
  type Settings,
} from '../contract/settings';
import { isKnownCountry } from '../detect/phoneMetadata';

export type { ContactRule, Settings } from '../contract/settings';

export const contactRuleSchema = z.object({
  id: z.string().regex(/^[a-z0-9-]{1,40}$/, 'use lowercase letters, digits and dashes'),
  label: z.string().min(1).max(60),
  /** CSS selector of the elements that carry a contact id. */
  selector: z.string().min(1).max(500),
  /** Where the id is read: an attribute, the element's text, or a regex over its `href` (group 1). */
  source: z.discriminatedUnion('type', [
    z.object({ type: z.literal('attribute'), name: z.string().min(1).max(100) }),
    z.object({ type: z.literal('text') }),
    z.object({ type: z.literal('href'), pattern: z.string().min(1).max(500) }),
  ]),
  enabled: z.boolean().default(true),
});

/** A Chrome match pattern for an extra site (`https://crm.example.com/*`). */
const matchPattern = z
  .string()
  .regex(
    /^(https?|\*):\/\/(\*|\*\.[^/*]+|[^/*]+)\/.*$/,
    'not a match pattern like https://crm.example.com/*',
  );

export const settingsSchema = z.object({
  backendUrl: z
    .string()
    .url('not a URL')
    .refine((u) => /^https?:\/\//.test(u), 'must start with http:// or https://')
    .default(DEFAULTS.backendUrl),
  provider: z.enum(['builtin', 'vonage', 'clevertap']).default(DEFAULTS.provider),
  sites: z
    .array(matchPattern)
    .max(100)
    .default(() => [...DEFAULTS.sites]),
  /** ISO 3166 region for national numbers; empty means the browser locale's region. */
  defaultCountry: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^([A-Z]{2})?$/, 'two letters, e.g. US')
    .refine((code) => code === '' || isKnownCountry(code), {
      message: 'not a country or region code',
      params: { unknownRegion: true },
    })
    .default(DEFAULTS.defaultCountry),
  contactRules: z
    .array(contactRuleSchema)
    .max(50)
    .default(() => [...DEFAULTS.contactRules]),
  /** Ids of the shipped contact-id presets that are switched on. */
  contactPresets: z
    .array(z.string().max(40))
    .max(20)
    .default(() => [...DEFAULTS.contactPresets]),
  callWaiting: z.boolean().default(DEFAULTS.callWaiting),
  /** `chrome.idle` takes 15 s at least; four hours at most keeps "idle" meaning something. */
  idleAwaySec: z.number().int().min(15).max(14_400).default(DEFAULTS.idleAwaySec),
  screenPop: z.boolean().default(DEFAULTS.screenPop),
  vonage: z
    .object({
      region: z.enum(['US', 'EU', 'AP']).default(DEFAULTS.vonage.region),
      telemetry: z.boolean().default(DEFAULTS.vonage.telemetry),
    })
    .default(() => ({ ...DEFAULTS.vonage })),
  clevertap: z
    .object({ callContext: z.string().min(1).max(64).default(DEFAULTS.clevertap.callContext) })
    .default(() => ({ ...DEFAULTS.clevertap })),
});
// The schema produces exactly the contract's types (a change to one without the other fails here).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const schemaMatchesContract: Same<z.infer<typeof settingsSchema>, Settings> &
  Same<z.infer<typeof contactRuleSchema>, ContactRule> = true;
void schemaMatchesContract;
export type SettingsInput = z.input<typeof settingsSchema>;

export const DEFAULT_SETTINGS: Settings = settingsSchema.parse({});

/**
 * Merges local settings with policy: each managed key wins and is reported as locked.
 * Invalid managed values are dropped (reported) rather than letting policy break the extension.
 */
export function mergeSettings(
  local: unknown,
  managed: unknown,
): { settings: Settings; locked: (keyof Settings)[]; problems: string[] } {
  const problems: string[] = [];
  const localParsed = settingsSchema.safeParse(local ?? {});
  const base: Record<string, unknown> = localParsed.success
    ? { ...localParsed.data }
    : { ...DEFAULT_SETTINGS };
  if (!localParsed.success)
    problems.push(`local settings invalid: ${localParsed.error.issues[0]?.message}`);
  const locked: (keyof Settings)[] = [];
  if (managed && typeof managed === 'object') {
    const shape = settingsSchema.shape;
    for (const [key, value] of Object.entries(managed)) {
      if (!(key in shape)) continue;
      const field = shape[key as keyof Settings];
      const parsed = field.safeParse(value);
      if (parsed.success) {
        base[key] = parsed.data;
        locked.push(key as keyof Settings);
      } else {
        problems.push(`policy ${key}: ${parsed.error.issues[0]?.message}`);
      }
    }
  }
  return { settings: settingsSchema.parse(base), locked, problems };
}
