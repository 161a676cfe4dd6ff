// Every Vonage vendor code the provider reports has a translated message in every language.
import { describe, expect, it } from 'vitest';
import { LANGUAGES, mergeLanguage } from '../../../locales/merge';
import { VONAGE_VENDOR_CODES } from './vonageErrors';

describe.each(LANGUAGES)('%s', (lang) => {
  const messages = mergeLanguage('src/locales', lang);
  it.each(VONAGE_VENDOR_CODES)('has vendor_vonage_%s', (code) => {
    const key = `vendor_vonage_${code.replace(/[^A-Za-z0-9_]/g, '_')}`;
    expect(messages[key]?.message.trim()).toBeTruthy();
  });
});
