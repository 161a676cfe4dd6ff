// Firefox's call host: a small extension popup window running the call session (callwindow.html),
// tracked by window id. The id lives in storage.session, so a suspended background finds it again.
import { browser } from 'wxt/browser';
import type { CallHost } from './callHost';

const PATH = '/callwindow.html';
const WINDOW_KEY = 'callWindowId';
/** How long the window's page may take to load before `ensure` gives up. */
const LOAD_TIMEOUT_MS = 15_000;

export interface WindowsApi {
  create(data: {
    type: 'popup';
    url: string;
    focused: boolean;
    width: number;
    height: number;
  }): Promise<{ id?: number; tabs?: { id?: number }[] }>;
  get(id: number): Promise<unknown>;
  update(id: number, info: { focused: boolean }): Promise<unknown>;
  remove(id: number): Promise<void>;
  onRemoved: { addListener(listener: (id: number) => void): void };
}

export interface CallWindowDeps {
  windows: WindowsApi;
  tabStatus(tabId: number): Promise<string | undefined>;
  store: {
    get(): Promise<number | null>;
    set(id: number | null): Promise<void>;
  };
  url: string;
}

function browserDeps(): CallWindowDeps {
  return {
    windows: browser.windows as unknown as WindowsApi,
    tabStatus: async (tabId) => (await browser.tabs.get(tabId)).status,
    store: {
      get: async () => {
        const value = (await browser.storage.session.get(WINDOW_KEY))[WINDOW_KEY];
        return typeof value === 'number' ? value : null;
      },
      set: (id) => browser.storage.session.set({ [WINDOW_KEY]: id }),
    },
    // A Firefox-only page: not in the (Chrome) generated list of public paths.
    url: (browser.runtime.getURL as (path: string) => string)(PATH),
  };
}

/** Registers `windows.onRemoved` at once (call it at start-up, so the event wakes the background). */
export function callWindowHost(deps: CallWindowDeps = browserDeps()): CallHost {
  const gone: (() => void)[] = [];
  let creating: Promise<void> | null = null;

  deps.windows.onRemoved.addListener((id) => {
    void deps.store.get().then(async (current) => {
      if (current !== id) return;
      await deps.store.set(null);
      // Not after `close`: it forgets the id before removing the window.
      for (const listener of gone) listener();
    });
  });

  const windowId = async (): Promise<number | null> => {
    const id = await deps.store.get();
    if (id === null) return null;
    try {
      await deps.windows.get(id);
      return id;
    } catch {
      await deps.store.set(null);
      return null;
    }
  };

  const open = async () => {
    const created = await deps.windows.create({
      type: 'popup',
      url: deps.url,
      focused: true,
      width: 380,
      height: 220,
    });
    if (created.id === undefined) throw new Error('the call window was not created');
    await deps.store.set(created.id);
    // The page registers its message listener while its module runs, i.e. before it is complete.
    const tabId = created.tabs?.[0]?.id;
    if (tabId === undefined) throw new Error('the call window has no tab');
    const deadline = Date.now() + LOAD_TIMEOUT_MS;
    while ((await deps.tabStatus(tabId)) !== 'complete') {
      if (Date.now() > deadline) throw new Error('the call window did not load');
      await new Promise((r) => setTimeout(r, 25));
    }
  };

  return {
    path: PATH,
    async ensure() {
      if (creating) {
        await creating;
        return false;
      }
      if ((await windowId()) !== null) return false;
      if (creating) {
        await creating;
        return false;
      }
      creating = open().finally(() => {
        creating = null;
      });
      await creating;
      return true;
    },
    isRunning: async () => (await windowId()) !== null,
    async close() {
      if (creating) await creating.catch(() => undefined);
      const id = await windowId();
      if (id === null) return;
      await deps.store.set(null);
      await deps.windows.remove(id);
    },
    async prepareForMedia() {
      const id = await windowId();
      if (id !== null) await deps.windows.update(id, { focused: true }).catch(() => undefined);
    },
    onGone(listener) {
      gone.push(listener);
    },
  };
}
