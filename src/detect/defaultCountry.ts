// Resolves `settings.defaultCountry` ('' = the region of the browser's locale) to a region code.
import { isKnownCountry } from './phoneMetadata';

/** `US` for `en-US`; for a language without a region (`ja`) the likely region (`JP`); else `US`. */
export function resolveDefaultCountry(
  setting: string,
  languages: readonly string[] = typeof navigator === 'undefined'
    ? []
    : (navigator.languages ?? [navigator.language]),
): string {
  if (setting && isKnownCountry(setting)) return setting;
  for (const tag of languages) {
    if (!tag) continue;
    let region: string | undefined;
    try {
      const locale = new Intl.Locale(tag);
      region = locale.region ?? locale.maximize().region;
    } catch {
      region = /[-_]([A-Za-z]{2})\b/.exec(tag)?.[1]?.toUpperCase();
    }
    if (region && isKnownCountry(region)) return region;
  }
  return 'US';
}
