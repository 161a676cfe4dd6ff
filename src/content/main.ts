// Content script wiring: the call bar, and call buttons on numbers and contact ids (each a feature
// that stops when `signal`, the content script context's, aborts).
import { CallFailure } from '../call/provider';
import { readSettings } from '../settings/read';
import { background } from '../messaging/background';
import { t } from '../ui/i18n';
import { startDecorating } from './decorate';
import * as callBar from './features/callBar';

export async function startContentScript(signal: AbortSignal): Promise<void> {
  // From the background: storage.local (which holds the session token) is closed to content
  // scripts where the browser allows it; elsewhere it can still be read directly.
  const settings = await background.send('getSettings', {}).catch(() => readSettings());
  if (signal.aborted) return;
  await bodyReady(signal);
  // A whole page can opt out (the softphone page does: it is someone else's phone).
  if (document.querySelector('meta[name="click-to-call"][content="off"]')) return;
  const bar = callBar.init(signal);
  // Phone-number and contact-ID buttons (decorate/index.ts lists the features).
  startDecorating({
    settings,
    signal,
    labels: { call: (formatted) => t('callButtonLabel', formatted) },
    onCall: (target, info) => {
      // Only reached for trusted activations (checked by the decorator); the background validates again.
      background
        .send('startCall', {
          target,
          ...(info.displayName ? { displayName: info.displayName.slice(0, 200) } : {}),
          clickedAt: performance.timeOrigin + performance.now(),
        })
        .catch((error: unknown) => bar.showError(CallFailure.from(error).toCallError()));
    },
  });
  // Settings changes (default country, contact rules) apply on the next page load; the extension
  // reloading or updating aborts `signal` and everything above stops.
}

function bodyReady(signal: AbortSignal): Promise<void> {
  if (document.body) return Promise.resolve();
  return new Promise((resolve) => {
    const observer = new MutationObserver(() => {
      if (document.body) {
        observer.disconnect();
        resolve();
      }
    });
    observer.observe(document.documentElement, { childList: true });
    signal.addEventListener('abort', () => observer.disconnect());
  });
}
