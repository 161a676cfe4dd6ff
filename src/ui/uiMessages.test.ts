// Keys the UI builds at run time (not literal t('…') calls, which locales.test.ts checks).
import { describe, expect, it } from 'vitest';
import { mergeAll } from '../locales/merge';
import { CONTACT_PRESETS } from '../detect/contactRules';
import { ACTIVE_STATUSES, FINAL_STATUSES } from '../../backend/db/store';
import { DIAL_PROBLEMS } from './dialTarget';
import { issueMessageKey } from './settingsForm';

const en = mergeAll('src/locales').en!;

describe('run-time message keys', () => {
  it('has a message for every settings field error', () => {
    const paths: PropertyKey[][] = [
      ['backendUrl'],
      ['provider'],
      ['sites'],
      ['sites', 0],
      ['defaultCountry'],
      ['contactRules'],
      ...['id', 'label', 'selector', 'source'].map((f) => ['contactRules', 0, f]),
      ['contactRules', 0, 'source', 'name'],
      ['contactRules', 0, 'source', 'pattern'],
      ['clevertap', 'callContext'],
      ['vonage', 'region'],
    ];
    const keys = [
      ...paths.map(issueMessageKey),
      'settingsInvalid_defaultCountryUnknown',
      'settingsImportNotJson',
      'settingsImportUnknownKeys',
    ];
    expect(keys.filter((k) => !(k in en))).toEqual([]);
  });

  it('explains every reason the dial pad refuses a number', () => {
    const keys = DIAL_PROBLEMS.map((p) => `popupDialReason_${p}`);
    expect(keys.filter((k) => !(k in en))).toEqual([]);
  });

  it('names every contact-ID preset', () => {
    const keys = CONTACT_PRESETS.map((p) => `preset_${p.id.replace(/-/g, '_')}`);
    expect(keys.filter((k) => !(k in en))).toEqual([]);
  });

  it("translates every call status the backend's history reports", () => {
    const keys = [...ACTIVE_STATUSES, 'disconnected', ...FINAL_STATUSES].map(
      (s) => `callStatus_${s}`,
    );
    expect(keys.filter((k) => !(k in en))).toEqual([]);
  });

  it('names every provider and Vonage region', () => {
    const keys = [
      ...['builtin', 'vonage', 'clevertap'].map((p) => `providerName_${p}`),
      ...['US', 'EU', 'AP'].map((r) => `vonageRegion_${r}`),
    ];
    expect(keys.filter((k) => !(k in en))).toEqual([]);
  });
});
