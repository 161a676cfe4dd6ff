// Call host wiring: the call session behind the background's channel. Chrome runs it in the offscreen
// document; Firefox in the call window (entrypoints/callwindow), whose background is a generated page.
import { loadProvider } from '../call/providers';
import { offscreenChannel, type OffscreenState } from '../messaging/offscreen';
import { offscreenEventsChannel } from '../messaging/offscreenEvents';
import type { MessageSender } from '../messaging/types';
import { CallSession, sessionHandlers } from './CallSession';
import { microphonePermission, openMicrophone } from './microphone';

export function startOffscreen(
  options: {
    /** The background's URL (messages from anything else are ignored). */
    backgroundUrl?: string;
    /** Every call-state change, for a visible host page to show. */
    onState?(state: OffscreenState): void;
  } = {},
): void {
  const send = (message: unknown) => chrome.runtime.sendMessage(message);
  const events = offscreenEventsChannel(send);
  const ringtone = createRingtone(chrome.runtime.getURL('/ringtone.wav'));

  const session = new CallSession({
    loadProvider,
    getMicrophone: () => openMicrophone(),
    microphonePermission: () => microphonePermission(),
    ringtone,
    onChange: (state, reason) => {
      options.onState?.(state);
      // Wakes the service worker if it was stopped; it restores its view from this message.
      events.send('stateChanged', { state, reason }).catch(() => undefined);
    },
  });

  const backgroundUrl = options.backgroundUrl ?? chrome.runtime.getURL('/background.js');
  const listener = offscreenChannel(send).listener(
    sessionHandlers(session),
    // Only our service worker drives the call; pages talk to the background.
    (_type, sender: MessageSender) =>
      sender.id === chrome.runtime.id && sender.url === backgroundUrl,
  );
  chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
    const reply = listener(message, sender);
    if (!reply) return false;
    void reply.then(sendResponse);
    return true;
  });
}

function createRingtone(url: string): { start(): void; stop(): void } {
  let audio: HTMLAudioElement | null = null;
  return {
    start() {
      audio ??= Object.assign(new Audio(url), { loop: true });
      audio.currentTime = 0;
      void audio.play().catch(() => undefined);
    },
    stop() {
      audio?.pause();
    },
  };
}
