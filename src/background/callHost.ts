// Where the live call runs. Chrome: the offscreen document. A Firefox host (no offscreen API) would
// open the same page in a small extension window; the background only talks to this interface.
import {
  closeOffscreenDocument,
  ensureOffscreenDocument,
  hasOffscreenDocument,
} from './offscreenDocument';

export interface CallHost {
  /** The page the host runs, as a path of the extension (its sender URL is checked on every message). */
  readonly path: '/offscreen.html';
  /** Resolves once the host runs; true when this call started it. Safe to call concurrently. */
  ensure(): Promise<boolean>;
  isRunning(): Promise<boolean>;
  close(): Promise<void>;
}

export const offscreenCallHost: CallHost = {
  path: '/offscreen.html',
  ensure: ensureOffscreenDocument,
  isRunning: hasOffscreenDocument,
  close: closeOffscreenDocument,
};
