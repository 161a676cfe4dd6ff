// Per-tab state delivery: which CRM tabs show a call bar, which tab owns which call, and pushing
// each tab its own view of the state. Kept in storage.session so it outlives the worker.
import { browser } from 'wxt/browser';
import { TAB_STATE_CHANNEL, type AppState } from '../messaging/background';
import type { MessageSender } from '../messaging/types';

export const CRM_TABS_KEY = 'crmTabs';

/**
 * The tabs whose content script shows a call bar, and which tab owns which call: call details go
 * only to the tab that placed or answered the call, and a call without one (ringing, or placed from
 * the popup or the context menu) only to the CRM tab the agent focused last.
 */
interface CrmTabs {
  tabs: Record<string, { seen: number; focused: number }>;
  owners: Record<string, number>;
}

/** The tab of a content script (a web page's), or null for our own pages and the worker itself. */
export function contentTabOf(sender: MessageSender, extensionBase: string): number | null {
  if (sender.url?.startsWith(extensionBase)) return null;
  return sender.tab?.id ?? null;
}

/** A content script in a frame of its tab's page, not in the top document (frame 0). */
export function inFrame(sender: MessageSender): boolean {
  return Boolean(sender.tab) && typeof sender.frameId === 'number' && sender.frameId !== 0;
}

/**
 * Whether a frame's document is of its page's own origin, as the browser reports both. The content
 * script decorates only such frames (src/content/frames.ts); a frame of another origin, or of a
 * page whose address we are not told, is refused whatever its script says.
 */
export function frameOfPageOrigin(sender: MessageSender): boolean {
  try {
    const frame = new URL(sender.url ?? '');
    const page = new URL(sender.tab?.url ?? '');
    return /^https?:$/.test(frame.protocol) && frame.origin === page.origin;
  } catch {
    return false;
  }
}

export class TabStates {
  private crm: CrmTabs = { tabs: {}, owners: {} };

  constructor(
    private readonly deps: {
      /** Resolves once the worker has restored its state after a restart. */
      ready(): Promise<void>;
      appState(): Promise<AppState>;
      /** Whether a call (live or waiting) is on: only then does a focus change move it. */
      hasCall(): boolean;
    },
  ) {}

  /** Takes the registry saved under CRM_TABS_KEY before the worker restarted. */
  restore(saved: unknown): void {
    const tabs = saved as CrmTabs | undefined;
    if (tabs?.tabs && tabs.owners) this.crm = tabs;
  }

  /** The focused CRM tab is where a ringing call shows; a closed tab is forgotten. */
  listen(): void {
    browser.tabs.onActivated.addListener(({ tabId }) => void this.onTabFocused(tabId));
    browser.windows.onFocusChanged.addListener((windowId) => {
      if (windowId === browser.windows.WINDOW_ID_NONE) return;
      void browser.tabs
        .query({ active: true, windowId })
        .then(([tab]) => (tab?.id !== undefined ? this.onTabFocused(tab.id) : undefined))
        .catch(() => undefined);
    });
    browser.tabs.onRemoved.addListener((tabId) => void this.forgetTab(tabId));
  }

  /** The tab that placed or answered a call shows it from then on. */
  setOwner(callId: string, tabId: number): void {
    this.crm.owners[callId] = tabId;
  }

  register(tabId: number, active: boolean): void {
    const known = this.crm.tabs[tabId];
    const now = Date.now();
    this.crm.tabs[tabId] = {
      // An order, not a time: of two tabs never focused, the one that opened later wins.
      seen: known?.seen ?? Math.max(0, ...Object.values(this.crm.tabs).map((t) => t.seen)) + 1,
      focused: active ? now : (known?.focused ?? 0),
    };
    this.save();
  }

  private async onTabFocused(tabId: number): Promise<void> {
    await this.deps.ready();
    const known = this.crm.tabs[tabId];
    if (!known) return;
    known.focused = Date.now();
    this.save();
    if (this.deps.hasCall()) await this.push();
  }

  private async forgetTab(tabId: number): Promise<void> {
    await this.deps.ready();
    if (!this.crm.tabs[tabId]) return;
    delete this.crm.tabs[tabId];
    // Its calls go on: they show in the CRM tab the agent focused last from now on.
    let orphaned = false;
    for (const [callId, owner] of Object.entries(this.crm.owners)) {
      if (owner !== tabId) continue;
      delete this.crm.owners[callId];
      orphaned = true;
    }
    this.save();
    if (orphaned) await this.push();
  }

  private save(): void {
    void browser.storage.session.set({ [CRM_TABS_KEY]: this.crm }).catch(() => undefined);
  }

  /** The CRM tab the agent looked at last (focused last; of those never focused, the newest). */
  private focusedCrmTab(): number | null {
    let best: number | null = null;
    let key: [number, number] = [-1, -1];
    for (const [id, t] of Object.entries(this.crm.tabs)) {
      if (t.focused > key[0] || (t.focused === key[0] && t.seen > key[1])) {
        best = Number(id);
        key = [t.focused, t.seen];
      }
    }
    return best;
  }

  /** What one tab's call bar may know: its own call; a call nobody owns only in the focused tab. */
  tabState(state: AppState, tabId: number): AppState {
    const focused = this.focusedCrmTab() === tabId;
    const shows = (call: AppState['call']) => {
      if (!call) return null;
      const owner = this.crm.owners[call.callId];
      return owner === tabId || (owner === undefined && focused) ? call : null;
    };
    return { ...state, call: shows(state.call), waiting: shows(state.waiting) };
  }

  /** Sends every CRM tab its view of the state (and drops owners of calls that are over). */
  async push(state?: AppState): Promise<void> {
    const full = state ?? (await this.deps.appState());
    const live = new Set([full.call?.callId, full.waiting?.callId]);
    for (const callId of Object.keys(this.crm.owners))
      if (!live.has(callId)) delete this.crm.owners[callId];
    await Promise.all(
      Object.keys(this.crm.tabs).map((id) =>
        // Promise.resolve().then: a sendMessage that throws at once is handled like a rejection.
        Promise.resolve()
          .then(() =>
            browser.tabs.sendMessage(
              Number(id),
              { channel: TAB_STATE_CHANNEL, state: this.tabState(full, Number(id)) },
              { frameId: 0 },
            ),
          )
          // Navigated away or closed: it registers again when a content script asks for state.
          .catch(() => void this.forgetTab(Number(id))),
      ),
    );
  }
}
