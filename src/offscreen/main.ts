// Offscreen document wiring: the call session behind the background's channel.
import { loadProvider } from '../call/providers';
import { offscreenChannel } from '../messaging/offscreen';
import { offscreenEventsChannel } from '../messaging/offscreenEvents';
import type { MessageSender } from '../messaging/types';
import { CallSession, sessionHandlers } from './CallSession';
import { microphonePermission, openMicrophone } from './microphone';

export function startOffscreen(): void {
  const send = (message: unknown) => chrome.runtime.sendMessage(message);
  const events = offscreenEventsChannel(send);
  const ringtone = createRingtone(chrome.runtime.getURL('/ringtone.wav'));

  const session = new CallSession({
    loadProvider,
    getMicrophone: () => openMicrophone(),
    microphonePermission: () => microphonePermission(),
    ringtone,
    onChange: (state, reason) => {
      // Wakes the service worker if it was stopped; it restores its view from this message.
      events.send('stateChanged', { state, reason }).catch(() => undefined);
    },
  });

  const backgroundUrl = chrome.runtime.getURL('/background.js');
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
