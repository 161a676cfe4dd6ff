// Where the agent's session token lives, chosen once at start-up (main.ts): somewhere only the
// background and our pages can read, never a content script.
import { browser } from 'wxt/browser';
import type { SignedIn } from './backendApi';

export interface SessionStore {
  get(): Promise<SignedIn | null>;
  set(auth: SignedIn): Promise<void>;
  remove(): Promise<void>;
  /** `listener` runs after the stored session changed. */
  onChanged(listener: () => void): void;
}

/** storage.local key of the session (Chromium; older Firefox versions of the add-on kept it there too). */
export const AUTH_KEY = 'auth';

/**
 * Chromium: storage.local, which the background closes to content scripts (`setAccessLevel`
 * `TRUSTED_CONTEXTS`, see BackgroundController.start).
 */
export const storageLocalSessionStore: SessionStore = {
  get: async () =>
    ((await browser.storage.local.get(AUTH_KEY))[AUTH_KEY] as SignedIn | undefined) ?? null,
  set: (auth) => browser.storage.local.set({ [AUTH_KEY]: auth }),
  remove: () => browser.storage.local.remove(AUTH_KEY),
  onChanged: (listener) =>
    browser.storage.onChanged.addListener((changes, area) => {
      if (area === 'local' && AUTH_KEY in changes) listener();
    }),
};

/** A small key-value area: the extension origin's IndexedDB in the product. */
export interface KeyValueArea {
  get(key: string): Promise<unknown>;
  put(key: string, value: unknown): Promise<void>;
  delete(key: string): Promise<void>;
}

/**
 * Firefox: content scripts can read storage.local there (no `setAccessLevel`), so the session lives
 * in the extension origin's IndexedDB (a content script's IndexedDB is the web page's), cached in
 * memory. A session an older version left in storage.local is moved over at the first read.
 */
export function privateSessionStore(
  area: KeyValueArea,
  legacy: Pick<SessionStore, 'get' | 'remove'> = storageLocalSessionStore,
): SessionStore {
  const listeners: (() => void)[] = [];
  let cached: Promise<SignedIn | null> | null = null;
  const load = async (): Promise<SignedIn | null> => {
    const stored = (await area.get(AUTH_KEY)) as SignedIn | undefined;
    const old = await legacy.get();
    if (old) {
      if (!stored) await area.put(AUTH_KEY, old);
      await legacy.remove();
    }
    return stored ?? old ?? null;
  };
  const changed = () => {
    for (const listener of listeners) listener();
  };
  return {
    get: () => {
      cached ??= load().catch((error: unknown) => {
        cached = null;
        throw error;
      });
      return cached;
    },
    set: async (auth) => {
      await area.put(AUTH_KEY, auth);
      cached = Promise.resolve(auth);
      changed();
    },
    remove: async () => {
      await area.delete(AUTH_KEY);
      cached = Promise.resolve(null);
      changed();
    },
    onChanged: (listener) => void listeners.push(listener),
  };
}

const DB_NAME = 'c2c-private';
const DB_STORE = 'kv';

/** The extension origin's IndexedDB as a KeyValueArea (one database, one object store). */
export function indexedDbArea(factory?: IDBFactory): KeyValueArea {
  let db: Promise<IDBDatabase> | null = null;
  const open = () =>
    (db ??= new Promise<IDBDatabase>((resolve, reject) => {
      const request = (factory ?? indexedDB).open(DB_NAME, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(DB_STORE);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => {
        db = null;
        reject(request.error ?? new Error(`IndexedDB ${DB_NAME} could not be opened`));
      };
    }));
  const run = async <T>(
    mode: IDBTransactionMode,
    op: (store: IDBObjectStore) => IDBRequest<T>,
  ): Promise<T> => {
    const database = await open();
    return new Promise<T>((resolve, reject) => {
      const tx = database.transaction(DB_STORE, mode);
      const request = op(tx.objectStore(DB_STORE));
      tx.oncomplete = () => resolve(request.result);
      tx.onerror = tx.onabort = () =>
        reject(tx.error ?? new Error(`IndexedDB ${DB_NAME}: transaction aborted`));
    });
  };
  return {
    get: (key) => run('readonly', (store) => store.get(key)),
    put: async (key, value) => void (await run('readwrite', (store) => store.put(value, key))),
    delete: async (key) => void (await run('readwrite', (store) => store.delete(key))),
  };
}

/** Chosen once: storage.local where the browser can close it to content scripts, else IndexedDB. */
export function chooseSessionStore(): SessionStore {
  const local = browser.storage.local as { setAccessLevel?: unknown };
  return typeof local.setAccessLevel === 'function'
    ? storageLocalSessionStore
    : privateSessionStore(indexedDbArea());
}
