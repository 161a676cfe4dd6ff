// Translated strings through the browser's i18n (`_locales`, built from src/locales/<lang>/*.json).
import { browser } from 'wxt/browser';
import type { CallError } from '../call/state';

type GetMessage = (key: string, substitutions?: string | string[]) => string;

/** The message for `key` in the browser's UI language; the key itself if it is missing (tests catch that). */
export function t(key: string, substitutions?: string | string[]): string {
  const message = (browser.i18n.getMessage as unknown as GetMessage)(key, substitutions);
  return message || key;
}

export function uiLanguage(): string {
  return browser.i18n.getUILanguage();
}

/** The sentence the agent reads for a failure: what happened and what to do. */
export function describeError(error: CallError, provider?: string): string {
  if (error.vendorCode && provider) {
    const vendor = (browser.i18n.getMessage as unknown as GetMessage)(
      `vendor_${provider}_${error.vendorCode.replace(/[^A-Za-z0-9_]/g, '_')}`,
    );
    if (vendor) return vendor;
  }
  return t(`error_${error.code.replace(/-/g, '_')}`);
}
