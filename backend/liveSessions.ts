// Long-lived responses (SSE streams) per session: a cap on how many one session holds, and an end
// within about a second of sign-out, key rotation or disabling, on this instance or any other.
import type { Store } from './db/store';

/** How often the sessions of open streams are checked (one query per instance, not per stream). */
export const LIVE_SESSION_POLL_MS = 1000;
export const MAX_STREAMS_PER_SESSION = 4;

export interface LiveHandle {
  /** Call when the stream ends. */
  release(): void;
}

export class LiveSessions {
  private readonly streams = new Map<string, Set<() => void>>();
  private timer: NodeJS.Timeout | undefined;
  private polling = false;

  constructor(
    private readonly store: Store,
    private readonly opts: { pollMs?: number; maxPerSession?: number } = {},
  ) {}

  get maxPerSession(): number {
    return this.opts.maxPerSession ?? MAX_STREAMS_PER_SESSION;
  }

  /** Registers a stream of a session; `onEnd` runs once if the session ends. Null when at the cap. */
  open(tokenHash: string, onEnd: () => void): LiveHandle | null {
    let set = this.streams.get(tokenHash);
    if (set && set.size >= this.maxPerSession) return null;
    if (!set) this.streams.set(tokenHash, (set = new Set()));
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      onEnd();
    };
    set.add(end);
    this.start();
    return {
      release: () => {
        ended = true;
        set.delete(end);
        if (set.size === 0 && this.streams.get(tokenHash) === set) this.streams.delete(tokenHash);
        if (this.streams.size === 0) this.stop();
      },
    };
  }

  /** Ends every stream of a session now. */
  revoke(tokenHash: string): void {
    for (const end of [...(this.streams.get(tokenHash) ?? [])]) end();
  }

  private start() {
    if (this.timer) return;
    this.timer = setInterval(() => void this.poll(), this.opts.pollMs ?? LIVE_SESSION_POLL_MS);
    this.timer.unref();
  }

  private stop() {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async poll(): Promise<void> {
    if (this.polling || this.streams.size === 0) return;
    this.polling = true;
    try {
      const hashes = [...this.streams.keys()];
      const live = await this.store.liveSessionHashes(hashes, Date.now());
      for (const hash of hashes) if (!live.has(hash)) this.revoke(hash);
    } catch {
      // database briefly unavailable: check again next time
    } finally {
      this.polling = false;
    }
  }
}
