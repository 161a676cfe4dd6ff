// The published AppState, for every UI: read once, then follow changes. Our pages follow it in
// storage.session; a content script (no storage area is open to it) gets its tab's view of it from
// the background, which sends every change to the CRM tabs that asked.
import { browser } from 'wxt/browser';
import { useEffect, useState } from 'preact/hooks';
import {
  APP_STATE_KEY,
  background,
  TAB_STATE_CHANNEL,
  type AppState,
} from '../messaging/background';

/** Whether this code runs in one of our own pages (not a content script in a web page). */
const inExtensionPage = () => {
  try {
    return location.href.startsWith(browser.runtime.getURL('/'));
  } catch {
    return false;
  }
};

export function watchAppState(
  onState: (state: AppState | null) => void,
  signal: AbortSignal,
): void {
  if (!inExtensionPage()) {
    watchTabState(onState, signal);
    return;
  }
  const listener = (changes: Record<string, { newValue?: unknown }>, area: string) => {
    if (area === 'session' && APP_STATE_KEY in changes)
      onState((changes[APP_STATE_KEY]!.newValue as AppState) ?? null);
  };
  browser.storage.onChanged.addListener(listener);
  signal.addEventListener('abort', () => browser.storage.onChanged.removeListener(listener));
  void background
    .send('getState', {})
    .catch(
      async () =>
        (await browser.storage.session.get(APP_STATE_KEY))[APP_STATE_KEY] as AppState | undefined,
    )
    .then((state) => {
      if (!signal.aborted) onState(state ?? null);
    });
}

/** A content script's state: asked for once (which registers the tab), then sent by the background. */
function watchTabState(onState: (state: AppState | null) => void, signal: AbortSignal): void {
  let pushed = false;
  const listener = (message: unknown, sender: { id?: string }) => {
    const m = message as { channel?: unknown; state?: unknown } | null;
    if (sender.id !== browser.runtime.id || m?.channel !== TAB_STATE_CHANNEL) return undefined;
    pushed = true;
    if (!signal.aborted) onState((m.state as AppState | null) ?? null);
    return undefined;
  };
  browser.runtime.onMessage.addListener(listener);
  signal.addEventListener('abort', () => browser.runtime.onMessage.removeListener(listener));
  void background
    .send('getState', {})
    .catch(() => null)
    .then((state) => {
      // A change sent meanwhile is newer than this answer.
      if (!signal.aborted && !pushed) onState(state);
    });
}

export function useAppState(): AppState | null {
  const [state, setState] = useState<AppState | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    watchAppState(setState, controller.signal);
    return () => controller.abort();
  }, []);
  return state;
}

/** Re-renders every second while `active`, for call timers. */
export function useNow(active: boolean): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!active) return;
    const id = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(id);
  }, [active]);
  return now;
}
