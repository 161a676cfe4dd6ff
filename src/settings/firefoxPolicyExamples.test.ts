// The Firefox policy files admins copy from docs/examples/firefox: Firefox does not check them
// against our schema, so this does, with the same validation the extension runs on storage.managed.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FIREFOX_EXTENSION_ID } from '../extensionKey';
import { mergeSettings } from './schema';

const read = (name: string): unknown =>
  JSON.parse(readFileSync(`docs/examples/firefox/${name}`, 'utf8'));

/** The value at `path` inside parsed JSON (undefined when any step is missing). */
const at = (value: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>((v, key) => (v as Record<string, unknown> | undefined)?.[key], value);

describe('Firefox policy examples', () => {
  it.each([
    [
      'policies.json (3rdparty → Extensions)',
      () => at(read('policies.json'), 'policies', '3rdparty', 'Extensions', FIREFOX_EXTENSION_ID),
    ],
    [
      'the managed-storage manifest',
      () => {
        const manifest = read(`${FIREFOX_EXTENSION_ID}.json`);
        expect(manifest).toMatchObject({ name: FIREFOX_EXTENSION_ID, type: 'storage' });
        return at(manifest, 'data');
      },
    ],
  ])('%s: every value passes our schema and is locked', (_name, values) => {
    const policy = values() as Record<string, unknown>;
    const { locked, problems } = mergeSettings({}, policy);
    expect(problems).toEqual([]);
    expect(locked.sort()).toEqual(Object.keys(policy).sort());
  });

  it('force-installs the add-on by its gecko id', () => {
    const settings = at(
      read('policies.json'),
      'policies',
      'ExtensionSettings',
      FIREFOX_EXTENSION_ID,
    );
    expect(settings).toMatchObject({ installation_mode: 'force_installed' });
  });
});
