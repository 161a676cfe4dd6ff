// Where the live call runs, chosen once at start-up (see main.ts). Chrome: the offscreen document.
// Firefox (no offscreen API, and its background cannot take the microphone): the same call session
// in a small extension window (callWindow.ts). The background only talks to this interface.
import {
  closeOffscreenDocument,
  ensureOffscreenDocument,
  hasOffscreenDocument,
} from './offscreenDocument';

export interface CallHost {
  /** The page the host runs, as a path of the extension (its sender URL is checked on every message). */
  readonly path: '/offscreen.html' | '/callwindow.html';
  /** Resolves once the host runs; true when this call started it. Safe to call concurrently. */
  ensure(): Promise<boolean>;
  isRunning(): Promise<boolean>;
  close(): Promise<void>;
  /** Before the host opens the microphone (a call starts or is answered): Firefox wants it in front. */
  prepareForMedia(): Promise<void>;
  /** `listener` runs when the host went away without `close` (the agent closed the call window). */
  onGone(listener: () => void): void;
}

export const offscreenCallHost: CallHost = {
  path: '/offscreen.html',
  ensure: ensureOffscreenDocument,
  isRunning: hasOffscreenDocument,
  close: closeOffscreenDocument,
  prepareForMedia: async () => undefined,
  // Chrome closes an offscreen document only when we ask it to.
  onGone: () => undefined,
};
