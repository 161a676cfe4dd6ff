import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { SignedIn } from './backendApi';
import {
  AUTH_KEY,
  chooseSessionStore,
  privateSessionStore,
  storageLocalSessionStore,
  type KeyValueArea,
} from './sessionStore';

const AUTH: SignedIn = {
  backendUrl: 'http://localhost:9999',
  token: 'tok-secret',
  expiresAt: Date.now() + 3_600_000,
  agent: { name: 'ava', admin: false },
} as SignedIn;

function memoryArea() {
  const kept = new Map<string, unknown>();
  const area: KeyValueArea = {
    get: vi.fn(async (key: string) => kept.get(key)),
    put: vi.fn(async (key: string, value: unknown) => void kept.set(key, value)),
    delete: vi.fn(async (key: string) => void kept.delete(key)),
  };
  return { kept, area };
}

describe('session stores', () => {
  beforeEach(() => fakeBrowser.reset());

  it('the private store keeps the session out of storage.local, caches it and reports changes', async () => {
    const { kept, area } = memoryArea();
    const store = privateSessionStore(area);
    const changed = vi.fn();
    store.onChanged(changed);
    expect(await store.get()).toBeNull();
    await store.set(AUTH);
    expect(changed).toHaveBeenCalledTimes(1);
    expect(kept.get(AUTH_KEY)).toEqual(AUTH);
    expect(await fakeBrowser.storage.local.get(null)).toEqual({});
    expect(await store.get()).toEqual(AUTH);
    expect(area.get).toHaveBeenCalledTimes(1); // later reads come from memory
    await store.remove();
    expect(changed).toHaveBeenCalledTimes(2);
    expect(kept.has(AUTH_KEY)).toBe(false);
    expect(await store.get()).toBeNull();
  });

  it('moves a session an older version left in storage.local into the private store', async () => {
    await fakeBrowser.storage.local.set({ [AUTH_KEY]: AUTH, settings: { defaultCountry: 'US' } });
    const { kept, area } = memoryArea();
    expect(await privateSessionStore(area).get()).toEqual(AUTH);
    expect(kept.get(AUTH_KEY)).toEqual(AUTH);
    expect(await fakeBrowser.storage.local.get(null)).toEqual({
      settings: { defaultCountry: 'US' },
    });
    // A restarted background finds it in the private store.
    expect(await privateSessionStore(area).get()).toEqual(AUTH);
  });

  it('a failed read is retried on the next one, not cached', async () => {
    const { area } = memoryArea();
    vi.mocked(area.get).mockRejectedValueOnce(new Error('IndexedDB unavailable'));
    const store = privateSessionStore(area);
    await expect(store.get()).rejects.toThrow(/IndexedDB unavailable/);
    expect(await store.get()).toBeNull();
  });

  it('is chosen once by what the browser offers: storage.local only where it can be closed', () => {
    const local = fakeBrowser.storage.local as { setAccessLevel?: unknown };
    const saved = local.setAccessLevel;
    try {
      local.setAccessLevel = async () => undefined;
      expect(chooseSessionStore()).toBe(storageLocalSessionStore);
      delete local.setAccessLevel;
      expect(chooseSessionStore()).not.toBe(storageLocalSessionStore);
    } finally {
      if (saved) local.setAccessLevel = saved;
    }
  });
});
