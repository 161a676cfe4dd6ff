// Asking for the microphone from a visible extension page: the grant then covers the offscreen document.
export type MicState = 'granted' | 'prompt' | 'denied' | 'unavailable';

/** How this browser's microphone prompt works, chosen once when a page starts. */
export interface MicrophonePrompt {
  /**
   * The prompt has a "Remember this decision" box the agent must tick: the call host (Firefox's
   * call window) asks again later, and only a remembered grant lets it take the microphone.
   */
  readonly mustRemember: boolean;
}

export const chromeMicrophonePrompt: MicrophonePrompt = { mustRemember: false };
export const firefoxMicrophonePrompt: MicrophonePrompt = { mustRemember: true };

/**
 * Decided as the call host is (background/main.ts): Chrome's offscreen document shares this page's
 * grant; without the offscreen API (Firefox) the call window needs a remembered one.
 */
export function chooseMicrophonePrompt(scope: object = globalThis): MicrophonePrompt {
  const offscreen = (scope as { chrome?: { offscreen?: { createDocument?: unknown } } }).chrome
    ?.offscreen;
  return typeof offscreen?.createDocument === 'function'
    ? chromeMicrophonePrompt
    : firefoxMicrophonePrompt;
}

export async function queryMicrophone(nav: Navigator = navigator): Promise<MicState> {
  try {
    const status = await nav.permissions.query({ name: 'microphone' as PermissionName });
    return status.state;
  } catch {
    return 'prompt';
  }
}

/** Opens and closes the microphone once, which shows Chrome's prompt; returns the resulting state. */
export async function requestMicrophone(nav: Navigator = navigator): Promise<MicState> {
  try {
    const stream = await nav.mediaDevices.getUserMedia({ audio: true });
    stream.getTracks().forEach((track) => track.stop());
    return 'granted';
  } catch (error) {
    const name = error instanceof DOMException ? error.name : '';
    if (name === 'NotFoundError' || name === 'NotReadableError') return 'unavailable';
    // Dismissed prompts leave the state at `prompt`; "Never allow" makes it `denied`.
    return queryMicrophone(nav);
  }
}

/** Chrome's site-settings page for this extension, where a "Never allow" is undone. */
export function siteSettingsUrl(extensionOrigin: string): string {
  return `chrome://settings/content/siteDetails?site=${encodeURIComponent(extensionOrigin)}`;
}
