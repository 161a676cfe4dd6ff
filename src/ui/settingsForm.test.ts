import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../settings/schema';
import { exportSettings, parseSettingsImport, validateSettings } from './settingsForm';

const rule = {
  id: 'acme',
  label: 'ACME',
  selector: '[data-user]',
  source: { type: 'attribute', name: 'data-user' },
  enabled: true,
};

describe('validateSettings', () => {
  it('accepts the defaults', () => {
    expect(validateSettings(DEFAULT_SETTINGS)).toEqual({ ok: true, settings: DEFAULT_SETTINGS });
  });

  it.each([
    [{ backendUrl: 'ftp://x' }, { backendUrl: 'settingsInvalid_backendUrl' }],
    [{ backendUrl: '' }, { backendUrl: 'settingsInvalid_backendUrl' }],
    [{ sites: ['https://ok.example/*', 'nope'] }, { 'sites.1': 'settingsInvalid_sites' }],
    [{ defaultCountry: 'usa' }, { defaultCountry: 'settingsInvalid_defaultCountry' }],
    [{ defaultCountry: 'XX' }, { defaultCountry: 'settingsInvalid_defaultCountryUnknown' }],
    [{ defaultCountry: 'zz' }, { defaultCountry: 'settingsInvalid_defaultCountryUnknown' }],
    [
      { contactRules: [{ ...rule, id: 'Bad Id' }] },
      { 'contactRules.0.id': 'settingsInvalid_ruleId' },
    ],
    [
      { contactRules: [{ ...rule, selector: '' }] },
      { 'contactRules.0.selector': 'settingsInvalid_ruleSelector' },
    ],
    [
      { contactRules: [{ ...rule, source: { type: 'attribute', name: '' } }] },
      { 'contactRules.0.source': 'settingsInvalid_ruleSource' },
    ],
    [
      { clevertap: { callContext: '' } },
      { 'clevertap.callContext': 'settingsInvalid_callContext' },
    ],
  ])('%o → %o', (change, errors) => {
    expect(validateSettings({ ...DEFAULT_SETTINGS, ...change })).toEqual({ ok: false, errors });
  });

  it.each([
    ['es', 'ES'],
    [' gb ', 'GB'],
    ['', ''],
  ])('reads the default country %j as %j', (typed, stored) => {
    expect(validateSettings({ ...DEFAULT_SETTINGS, defaultCountry: typed })).toEqual({
      ok: true,
      settings: { ...DEFAULT_SETTINGS, defaultCountry: stored },
    });
  });

  it('reports every invalid field at once', () => {
    const result = validateSettings({
      ...DEFAULT_SETTINGS,
      backendUrl: 'x',
      defaultCountry: 'usa',
    });
    expect(result.ok === false && Object.keys(result.errors).sort()).toEqual([
      'backendUrl',
      'defaultCountry',
    ]);
  });
});

describe('import and export', () => {
  it('round-trips', () => {
    const settings = { ...DEFAULT_SETTINGS, contactRules: [rule], callWaiting: true };
    expect(parseSettingsImport(exportSettings(settings as never))).toEqual({ ok: true, settings });
  });

  it.each([
    ['not json', 'settingsImportNotJson'],
    ['[1,2]', 'settingsImportNotJson'],
    ['{"backendUrl":"http://x.example","token":"x"}', 'settingsImportUnknownKeys'],
  ])('refuses %j', (text, key) => {
    expect(parseSettingsImport(text)).toEqual({ ok: false, errors: { file: key } });
  });

  it('refuses invalid values with field errors', () => {
    expect(parseSettingsImport('{"provider":"skype"}')).toEqual({
      ok: false,
      errors: { provider: 'settingsInvalid_generic' },
    });
  });
});
