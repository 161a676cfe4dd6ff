// Firefox's call host: a small extension popup window running the call session (callwindow.html),
// tracked by window and tab id (the ids live in storage.session, so a suspended background finds
// them again). Either one removed means the host is gone: the window, or its tab when other tabs
// were opened into that window.
import { browser } from 'wxt/browser';
import { offscreenChannel } from '../messaging/offscreen';
import type { CallHost } from './callHost';

const PATH = '/callwindow.html';
const WINDOW_KEY = 'callWindowId';
/** How long the window's page may take to load before `ensure` gives up. */
const LOAD_TIMEOUT_MS = 15_000;
/** How often `ensure` asks the new window's page whether it answers yet. */
const READY_POLL_MS = 25;
/**
 * User Timing marks of the last window opening (background: create, created, answering; the page
 * marks its own script start and first connection): the call-latency bench reads them.
 */
export const CALL_WINDOW_MARKS = {
  create: 'c2c-call-window-create',
  created: 'c2c-call-window-created',
  answering: 'c2c-call-window-answering',
} as const;

export interface WindowsApi {
  create(data: {
    type: 'popup';
    url: string;
    focused: boolean;
    width: number;
    height: number;
  }): Promise<{ id?: number; tabs?: { id?: number }[] }>;
  update(id: number, info: { focused: boolean }): Promise<unknown>;
  remove(id: number): Promise<void>;
  onRemoved: { addListener(listener: (id: number) => void): void };
}

interface HostIds {
  windowId: number;
  tabId: number;
}

export interface CallWindowDeps {
  windows: WindowsApi;
  /** The tab's loading status; rejects when there is no such tab. */
  tabStatus(tabId: number): Promise<string | undefined>;
  /** Whether the call window's page answers on the call-host channel (its listener is registered). */
  answers(): Promise<boolean>;
  onTabRemoved(listener: (tabId: number) => void): void;
  store: {
    get(): Promise<HostIds | null>;
    set(ids: HostIds | null): Promise<void>;
  };
  url: string;
}

function browserDeps(): CallWindowDeps {
  return {
    windows: browser.windows as unknown as WindowsApi,
    tabStatus: async (tabId) => (await browser.tabs.get(tabId)).status,
    answers: () =>
      offscreenChannel((m) => browser.runtime.sendMessage(m))
        .send('getState', {})
        .then(
          () => true,
          () => false,
        ),
    onTabRemoved: (listener) => browser.tabs.onRemoved.addListener((id) => listener(id)),
    store: {
      get: async () => {
        const value = (await browser.storage.session.get(WINDOW_KEY))[WINDOW_KEY] as
          Partial<HostIds> | undefined;
        return typeof value?.windowId === 'number' && typeof value.tabId === 'number'
          ? { windowId: value.windowId, tabId: value.tabId }
          : null;
      },
      set: (ids) => browser.storage.session.set({ [WINDOW_KEY]: ids }),
    },
    // A Firefox-only page: not in the (Chrome) generated list of public paths.
    url: (browser.runtime.getURL as (path: string) => string)(PATH),
  };
}

/** Registers the removal listeners at once (call it at start-up, so the events wake the background). */
export function callWindowHost(deps: CallWindowDeps = browserDeps()): CallHost {
  const gone: (() => void)[] = [];
  let creating: Promise<void> | null = null;

  const removed = (matches: (ids: HostIds) => boolean) => {
    void deps.store.get().then(async (current) => {
      if (!current || !matches(current)) return;
      await deps.store.set(null);
      // Not after `close`: it forgets the ids before removing the window.
      for (const listener of gone) listener();
    });
  };
  deps.windows.onRemoved.addListener((id) => removed((ids) => ids.windowId === id));
  deps.onTabRemoved((id) => removed((ids) => ids.tabId === id));

  const running = async (): Promise<HostIds | null> => {
    const ids = await deps.store.get();
    if (ids === null) return null;
    try {
      await deps.tabStatus(ids.tabId);
      return ids;
    } catch {
      await deps.store.set(null);
      return null;
    }
  };

  const open = async () => {
    mark(CALL_WINDOW_MARKS.create);
    const created = await deps.windows.create({
      type: 'popup',
      url: deps.url,
      focused: true,
      width: 380,
      height: 220,
    });
    mark(CALL_WINDOW_MARKS.created);
    const tabId = created.tabs?.[0]?.id;
    if (created.id === undefined || tabId === undefined)
      throw new Error('the call window was not created');
    await deps.store.set({ windowId: created.id, tabId });
    // Ready as soon as the page's module has registered its listener: asking it directly is sooner
    // than the tab's `complete` status (and a closed window ends the wait: tabStatus rejects).
    const deadline = Date.now() + LOAD_TIMEOUT_MS;
    while (!(await deps.answers())) {
      await deps.tabStatus(tabId);
      if (Date.now() > deadline) throw new Error('the call window did not load');
      await new Promise((r) => setTimeout(r, READY_POLL_MS));
    }
    mark(CALL_WINDOW_MARKS.answering);
  };

  return {
    path: PATH,
    async ensure() {
      if (creating) {
        await creating;
        return false;
      }
      if ((await running()) !== null) return false;
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
    isRunning: async () => (await running()) !== null,
    async close() {
      if (creating) await creating.catch(() => undefined);
      const ids = await running();
      if (ids === null) return;
      await deps.store.set(null);
      await deps.windows.remove(ids.windowId);
    },
    async prepareForMedia() {
      const ids = await running();
      if (ids !== null)
        await deps.windows.update(ids.windowId, { focused: true }).catch(() => undefined);
    },
    onGone(listener) {
      gone.push(listener);
    },
  };
}

/** One mark per name: the latest opening replaces the one before (the buffer stays small). */
function mark(name: string): void {
  performance.clearMarks(name);
  performance.mark(name);
}
