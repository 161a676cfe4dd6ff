// The options page's validation: the one settings schema's issues as translated, per-field messages,
// and settings import/export as JSON.
import type { z } from 'zod';
import { settingsSchema, type Settings } from '../settings/schema';

/** `{ 'sites.1': 'settingsInvalid_sites', … }`: the message key of the first issue per field path. */
export type FieldErrors = Record<string, string>;

const RULE_FIELD_KEYS: Record<string, string> = {
  id: 'settingsInvalid_ruleId',
  label: 'settingsInvalid_ruleLabel',
  selector: 'settingsInvalid_ruleSelector',
  source: 'settingsInvalid_ruleSource',
  name: 'settingsInvalid_ruleSource',
  pattern: 'settingsInvalid_ruleSource',
};

/** The translated message key for an issue at `path` (keys live in src/locales/<lang>/ui.json). */
export function issueMessageKey(path: readonly PropertyKey[]): string {
  const [field, index, sub, subsub] = path;
  switch (field) {
    case 'backendUrl':
      return 'settingsInvalid_backendUrl';
    case 'sites':
      return typeof index === 'number' ? 'settingsInvalid_sites' : 'settingsInvalid_sitesCount';
    case 'defaultCountry':
      return 'settingsInvalid_defaultCountry';
    case 'contactRules':
      if (typeof index !== 'number') return 'settingsInvalid_rulesCount';
      return (
        RULE_FIELD_KEYS[String(subsub ?? sub)] ??
        RULE_FIELD_KEYS[String(sub)] ??
        'settingsInvalid_generic'
      );
    case 'clevertap':
      return 'settingsInvalid_callContext';
    default:
      return 'settingsInvalid_generic';
  }
}

/** Field path as the form names it: `contactRules.0.source.name` → `contactRules.0.source`. */
export function fieldPath(path: readonly PropertyKey[]): string {
  const parts = path.map(String);
  if (parts[0] === 'contactRules' && parts.length > 3)
    return parts
      .slice(0, 4)
      .join('.')
      .replace(/\.(name|pattern|type)$/, '');
  return parts.join('.');
}

export function fieldErrors(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const key = fieldPath(issue.path);
    out[key] ??=
      issue.code === 'custom' && issue.params?.unknownRegion
        ? 'settingsInvalid_defaultCountryUnknown'
        : issueMessageKey(issue.path);
  }
  return out;
}

export type Validated = { ok: true; settings: Settings } | { ok: false; errors: FieldErrors };

export function validateSettings(draft: unknown): Validated {
  const parsed = settingsSchema.safeParse(draft);
  return parsed.success
    ? { ok: true, settings: parsed.data }
    : { ok: false, errors: fieldErrors(parsed.error) };
}

/** Reads an exported settings file; the same schema decides, unknown keys are refused. */
export function parseSettingsImport(
  text: string,
): Validated | { ok: false; errors: { file: string } } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { ok: false, errors: { file: 'settingsImportNotJson' } };
  }
  if (!data || typeof data !== 'object' || Array.isArray(data))
    return { ok: false, errors: { file: 'settingsImportNotJson' } };
  const unknown = Object.keys(data).filter((k) => !(k in settingsSchema.shape));
  if (unknown.length) return { ok: false, errors: { file: 'settingsImportUnknownKeys' } };
  return validateSettings(data);
}

export function exportSettings(settings: Settings): string {
  return `${JSON.stringify(settings, null, 2)}\n`;
}
