import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { NUMBER_TYPES } from '../detect/numberTypes';
import type { NumberTypesSources } from './numberTypes';
import type * as PhoneMetadata from '../detect/phoneMetadata';

// Each test starts with no number types provided (a fresh module state), as a new page does.
async function fresh() {
  vi.resetModules();
  const metadata = await import('../detect/phoneMetadata');
  const { loadNumberTypes } = await import('./numberTypes');
  return { metadata, loadNumberTypes };
}

const never = () => new Promise<unknown>(() => undefined);
/** A Berlin number: valid only once the number types are known (phoneMetadata.test.ts). */
const valid = (m: typeof PhoneMetadata) => m.validatePhone('030901820', false, 'DE')?.e164 ?? null;

describe('the content script number types', () => {
  let warn: ReturnType<typeof vi.spyOn>;
  beforeEach(() => {
    warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => {
    warn.mockRestore();
    vi.resetModules();
  });

  it('takes the background answer while the packaged file has not arrived, and stops the fetch', async () => {
    const { metadata, loadNumberTypes } = await fresh();
    let fetchSignal: AbortSignal | undefined;
    const sources: NumberTypesSources = {
      fromBackground: async () => NUMBER_TYPES,
      fromFile: (signal) => {
        fetchSignal = signal;
        return never();
      },
    };
    expect(valid(metadata)).toBeNull();
    await loadNumberTypes(new AbortController().signal, sources);
    expect(metadata.hasNumberTypes()).toBe(true);
    expect(valid(metadata)).toBe('+4930901820');
    expect(fetchSignal?.aborted).toBe(true);
  });

  it('takes the packaged file when the service worker does not answer', async () => {
    const { metadata, loadNumberTypes } = await fresh();
    await loadNumberTypes(new AbortController().signal, {
      fromBackground: () => Promise.reject(new Error('Could not establish connection')),
      fromFile: async () => JSON.parse(JSON.stringify(NUMBER_TYPES)),
    });
    expect(valid(metadata)).toBe('+4930901820');
    expect(warn).not.toHaveBeenCalled();
  });

  it('a malformed answer does not count: the other source still serves', async () => {
    const { metadata, loadNumberTypes } = await fresh();
    await loadNumberTypes(new AbortController().signal, {
      fromBackground: async () => ['not', 'types'],
      fromFile: async () => NUMBER_TYPES,
    });
    expect(valid(metadata)).toBe('+4930901820');
  });

  it('without either, no number is valid and the page says why', async () => {
    const { metadata, loadNumberTypes } = await fresh();
    await loadNumberTypes(new AbortController().signal, {
      fromBackground: () => Promise.reject(new Error('no worker')),
      fromFile: async () => null,
    });
    expect(metadata.hasNumberTypes()).toBe(false);
    expect(valid(metadata)).toBeNull();
    expect(warn).toHaveBeenCalledWith(
      'click-to-call: number metadata unavailable, phone numbers not detected',
      expect.objectContaining({ message: 'no worker' }),
      expect.objectContaining({ message: 'number types: not an object' }),
    );
  });
});
