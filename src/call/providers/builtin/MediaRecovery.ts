// One call's media loss and recovery: ICE recovers a momentary loss by itself; when it does not
// (`failed`, or still `disconnected` after ICE_RESTART_DELAY_MS) the network path changed and ICE
// is restarted; media not back within MEDIA_TIMEOUT_MS ends the call.

/**
 * ICE that stays `disconnected` this long (not a momentary loss) means the network path changed:
 * the caller restarts ICE; `failed` restarts it at once.
 */
export const ICE_RESTART_DELAY_MS = 2000;
/** Media that does not come back this long after it was lost ends the call (`media-timeout`). */
export const MEDIA_TIMEOUT_MS = 20_000;

export interface MediaRecoveryHooks {
  /** The media was lost (once per loss). */
  lost(): void;
  /** It is back. */
  back(): void;
  /** Time to restart ICE (the caller does; the callee answers its offer). */
  restart(): void;
  /** Not back in time: end the call. */
  timedOut(): void;
}

export class MediaRecovery {
  private restartTimer: ReturnType<typeof setTimeout> | undefined;
  private mediaTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly hooks: MediaRecoveryHooks) {}

  /** Whether the media is lost right now. */
  get isLost(): boolean {
    return this.mediaTimer !== undefined;
  }

  onState(state: RTCPeerConnectionState): void {
    if (state === 'connected') {
      this.stop();
      this.hooks.back();
      return;
    }
    if (state !== 'disconnected' && state !== 'failed') return;
    if (!this.isLost) {
      this.hooks.lost();
      this.mediaTimer = setTimeout(() => this.hooks.timedOut(), MEDIA_TIMEOUT_MS);
    }
    clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(
      () => this.hooks.restart(),
      state === 'failed' ? 0 : ICE_RESTART_DELAY_MS,
    );
  }

  stop(): void {
    clearTimeout(this.restartTimer);
    clearTimeout(this.mediaTimer);
    this.restartTimer = this.mediaTimer = undefined;
  }
}
