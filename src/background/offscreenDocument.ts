// Owns the single offscreen document: created on demand, never twice, even when callers race.
const PATH = 'offscreen.html';

let creating: Promise<void> | null = null;

export async function hasOffscreenDocument(): Promise<boolean> {
  const contexts = await chrome.runtime.getContexts({
    contextTypes: ['OFFSCREEN_DOCUMENT' as chrome.runtime.ContextType],
    documentUrls: [chrome.runtime.getURL(PATH)],
  });
  return contexts.length > 0;
}

/** Resolves once the document exists; returns true when this call created it. */
export async function ensureOffscreenDocument(): Promise<boolean> {
  if (creating) {
    await creating;
    return false;
  }
  if (await hasOffscreenDocument()) return false;
  // Re-check after the await: another caller may have started creating meanwhile.
  if (creating) {
    await creating;
    return false;
  }
  creating = chrome.offscreen
    .createDocument({
      url: PATH,
      reasons: ['USER_MEDIA' as chrome.offscreen.Reason, 'WEB_RTC' as chrome.offscreen.Reason],
      justification:
        'Hosts the live call audio (microphone and WebRTC) so it survives tab changes.',
    })
    .finally(() => {
      creating = null;
    });
  await creating;
  return true;
}

export async function closeOffscreenDocument(): Promise<void> {
  if (creating) await creating.catch(() => undefined);
  if (await hasOffscreenDocument()) await chrome.offscreen.closeDocument();
}
