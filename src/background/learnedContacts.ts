// The learned directory: numbers the CRM pages showed with the row's name and record, kept only in
// the extension's IndexedDB (never sent anywhere), at most 50,000 entries, each for 30 days.
import type { LearnedContact } from '../messaging/background';

export const LEARNED_LIMITS = {
  entries: 50_000,
  maxAgeMs: 30 * 86_400_000,
} as const;

const DB_NAME = 'c2c-learned-contacts';
const STORE = 'contacts';

interface Stored extends LearnedContact {
  /** Lower-cased name, for the dial pad's search. */
  key: string;
  /** When a page last showed it: the recency order (least recently seen goes first) and its age. */
  seenAt: number;
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });
}

export class LearnedContacts {
  private opened: Promise<IDBDatabase> | null = null;

  constructor(
    private readonly idb: IDBFactory = indexedDB,
    private readonly limits: { entries: number; maxAgeMs: number } = LEARNED_LIMITS,
  ) {}

  private open(): Promise<IDBDatabase> {
    this.opened ??= new Promise<IDBDatabase>((resolve, reject) => {
      const req = this.idb.open(DB_NAME, 1);
      req.onupgradeneeded = () => {
        const store = req.result.createObjectStore(STORE, { keyPath: 'number' });
        store.createIndex('seenAt', 'seenAt');
        store.createIndex('key', 'key');
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error ?? new Error('IndexedDB open failed'));
    }).catch((error: unknown) => {
      this.opened = null;
      throw error;
    });
    return this.opened;
  }

  /** Remembers what pages showed (newest wins), then drops the expired and the least recently seen. */
  async learn(entries: LearnedContact[], now = Date.now()): Promise<void> {
    const db = await this.open();
    const tx = db.transaction(STORE, 'readwrite');
    const store = tx.objectStore(STORE);
    for (const entry of entries) {
      const stored: Stored = { ...entry, key: entry.name.toLocaleLowerCase(), seenAt: now };
      store.put(stored);
    }
    const bySeen = store.index('seenAt');
    await deleteFirst(bySeen.openCursor(IDBKeyRange.upperBound(now - this.limits.maxAgeMs, true)));
    const excess = (await request(store.count())) - this.limits.entries;
    if (excess > 0) await deleteFirst(bySeen.openCursor(), excess);
    await done(tx);
  }

  /** The entry for an E.164 number, unless it is older than the age limit. */
  async lookup(number: string, now = Date.now()): Promise<LearnedContact | undefined> {
    const db = await this.open();
    const found = (await request(db.transaction(STORE).objectStore(STORE).get(number))) as
      Stored | undefined;
    if (!found || found.seenAt < now - this.limits.maxAgeMs) return undefined;
    return strip(found);
  }

  /** Up to `limit` entries whose name starts with `query` (case-insensitive), by name. */
  async search(query: string, limit: number, now = Date.now()): Promise<LearnedContact[]> {
    const key = query.trim().toLocaleLowerCase();
    if (!key) return [];
    const db = await this.open();
    const index = db.transaction(STORE).objectStore(STORE).index('key');
    const rows = (await request(
      index.getAll(IDBKeyRange.bound(key, `${key}\uffff`), limit * 2),
    )) as Stored[];
    return rows
      .filter((r) => r.seenAt >= now - this.limits.maxAgeMs)
      .slice(0, limit)
      .map(strip);
  }

  async count(): Promise<number> {
    const db = await this.open();
    return request(db.transaction(STORE).objectStore(STORE).count());
  }

  async clear(): Promise<void> {
    const db = await this.open();
    const tx = db.transaction(STORE, 'readwrite');
    tx.objectStore(STORE).clear();
    await done(tx);
  }
}

/** Deletes what the cursor walks over (at most `max` entries); resolves when it is done. */
function deleteFirst(req: IDBRequest<IDBCursorWithValue | null>, max = Infinity): Promise<void> {
  let left = max;
  return new Promise((resolve, reject) => {
    req.onerror = () => reject(req.error ?? new Error('IndexedDB cursor failed'));
    req.onsuccess = () => {
      const cursor = req.result;
      if (!cursor || left <= 0) return resolve();
      cursor.delete();
      left--;
      cursor.continue();
    };
  });
}

function strip({ number, name, url, title }: Stored): LearnedContact {
  return { number, name, url, title };
}
