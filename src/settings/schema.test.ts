import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, mergeSettings, settingsSchema } from './schema';

describe('settings', () => {
  it('defaults make the demo work', () => {
    expect(DEFAULT_SETTINGS).toMatchObject({
      backendUrl: 'http://localhost:8787',
      provider: 'builtin',
      sites: [],
    });
  });

  it.each([
    [{ backendUrl: 'ftp://x' }, 'backendUrl'],
    [{ backendUrl: 'not a url' }, 'backendUrl'],
    [{ provider: 'skype' }, 'provider'],
    [{ sites: ['example.com'] }, 'sites'],
    [{ defaultCountry: 'usa' }, 'defaultCountry'],
    [{ defaultCountry: 'XX' }, 'defaultCountry'],
    [
      { contactRules: [{ id: 'X!', label: 'x', selector: 'a', source: { type: 'text' } }] },
      'contactRules',
    ],
  ])('rejects %o at %s', (input, path) => {
    const result = settingsSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path[0]).toBe(path);
  });

  it('lets valid policy values win and reports them locked', () => {
    const { settings, locked, problems } = mergeSettings(
      { backendUrl: 'http://localhost:9000', provider: 'builtin' },
      { backendUrl: 'https://calls.acme.example', provider: 'vonage' },
    );
    expect(settings.backendUrl).toBe('https://calls.acme.example');
    expect(settings.provider).toBe('vonage');
    expect(locked.sort()).toEqual(['backendUrl', 'provider']);
    expect(problems).toEqual([]);
  });

  it('drops invalid policy values with a problem instead of breaking', () => {
    const { settings, locked, problems } = mergeSettings({}, { provider: 'skype', unknownKey: 1 });
    expect(settings.provider).toBe('builtin');
    expect(locked).toEqual([]);
    expect(problems).toHaveLength(1);
  });

  it('falls back to defaults when local settings are corrupt', () => {
    const { settings, problems } = mergeSettings({ sites: 'nope' }, undefined);
    expect(settings).toEqual(DEFAULT_SETTINGS);
    expect(problems).toHaveLength(1);
  });
});

describe('content-script defaults', () => {
  it('match the schema defaults', async () => {
    const { SETTINGS_DEFAULTS: DEFAULTS } = await import('../contract/settings');
    expect(DEFAULTS).toEqual(DEFAULT_SETTINGS);
  });
});
