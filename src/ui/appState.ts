// The published AppState (storage.session), for every UI: read once, then follow changes.
import { browser } from 'wxt/browser';
import { useEffect, useState } from 'preact/hooks';
import { APP_STATE_KEY, background, type AppState } from '../messaging/background';

export function watchAppState(
  onState: (state: AppState | null) => void,
  signal: AbortSignal,
): void {
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
