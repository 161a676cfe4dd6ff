// Microphone access from the offscreen document, which cannot show a permission prompt itself.
import { CallFailure } from '../call/provider';
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

/**
 * Opens the microphone. Without a prior grant Chrome fails at once with NotAllowedError; we tell
 * "never allowed" (`mic-denied`, fix in site settings) from "not granted yet" (`mic-dismissed`, fix on
 * the onboarding page) by the permission state.
 */
export async function openMicrophone(nav: Navigator = navigator): Promise<MediaStream> {
  try {
    return await nav.mediaDevices.getUserMedia({
      audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true },
    });
  } catch (error) {
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
