// Microphone access from the offscreen document, which cannot show a permission prompt itself.
import { CallFailure } from '../call/provider';
import { withTimeout } from '../call/withTimeout';
import type { Diagnostics } from '../messaging/background';

export async function microphonePermission(
  nav: Navigator = navigator,
): Promise<Diagnostics['microphone']> {
  try {
    const status = await nav.permissions.query({ name: 'microphone' as PermissionName });
    return status.state;
  } catch {
    return 'unknown';
  }
}

/** Firefox never settles getUserMedia from a page that is not in front: give up after this long. */
export const MICROPHONE_TIMEOUT_MS = 10_000;

/**
 * Opens the microphone. Without a prior grant Chrome fails at once with NotAllowedError; we tell
 * "never allowed" (`mic-denied`, fix in site settings) from "not granted yet" (`mic-dismissed`, fix on
 * the onboarding page) by the permission state.
 */
export async function openMicrophone(
  nav: Navigator = navigator,
  timeoutMs = MICROPHONE_TIMEOUT_MS,
): Promise<MediaStream> {
  const request = nav.mediaDevices.getUserMedia({
    audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true },
  });
  try {
    return await withTimeout(request, timeoutMs, () => {
      // A grant that arrives after we gave up must not leave the microphone on.
      void request
        .then((stream) => stream.getTracks().forEach((track) => track.stop()))
        .catch(() => undefined);
      return new CallFailure(
        'mic-dismissed',
        `getUserMedia did not answer in ${timeoutMs} ms (the asking page was not in front?)`,
      );
    });
  } catch (error) {
    if (error instanceof CallFailure) throw error;
    const name = error instanceof DOMException ? error.name : '';
    if (name === 'NotAllowedError' || name === 'SecurityError') {
      const state = await microphonePermission(nav);
      throw new CallFailure(
        state === 'denied' ? 'mic-denied' : 'mic-dismissed',
        `${name}: microphone ${state}`,
      );
    }
    if (
      name === 'NotFoundError' ||
      name === 'NotReadableError' ||
      name === 'OverconstrainedError'
    ) {
      throw new CallFailure('mic-unavailable', `${name}: ${(error as Error).message}`);
    }
    throw CallFailure.from(error, 'mic-unavailable');
  }
}
