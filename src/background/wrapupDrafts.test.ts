// Wrap-up drafts live in storage.local, so a new service worker (after sleep or a browser restart)
// and a new tab read what the last one wrote; a saved or bad entry reads as no draft.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { Wrapup } from '../contract/call';

const draft: Wrapup = {
  outcome: 'Follow up',
  notes: 'Call back\nTuesday — 山田',
  followUpOn: null,
};

/** The module as a freshly started service worker loads it (no state kept in memory). */
async function freshWorker() {
  vi.resetModules();
  return import('./wrapupDrafts');
}

beforeEach(() => fakeBrowser.reset());

describe('wrap-up drafts', () => {
  it('outlive the service worker that wrote them, until the backend has the wrap-up', async () => {
    await (await freshWorker()).writeDraft('call-0001', draft);
    const next = await freshWorker();
    expect(await next.readDraft('call-0001')).toEqual(draft);
    expect(await next.readDraft('call-0002')).toBeNull();
    await next.writeDraft('call-0001', null);
    expect(await (await freshWorker()).readDraft('call-0001')).toBeNull();
  });

  it('keep the newest 50, and read a damaged entry as none', async () => {
    const drafts = await freshWorker();
    for (let i = 0; i < 52; i++) await drafts.writeDraft(`call-${i}`, draft, 1000 + i);
    expect(await drafts.readDraft('call-0')).toBeNull();
    expect(await drafts.readDraft('call-1')).toBeNull();
    expect(await drafts.readDraft('call-2')).toEqual(draft);
    expect(await drafts.readDraft('call-51')).toEqual(draft);
    await fakeBrowser.storage.local.set({
      [drafts.DRAFTS_KEY]: { 'call-x': { draft: { outcome: 1, notes: null }, at: 1 } },
    });
    expect(await drafts.readDraft('call-x')).toBeNull();
  });
});
