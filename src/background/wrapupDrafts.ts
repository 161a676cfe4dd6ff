// Wrap-up drafts by call id in storage.local: typed during or after a call, they outlive the tab
// closing and the service worker sleeping, until the backend has the wrap-up.
import { browser } from 'wxt/browser';
import type { Wrapup } from '../contract/call';
import { wrapupSchema } from '../contract/schemas';

export const DRAFTS_KEY = 'wrapupDrafts';
/** The newest drafts kept; an older one was most likely abandoned. */
const MAX_DRAFTS = 50;

type Stored = Record<string, { draft: Wrapup; at: number }>;

async function readAll(): Promise<Stored> {
  const value = (await browser.storage.local.get(DRAFTS_KEY))[DRAFTS_KEY] as unknown;
  return value && typeof value === 'object' ? (value as Stored) : {};
}

export async function readDraft(callId: string): Promise<Wrapup | null> {
  const parsed = wrapupSchema.safeParse((await readAll())[callId]?.draft);
  return parsed.success ? parsed.data : null;
}

/** Saves (or with null forgets) a call's draft, keeping the newest MAX_DRAFTS. */
export async function writeDraft(
  callId: string,
  draft: Wrapup | null,
  now = Date.now(),
): Promise<void> {
  const all = await readAll();
  if (draft) all[callId] = { draft, at: now };
  else delete all[callId];
  const kept = Object.entries(all)
    .sort(([, a], [, b]) => b.at - a.at)
    .slice(0, MAX_DRAFTS);
  await browser.storage.local.set({ [DRAFTS_KEY]: Object.fromEntries(kept) });
}
