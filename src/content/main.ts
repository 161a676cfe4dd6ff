// Content script wiring: the call bar, and call buttons on numbers and contact ids (each a feature
// that stops when `signal`, the content script context's, aborts).
import { CallFailure } from '../call/provider';
import { readSettingsEarly, sameSettings, stillValid, type EarlySettings } from '../settings/read';
import { background } from '../messaging/background';
import { t } from '../ui/i18n';
import { HOST_TAG, startDecorating, type DecorateOptions } from './decorate';
import { EXCLUDED } from './decorate/containers';
import { probes } from './decorate/probes';
import * as callBar from './features/callBar';
import { decoratesFrame, topTitle } from './frames';
import { loadNumberTypes } from './numberTypes';

const LABEL_MARK = '\u0001';

export async function startContentScript(signal: AbortSignal): Promise<void> {
  // In a frame, only where every parent is of the same origin: elsewhere nothing tells us what the
  // agent sees of the frame (frames.ts), so it gets no buttons.
  if (!decoratesFrame(window, EXCLUDED)) return;
  const inTop = window.top === window;
  // Test builds mark the end of the first pass for the benchmark (test/bench/detect.bench.ts).
  if (import.meta.env.MODE === 'test') {
    probes.settled = () => {
      probes.settled = undefined;
      performance.mark('c2c:decorated');
    };
  }
  // From the background: storage.local (which holds the session token) is closed to content
  // scripts where the browser allows it; elsewhere it can still be read directly. Buttons come
  // with what is known now; policy may still be on its way (settings/read.ts). The number types are
  // fetched meanwhile (without them no number is valid).
  const types = loadNumberTypes(signal);
  const early = await earlySettings();
  await types;
  if (signal.aborted) return;
  await bodyReady(signal);
  // A whole page can opt out (the softphone page does: it is someone else's phone).
  if (document.querySelector('meta[name="click-to-call"][content="off"]')) return;
  // The bar is the top document's; a frame's failures are shown there (the background sends them).
  const bar = inTop ? callBar.init(signal) : null;
  // Held until `confirmed` answers: a button made before policy changed the settings (say, the
  // default country) does not dial; the page is decorated again with the confirmed ones below.
  const callWhen =
    (confirmed: () => Promise<boolean>): DecorateOptions['onCall'] =>
    (target, info) => {
      // Only reached for trusted activations (checked by the decorator); the background validates again.
      const clickedAt = performance.timeOrigin + performance.now();
      void confirmed()
        .catch(() => false)
        .then((valid) => {
          if (!valid || signal.aborted) return;
          background
            .send('startCall', {
              target,
              ...(info.displayName ? { displayName: info.displayName.slice(0, 200) } : {}),
              // The record says which CRM page the call came from (the URL the background knows).
              ...(pageTitle() ? { pageTitle: pageTitle() } : {}),
              clickedAt,
            })
            .catch((error: unknown) => bar?.showError(CallFailure.from(error).toCallError()));
        });
    };
  // The label's template read once: the browser's getMessage costs ~10 µs a call, 0.2 s on 20,000
  // buttons. The marker stands for the number wherever the translation puts it.
  const parts = t('callButtonLabel', LABEL_MARK).split(LABEL_MARK);
  const labels = {
    call:
      parts.length > 1
        ? (formatted: string) => parts.join(formatted)
        : (formatted: string) => t('callButtonLabel', formatted),
  };
  // Phone-number and contact-ID buttons (decorate/index.ts lists the features).
  const first = new AbortController();
  signal.addEventListener('abort', () => first.abort(), { once: true });
  startDecorating({
    settings: early.settings,
    signal: first.signal,
    labels,
    onCall: callWhen(() => stillValid(early)),
  });
  if (!early.confirmed) {
    void early.final
      .then((final) => {
        if (signal.aborted || sameSettings(early.settings, final)) return;
        first.abort();
        for (const host of document.querySelectorAll(HOST_TAG)) host.remove();
        startDecorating({ settings: final, signal, labels, onCall: callWhen(async () => true) });
      })
      .catch(() => undefined);
  }
  // Settings changes (default country, contact rules) apply on the next page load; the extension
  // reloading or updating aborts `signal` and everything above stops.
}

async function earlySettings(): Promise<EarlySettings> {
  try {
    const { settings, confirmed } = await background.send('getEarlySettings', {});
    const final = confirmed ? Promise.resolve(settings) : background.send('getSettings', {});
    final.catch(() => undefined);
    return { settings, confirmed, final };
  } catch {
    return readSettingsEarly();
  }
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

/**
 * The page's title as one clean line (a title with control characters still places the call); in
 * a frame, its top document's (the record the agent has open).
 */
function pageTitle(): string {
  return (
    topTitle(window)
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u001f\u007f]+/g, ' ')
      .trim()
      .slice(0, 300)
  );
}
