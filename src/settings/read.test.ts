import { describe, expect, it } from 'vitest';
import { SETTINGS_DEFAULTS } from '../contract/settings';
import { createPolicyCache, mergeLoosely, readEarly, sameSettings, stillValid } from './read';

type Values = Record<string, unknown>;

/** A policy read that answers only when the test says so (Chrome's first read after install). */
function slowPolicy() {
  const answers: ((value: Values) => void)[] = [];
  const read = () => new Promise<Values>((resolve) => answers.push(resolve));
  return {
    read,
    /** Answers read number `n` (default: the latest). */
    answer: (value: Values, n = answers.length - 1) => answers[n]!(value),
    reads: () => answers.length,
  };
}

const local = async () => ({ defaultCountry: 'US' }) as Values;
const settled = async <T>(p: Promise<T>) =>
  Promise.race([p.then(() => true), new Promise((r) => setTimeout(() => r(false), 20))]);

describe('readEarly', () => {
  it('answers with local settings without waiting for a slow policy read, not confirmed', async () => {
    const policy = slowPolicy();
    const early = await readEarly(local, createPolicyCache(policy.read), mergeLoosely);
    expect(early.confirmed).toBe(false);
    expect(early.settings.defaultCountry).toBe('US');
    expect(await settled(early.final)).toBe(false);
    policy.answer({ defaultCountry: 'SG' });
    expect((await early.final).defaultCountry).toBe('SG');
  });

  it('merges the policy once it is known, confirmed, and reads it only once', async () => {
    const policy = slowPolicy();
    const cache = createPolicyCache(policy.read);
    void cache.get();
    policy.answer({ defaultCountry: 'SG' });
    await cache.get();
    const early = await readEarly(local, cache, mergeLoosely);
    expect(early.confirmed).toBe(true);
    expect(early.settings.defaultCountry).toBe('SG');
    expect((await early.final).defaultCountry).toBe('SG');
    expect(policy.reads()).toBe(1);
  });
});

describe('createPolicyCache', () => {
  it('forgets the policy when it changes, and a read begun before the change is not kept', async () => {
    const policy = slowPolicy();
    const cache = createPolicyCache(policy.read);
    const first = cache.get();
    cache.forget();
    void cache.get();
    policy.answer({ defaultCountry: 'JP' }, 0); // the first read answers after the change: old policy
    await first;
    expect(cache.known()).toBeUndefined();
    policy.answer({ defaultCountry: 'SG' });
    await cache.get();
    expect(cache.known()).toEqual({ defaultCountry: 'SG' });
    expect(policy.reads()).toBe(2);
  });
});

describe('stillValid (clicks wait for policy)', () => {
  it('holds a click until policy answers, and refuses it when policy changed the settings', async () => {
    const policy = slowPolicy();
    const early = await readEarly(local, createPolicyCache(policy.read), mergeLoosely);
    const valid = stillValid(early);
    expect(await settled(valid)).toBe(false);
    policy.answer({ defaultCountry: 'SG' });
    expect(await valid).toBe(false);
  });

  it('lets the click through when policy left the settings as they were', async () => {
    const policy = slowPolicy();
    const early = await readEarly(local, createPolicyCache(policy.read), mergeLoosely);
    const valid = stillValid(early);
    policy.answer({ defaultCountry: 'US' });
    expect(await valid).toBe(true);
  });
});

describe('sameSettings', () => {
  it('compares values, lists included', () => {
    const a = { ...SETTINGS_DEFAULTS };
    expect(sameSettings(a, { ...SETTINGS_DEFAULTS })).toBe(true);
    expect(sameSettings(a, { ...SETTINGS_DEFAULTS, defaultCountry: 'ZZ' })).toBe(false);
    expect(sameSettings({ ...a, sites: ['https://a.example/*'] }, { ...a, sites: [] })).toBe(false);
    expect(
      sameSettings(
        { ...a, sites: ['https://a.example/*'] },
        { ...a, sites: ['https://a.example/*'] },
      ),
    ).toBe(true);
  });
});
