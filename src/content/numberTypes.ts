// The number types (full validity) for the content script: asked of the background and fetched from
// the packaged file (detect/numberTypesFile.ts) at once, the first answer taken.
import { browser } from 'wxt/browser';
import { background } from '../messaging/background';
import { NUMBER_TYPES_FILE } from '../detect/numberTypesFile';
import { hasNumberTypes, provideNumberTypes, type NumberTypesData } from '../detect/phoneMetadata';

export interface NumberTypesSources {
  fromBackground(): Promise<unknown>;
  fromFile(signal: AbortSignal): Promise<unknown>;
}

/** WXT types only public/ files for getURL; the number types are written by the build (wxt.config.ts). */
const extensionUrl = (path: string): string =>
  (browser.runtime.getURL as (path: string) => string)(path);

const browserSources: NumberTypesSources = {
  fromBackground: () => background.send('numberTypes', {}),
  fromFile: (signal) =>
    fetch(extensionUrl(`/${NUMBER_TYPES_FILE}`), { signal }).then(
      (response) => response.json() as Promise<unknown>,
    ),
};

/**
 * Provides the number types from whichever source answers first, and stops the other. While a large
 * page parses, the file's body can take seconds (0.2-2.7 s on a 10,000-row list, after the page's
 * first layout in one load of four, so the first buttons came with it) where the message takes a few
 * hundred ms; the file still serves when the service worker does not answer. Without either, phone
 * numbers get no buttons on this page (contact IDs still do): better than a wrong number.
 */
export async function loadNumberTypes(
  signal: AbortSignal,
  sources: NumberTypesSources = browserSources,
): Promise<void> {
  if (hasNumberTypes() || signal.aborted) return;
  const fetching = new AbortController();
  const stop = () => fetching.abort();
  signal.addEventListener('abort', stop, { once: true });
  try {
    provideNumberTypes(
      await Promise.any([
        sources.fromBackground().then(numberTypesData),
        sources.fromFile(fetching.signal).then(numberTypesData),
      ]),
    );
  } catch (error) {
    if (!signal.aborted)
      console.warn(
        'click-to-call: number metadata unavailable, phone numbers not detected',
        ...((error as AggregateError).errors ?? [error]),
      );
  } finally {
    stop();
    signal.removeEventListener('abort', stop);
  }
}

function numberTypesData(data: unknown): NumberTypesData {
  if (!data || typeof data !== 'object' || Array.isArray(data))
    throw new Error('number types: not an object');
  return data as NumberTypesData;
}
