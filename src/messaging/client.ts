// The sending side of a channel, free of schema code so the content script stays small. Replies are
// checked by shape here; requests are validated by the receiver with the channel's schemas.
import { CallFailure } from '../call/provider';
import type { ErrorCode } from '../call/state';
import type { Protocol } from './channel';
import type { BackgroundProtocol } from './protocol';

export const BACKGROUND_CHANNEL = 'c2c/background';
export const OFFSCREEN_CHANNEL = 'c2c/offscreen';
export const OFFSCREEN_EVENTS_CHANNEL = 'c2c/offscreen-events';
/** storage.session key of the published AppState, for extension pages (content scripts cannot read it). */
export const APP_STATE_KEY = 'appState';
/** Background → a tab's content script: `{ channel, state }`, that tab's view of the AppState. */
export const TAB_STATE_CHANNEL = 'c2c/tab-state';

export interface Envelope {
  channel: string;
  type: string;
  data: unknown;
}

export interface Client<P extends Protocol<P>> {
  readonly name: string;
  /** Sends a request and resolves with the handler's result; rejects with CallFailure. */
  send<K extends keyof P & string>(
    type: K,
    data: Parameters<P[K]>[0],
  ): Promise<Awaited<ReturnType<P[K]>>>;
}

export function createClient<P extends Protocol<P>>(
  name: string,
  sendMessage: (message: Envelope) => Promise<unknown>,
): Client<P> {
  return {
    name,
    async send(type, data) {
      let raw: unknown;
      try {
        raw = await sendMessage({ channel: name, type, data });
      } catch (error) {
        // "Receiving end does not exist" and friends: the other side is not running.
        throw new CallFailure(
          'internal',
          `${name}.${type}: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
      const reply = raw as {
        ok?: unknown;
        result?: unknown;
        error?: { code?: unknown; detail?: unknown; vendorCode?: unknown };
      } | null;
      if (reply?.ok === true) return reply.result as never;
      if (reply?.ok === false && typeof reply.error?.code === 'string') {
        const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
        throw new CallFailure(
          reply.error.code as ErrorCode,
          text(reply.error.detail),
          text(reply.error.vendorCode),
        );
      }
      throw new CallFailure('internal', `${name}.${type}: no valid reply`);
    },
  };
}

export const backgroundClient = (send: (message: Envelope) => Promise<unknown>) =>
  createClient<BackgroundProtocol>(BACKGROUND_CHANNEL, send);
