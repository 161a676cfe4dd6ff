// Settings for the content script without the schema code (keeps its bundle small). Local values were
// validated when saved and Chrome validates policy against managed_schema.json; a value of the wrong
// type still falls back to the default.
//
// Policy (storage.managed) can be slow to answer: right after install Chrome's first
// `storage.managed.get()` takes seconds. Buttons need not wait for it, calls must: a page is
// decorated with what is known first (`EarlySettings`), and a click dials only once policy is
// confirmed and left those settings unchanged (a policy-set default country can never mis-dial).
import { browser } from 'wxt/browser';
import { SETTINGS_DEFAULTS as DEFAULTS, type Settings } from '../contract/settings';

type Values = Record<string, unknown>;

/** Local values overridden by policy; unknown keys and values of the wrong type are ignored. */
export function mergeLoosely(local: Values | undefined, managed: Values | undefined): Settings {
  const merged: Values = { ...DEFAULTS };
  for (const source of [local ?? {}, managed ?? {}]) {
    for (const [key, value] of Object.entries(source)) {
      if (!(key in DEFAULTS)) continue;
      const fallback = (DEFAULTS as unknown as Values)[key];
      if (Array.isArray(fallback) ? Array.isArray(value) : typeof value === typeof fallback)
        merged[key] = value;
    }
  }
  return merged as unknown as Settings;
}

function readLocal(): Promise<Values | undefined> {
  return browser.storage.local.get('settings').then((r) => r.settings as Values | undefined);
}

function readPolicy(): Promise<Values> {
  return browser.storage.managed.get().catch(() => ({}) as Values);
}

export async function readSettings(): Promise<Settings> {
  const [local, managed] = await Promise.all([readLocal(), readPolicy()]);
  return mergeLoosely(local, managed);
}

/** Settings to decorate with now, and the settings once policy is known. */
export interface EarlySettings {
  settings: Settings;
  /** True when `settings` already include the policy (then `final` resolves to them). */
  confirmed: boolean;
  final: Promise<Settings>;
}

/**
 * The policy as last read, so later reads need not wait for the browser: `known()` is undefined
 * until a read has answered and again after `forget()` (policy changed) until the next one has.
 */
export interface PolicyCache {
  known(): Values | undefined;
  get(): Promise<Values>;
  forget(): void;
}

export function createPolicyCache(read: () => Promise<Values>): PolicyCache {
  let known: Values | undefined;
  let pending: Promise<Values> | null = null;
  let generation = 0;
  return {
    known: () => known,
    get() {
      if (!pending) {
        const mine = generation;
        pending = read().then((value) => {
          // A read that started before the policy changed must not be remembered as current.
          if (mine === generation) known = value;
          return value;
        });
      }
      return pending;
    },
    forget() {
      generation++;
      known = undefined;
      pending = null;
    },
  };
}

/**
 * Reads local settings and, if the policy is already known, merges it; otherwise answers with local
 * settings alone (`confirmed: false`) without waiting, and `final` follows when policy answers.
 */
export async function readEarly<S>(
  local: () => Promise<Values | undefined>,
  policy: PolicyCache,
  merge: (local: Values | undefined, managed: Values | undefined) => S,
): Promise<{ settings: S; confirmed: boolean; final: Promise<S> }> {
  const localRead = local();
  const final = Promise.all([localRead, policy.get()]).then(([l, m]) => merge(l, m));
  const values = await localRead;
  const known = policy.known();
  if (known) return { settings: merge(values, known), confirmed: true, final };
  return { settings: merge(values, undefined), confirmed: false, final };
}

/** The content script's own read (when the background cannot answer): early, then confirmed. */
export function readSettingsEarly(): Promise<EarlySettings> {
  return readEarly(readLocal, createPolicyCache(readPolicy), mergeLoosely);
}

/** True when settings read before policy was confirmed are still the ones to dial with. */
export async function stillValid(early: EarlySettings): Promise<boolean> {
  if (early.confirmed) return true;
  return sameSettings(early.settings, await early.final);
}

export function sameSettings(a: Settings, b: Settings): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) {
    const x = (a as unknown as Values)[key];
    const y = (b as unknown as Values)[key];
    if (x !== y && JSON.stringify(x) !== JSON.stringify(y)) return false;
  }
  return true;
}
