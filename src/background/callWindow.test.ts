// Firefox's call host: one window, opened on demand, found again after a suspension, gone on close.
import { describe, expect, it, vi } from 'vitest';
import { callWindowHost, type CallWindowDeps } from './callWindow';

function fakeWindows() {
  const open = new Set<number>();
  const removed: ((id: number) => void)[] = [];
  const tabRemoved: ((id: number) => void)[] = [];
  let stored: { windowId: number; tabId: number } | null = null;
  let nextId = 1;
  let answerCalls = 0;
  const deps: CallWindowDeps = {
    url: 'moz-extension://u/callwindow.html',
    windows: {
      create: vi.fn(async () => {
        const id = nextId++;
        open.add(id);
        return { id, tabs: [{ id: id * 10 }] };
      }),
      update: vi.fn(async () => ({})),
      remove: vi.fn(async (id: number) => {
        open.delete(id);
        for (const listener of removed) listener(id);
      }),
      onRemoved: { addListener: (listener) => void removed.push(listener) },
    },
    tabStatus: async (tabId) => {
      if (!open.has(tabId / 10)) throw new Error('no tab');
      return 'loading';
    },
    // The page answers after a couple of polls.
    answers: async () => ++answerCalls % 3 === 0,
    onTabRemoved: (listener) => void tabRemoved.push(listener),
    store: {
      get: async () => stored,
      set: async (id) => void (stored = id),
    },
  };
  /** The agent closes the window. */
  const closeByHand = (id: number) => {
    open.delete(id);
    for (const listener of removed) listener(id);
  };
  /** Only the call tab goes (other tabs were opened into the popup window). */
  const closeTab = (windowId: number) => {
    open.delete(windowId);
    for (const listener of tabRemoved) listener(windowId * 10);
  };
  return {
    deps,
    closeByHand,
    closeTab,
    stored: () => stored,
    /** The page never registers its listener (it hangs, or the window goes before it loads). */
    neverAnswers: () => void (deps.answers = async () => false),
  };
}

describe('callWindowHost', () => {
  it('opens one focused popup window even when callers race, and reuses it', async () => {
    const { deps, stored } = fakeWindows();
    const host = callWindowHost(deps);
    const results = await Promise.all([host.ensure(), host.ensure(), host.ensure()]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(deps.windows.create).toHaveBeenCalledTimes(1);
    expect(deps.windows.create).toHaveBeenCalledWith(
      expect.objectContaining({ type: 'popup', focused: true, url: deps.url }),
    );
    expect(await host.isRunning()).toBe(true);
    expect(stored()).toEqual({ windowId: 1, tabId: 10 });
    expect(await host.ensure()).toBe(false);
  });

  it('a new background instance (after suspension) finds the window by its stored id', async () => {
    const { deps } = fakeWindows();
    await callWindowHost(deps).ensure();
    const again = callWindowHost(deps);
    expect(await again.isRunning()).toBe(true);
    expect(await again.ensure()).toBe(false);
    expect(deps.windows.create).toHaveBeenCalledTimes(1);
  });

  it('the agent closing the window reports it gone; close() does not', async () => {
    const { deps, closeByHand } = fakeWindows();
    const host = callWindowHost(deps);
    const gone = vi.fn();
    host.onGone(gone);
    await host.ensure();
    closeByHand(1);
    await vi.waitFor(() => expect(gone).toHaveBeenCalledTimes(1));
    expect(await host.isRunning()).toBe(false);

    expect(await host.ensure()).toBe(true);
    await host.close();
    expect(deps.windows.remove).toHaveBeenCalledWith(2);
    await new Promise((r) => setTimeout(r, 10));
    expect(gone).toHaveBeenCalledTimes(1);
    expect(await host.isRunning()).toBe(false);
  });

  it('closing only the call tab (the window stays with other tabs) also reports it gone', async () => {
    const { deps, closeTab } = fakeWindows();
    const host = callWindowHost(deps);
    const gone = vi.fn();
    host.onGone(gone);
    await host.ensure();
    closeTab(1);
    await vi.waitFor(() => expect(gone).toHaveBeenCalledTimes(1));
    expect(await host.isRunning()).toBe(false);
  });

  it('brings the window to the front before media', async () => {
    const { deps } = fakeWindows();
    const host = callWindowHost(deps);
    await host.ensure();
    await host.prepareForMedia();
    expect(deps.windows.update).toHaveBeenCalledWith(1, { focused: true });
  });

  it('waits until the page answers, and stops waiting when the window goes while it loads', async () => {
    const { deps, closeByHand, neverAnswers } = fakeWindows();
    neverAnswers();
    const host = callWindowHost(deps);
    const ensured = host.ensure();
    await vi.waitFor(() => expect(deps.windows.create).toHaveBeenCalledTimes(1));
    await new Promise((r) => setTimeout(r, 30));
    closeByHand(1);
    await expect(ensured).rejects.toThrow('no tab');
    expect(await host.isRunning()).toBe(false);
  });
});
