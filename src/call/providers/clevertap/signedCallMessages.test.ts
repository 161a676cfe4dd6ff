// Every Signed Call error code has a translated message, telling the agent what to do, in every language.
import { describe, expect, it } from 'vitest';
import { LANGUAGES, mergeLanguage } from '../../../locales/merge';
import { SIGNED_CALL_ERRORS } from './signedCallErrors';

describe.each(LANGUAGES)('%s', (lang) => {
  const messages = mergeLanguage('src/locales', lang);
  it.each(Object.keys(SIGNED_CALL_ERRORS))('has vendor_clevertap_%s', (code) => {
    expect(messages[`vendor_clevertap_${code}`]?.message.trim()).toBeTruthy();
  });
});
