// The shapes every channel shares. Imports nothing: sending (client.ts) and listening (channel.ts)
// build on it, and each channel file (background, offscreen, offscreenEvents) on those.

/** `{ method(data): result }` — one data argument, typed result. */
export type Protocol<P> = { [K in keyof P]: (data: never) => unknown };

/** What travels over runtime messaging: the channel's name, the method and its one argument. */
export interface Envelope {
  channel: string;
  type: string;
  data: unknown;
}

export type SendMessage = (message: Envelope) => Promise<unknown>;

/** The parts of runtime.MessageSender we check (shared by chrome and the polyfill types). */
export interface MessageSender {
  id?: string;
  url?: string;
  origin?: string;
  tab?: { id?: number; url?: string };
  frameId?: number;
}

export type Handlers<P extends Protocol<P>> = {
  [K in keyof P]: (
    data: Parameters<P[K]>[0],
    sender: MessageSender,
  ) => Promise<ReturnType<P[K]>> | ReturnType<P[K]>;
};
