import { describe, expect, it, vi } from 'vitest';
import {
  CONTENT_SCRIPT_FILE,
  SITES_SCRIPT_ID,
  requestSitePermissions,
  sitePatterns,
  syncSiteContentScripts,
  watchSitePermissions,
  type RegisteredScript,
  type SitesApi,
} from './sites';
import { CRM_MATCHES } from '../settings/sites';

/** A fake with Chrome's semantics: duplicate ids and unknown ids are errors. */
function fakeApi(grantOnRequest = true) {
  const granted = new Set<string>();
  const scripts = new Map<string, RegisteredScript>();
  const listeners = { added: new Set<() => void>(), removed: new Set<() => void>() };
  const event = (set: Set<() => void>) => ({
    addListener: (cb: () => void) => set.add(cb),
    removeListener: (cb: () => void) => set.delete(cb),
  });
  const api: SitesApi = {
    permissions: {
      contains: async ({ origins }) => origins.every((o) => granted.has(o)),
      request: vi.fn(async ({ origins }: { origins: string[] }) => {
        if (grantOnRequest) origins.forEach((o) => granted.add(o));
        return grantOnRequest;
      }),
      onAdded: event(listeners.added),
      onRemoved: event(listeners.removed),
    },
    scripting: {
      getRegisteredContentScripts: async (filter) =>
        [...scripts.values()].filter((s) => !filter?.ids || filter.ids.includes(s.id)),
      registerContentScripts: vi.fn(async (list: RegisteredScript[]) => {
        for (const s of list) {
          if (scripts.has(s.id)) throw new Error(`Duplicate script ID '${s.id}'`);
          scripts.set(s.id, { ...s });
        }
      }),
      updateContentScripts: vi.fn(async (list: RegisteredScript[]) => {
        for (const s of list) {
          if (!scripts.has(s.id)) throw new Error(`Nonexistent script ID '${s.id}'`);
          scripts.set(s.id, { ...scripts.get(s.id)!, ...s });
        }
      }),
      unregisterContentScripts: vi.fn(async (filter?: { ids?: string[] }) => {
        for (const id of filter?.ids ?? [...scripts.keys()]) {
          if (!scripts.delete(id)) throw new Error(`Nonexistent script ID '${id}'`);
        }
      }),
    },
  };
  return { api, granted, scripts, listeners };
}

describe('sitePatterns', () => {
  it.each([
    [['https://crm.example.com/*'], ['https://crm.example.com/*']],
    [['https://crm.example.com/*', ' https://crm.example.com/* '], ['https://crm.example.com/*']],
    [[CRM_MATCHES[0], 'https://a.example/*'], ['https://a.example/*']],
    [[], []],
  ])('%j → %j', (sites, expected) => {
    expect(sitePatterns(sites)).toEqual(expected);
  });
});

describe('site permissions and content-script registration', () => {
  it('requests permission for the admin sites and reports what is granted', async () => {
    const { api } = fakeApi();
    const result = await requestSitePermissions(['https://crm.example.com/*'], api);
    expect(api.permissions.request).toHaveBeenCalledWith({
      origins: ['https://crm.example.com/*'],
    });
    expect(result).toEqual({ granted: ['https://crm.example.com/*'], missing: [] });
  });

  it("asks before its first await, so the request stays inside the caller's click", async () => {
    const { api } = fakeApi();
    const pending = requestSitePermissions(['https://crm.example.com/*'], api);
    expect(api.permissions.request).toHaveBeenCalledOnce();
    await pending;
  });

  it('asks nothing for built-in hosts, and rejects when Chrome refuses the request itself', async () => {
    const { api } = fakeApi();
    expect(await requestSitePermissions([CRM_MATCHES[0]!], api)).toEqual({
      granted: [],
      missing: [],
    });
    expect(api.permissions.request).not.toHaveBeenCalled();
    vi.mocked(api.permissions.request).mockRejectedValueOnce(new Error('not a user gesture'));
    await expect(requestSitePermissions(['https://crm.example.com/*'], api)).rejects.toThrow(
      'not a user gesture',
    );
  });

  it('reports denied sites as missing and registers nothing for them', async () => {
    const { api, scripts } = fakeApi(false);
    expect(await requestSitePermissions(['https://crm.example.com/*'], api)).toEqual({
      granted: [],
      missing: ['https://crm.example.com/*'],
    });
    expect(await syncSiteContentScripts(['https://crm.example.com/*'], api)).toEqual([]);
    expect(scripts.size).toBe(0);
  });

  it('registers once, updates in place, and unregisters when no site is left', async () => {
    const { api, granted, scripts } = fakeApi();
    granted.add('https://a.example/*');
    granted.add('https://b.example/*');
    await syncSiteContentScripts(['https://a.example/*'], api);
    expect(scripts.get(SITES_SCRIPT_ID)).toMatchObject({
      js: [CONTENT_SCRIPT_FILE],
      matches: ['https://a.example/*'],
      excludeMatches: [...CRM_MATCHES],
      runAt: 'document_start',
      persistAcrossSessions: true,
    });
    // Idempotent: the same settings again change nothing.
    await syncSiteContentScripts(['https://a.example/*'], api);
    expect(api.scripting.registerContentScripts).toHaveBeenCalledTimes(1);
    expect(api.scripting.updateContentScripts).not.toHaveBeenCalled();
    await syncSiteContentScripts(['https://a.example/*', 'https://b.example/*'], api);
    expect(scripts.get(SITES_SCRIPT_ID)?.matches).toEqual([
      'https://a.example/*',
      'https://b.example/*',
    ]);
    expect(api.scripting.updateContentScripts).toHaveBeenCalledTimes(1);
    await syncSiteContentScripts([], api);
    expect(scripts.size).toBe(0);
    await syncSiteContentScripts([], api); // nothing to unregister: no error
  });

  it('survives concurrent syncs without a duplicate registration', async () => {
    const { api, granted, scripts } = fakeApi();
    granted.add('https://a.example/*');
    await Promise.all([
      syncSiteContentScripts(['https://a.example/*'], api),
      syncSiteContentScripts(['https://a.example/*'], api),
      syncSiteContentScripts(['https://a.example/*'], api),
    ]);
    expect(scripts.size).toBe(1);
    expect(api.scripting.registerContentScripts).toHaveBeenCalledTimes(1);
  });

  it('only registers granted sites', async () => {
    const { api, granted, scripts } = fakeApi();
    granted.add('https://a.example/*');
    await syncSiteContentScripts(['https://a.example/*', 'https://b.example/*'], api);
    expect(scripts.get(SITES_SCRIPT_ID)?.matches).toEqual(['https://a.example/*']);
  });

  it('re-syncs when permissions change, and stops watching', async () => {
    const { api, granted, scripts, listeners } = fakeApi();
    const stop = watchSitePermissions(async () => ['https://a.example/*'], api);
    granted.add('https://a.example/*');
    listeners.added.forEach((cb) => cb());
    await vi.waitFor(() => expect(scripts.size).toBe(1));
    granted.delete('https://a.example/*');
    listeners.removed.forEach((cb) => cb());
    await vi.waitFor(() => expect(scripts.size).toBe(0));
    stop();
    expect(listeners.added.size + listeners.removed.size).toBe(0);
  });
});
