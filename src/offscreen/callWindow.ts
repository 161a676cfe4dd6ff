// The Firefox call window: the same call session as Chrome's offscreen document, plus one line that
// tells the agent to keep the window open (closing it ends the call: see background/callWindow.ts).
import type { OffscreenState } from '../messaging/offscreen';
import { t } from '../ui/i18n';
import { startOffscreen } from './main';

/** Firefox runs an MV3 background's scripts in this generated page. */
const FIREFOX_BACKGROUND_PAGE = '/_generated_background_page.html';

export function callWindowStatus(state: OffscreenState | null): string {
  const live = state?.call && state.call.phase !== 'ended';
  return t(live || state?.waiting ? 'callWindowInCall' : 'callWindowKeepOpen');
}

/** User Timing marks for the call-latency bench: this page's script start, its first connection. */
export const CALL_WINDOW_PAGE_MARKS = {
  script: 'c2c-call-window-script',
  connected: 'c2c-call-window-connected',
} as const;

export function startCallWindow(doc: Document = document): void {
  performance.mark(CALL_WINDOW_PAGE_MARKS.script);
  const status = doc.getElementById('status');
  let connected = false;
  const show = (state: OffscreenState | null) => {
    if (status) status.textContent = callWindowStatus(state);
    if (!connected && state?.provider.state === 'ready') {
      connected = true;
      performance.mark(CALL_WINDOW_PAGE_MARKS.connected);
    }
  };
  doc.title = t('extName');
  const title = doc.getElementById('title');
  if (title) title.textContent = t('extName');
  show(null);
  startOffscreen({
    backgroundUrl: chrome.runtime.getURL(FIREFOX_BACKGROUND_PAGE),
    onState: show,
  });
}
