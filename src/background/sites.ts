// Admin-added sites (`settings.sites`): optional host permissions and a dynamically registered content script.
import { browser } from 'wxt/browser';
import { CRM_MATCHES } from '../settings/sites';

/** Stable id of our one dynamic registration, so repeated syncs update it instead of duplicating it. */
export const SITES_SCRIPT_ID = 'c2c-admin-sites';
/** The CRM content script as WXT builds it (entrypoints/crm.content.ts). */
export const CONTENT_SCRIPT_FILE = 'content-scripts/crm.js';

export interface RegisteredScript {
  id: string;
  js?: string[];
  matches?: string[];
  excludeMatches?: string[];
  runAt?: 'document_start' | 'document_end' | 'document_idle';
  allFrames?: boolean;
  persistAcrossSessions?: boolean;
}

/** The part of the extension API these helpers use (typed here so tests can pass a fake). */
export interface SitesApi {
  permissions: {
    contains(p: { origins: string[] }): Promise<boolean>;
    request(p: { origins: string[] }): Promise<boolean>;
    onAdded: { addListener(cb: () => void): void; removeListener(cb: () => void): void };
    onRemoved: { addListener(cb: () => void): void; removeListener(cb: () => void): void };
  };
  scripting: {
    getRegisteredContentScripts(filter?: { ids?: string[] }): Promise<RegisteredScript[]>;
    registerContentScripts(scripts: RegisteredScript[]): Promise<void>;
    updateContentScripts(scripts: RegisteredScript[]): Promise<void>;
    unregisterContentScripts(filter?: { ids?: string[] }): Promise<void>;
  };
}

const defaultApi = () => browser as unknown as SitesApi;

/** The admin's patterns minus duplicates and the built-in CRM hosts (the manifest already covers those). */
export function sitePatterns(
  sites: readonly string[],
  builtin: readonly string[] = CRM_MATCHES,
): string[] {
  const seen = new Set<string>(builtin);
  const out: string[] = [];
  for (const raw of sites) {
    const pattern = raw.trim();
    if (!pattern || seen.has(pattern)) continue;
    seen.add(pattern);
    out.push(pattern);
  }
  return out;
}

/**
 * Asks for host permission on the admin's sites. Chrome only shows the prompt from a user
 * gesture, so the options page calls this from its click handler, and the request is made before
 * anything here awaits. Returns what is granted now; rejects when Chrome refuses the request
 * itself (no gesture, a pattern it does not accept).
 */
export async function requestSitePermissions(
  sites: readonly string[],
  api: SitesApi = defaultApi(),
): Promise<{ granted: string[]; missing: string[] }> {
  const patterns = sitePatterns(sites);
  if (patterns.length) await api.permissions.request({ origins: patterns });
  return grantedPatterns(patterns, api);
}

async function grantedPatterns(
  patterns: string[],
  api: SitesApi,
): Promise<{ granted: string[]; missing: string[] }> {
  const granted: string[] = [];
  const missing: string[] = [];
  for (const pattern of patterns) {
    let ok = false;
    try {
      ok = await api.permissions.contains({ origins: [pattern] });
    } catch {
      ok = false;
    }
    (ok ? granted : missing).push(pattern);
  }
  return { granted, missing };
}

let queue: Promise<unknown> = Promise.resolve();

/**
 * Makes the dynamic content-script registration match the granted admin sites: registers,
 * updates or unregisters our one script id. Idempotent and serialised, so concurrent calls
 * (settings change + permission event) cannot register the id twice. Returns the matches in force.
 */
export function syncSiteContentScripts(
  sites: readonly string[],
  api: SitesApi = defaultApi(),
  builtin: readonly string[] = CRM_MATCHES,
): Promise<string[]> {
  const run = async () => {
    const { granted } = await grantedPatterns(sitePatterns(sites, builtin), api);
    const existing = await api.scripting.getRegisteredContentScripts({ ids: [SITES_SCRIPT_ID] });
    const current = existing.find((s) => s.id === SITES_SCRIPT_ID);
    if (!granted.length) {
      if (current) await api.scripting.unregisterContentScripts({ ids: [SITES_SCRIPT_ID] });
      return [];
    }
    const script: RegisteredScript = {
      id: SITES_SCRIPT_ID,
      js: [CONTENT_SCRIPT_FILE],
      matches: granted,
      // Never inject twice where the manifest's content script already runs.
      excludeMatches: [...builtin],
      runAt: 'document_start',
      // As the manifest's: frames of the page's origin decorate themselves (content/frames.ts).
      allFrames: true,
      persistAcrossSessions: true,
    };
    if (!current) await api.scripting.registerContentScripts([script]);
    else if (!sameScript(current, script)) await api.scripting.updateContentScripts([script]);
    return granted;
  };
  const result = queue.then(run, run);
  queue = result.catch(() => undefined);
  return result;
}

function sameScript(a: RegisteredScript, b: RegisteredScript): boolean {
  const eq = (x?: readonly string[], y?: readonly string[]) =>
    (x ?? []).length === (y ?? []).length && (x ?? []).every((v, i) => v === (y ?? [])[i]);
  return (
    eq(a.js, b.js) &&
    eq(a.matches, b.matches) &&
    eq(a.excludeMatches, b.excludeMatches) &&
    (a.runAt ?? 'document_idle') === b.runAt &&
    !!a.allFrames === !!b.allFrames
  );
}

/**
 * Re-syncs whenever the user grants or revokes host permissions (chrome://extensions, the
 * options page). `getSites` reads the current settings. Returns a function that stops watching.
 */
export function watchSitePermissions(
  getSites: () => Promise<readonly string[]>,
  api: SitesApi = defaultApi(),
): () => void {
  const onChange = () => {
    void getSites()
      .then((sites) => syncSiteContentScripts(sites, api))
      .catch(() => undefined);
  };
  api.permissions.onAdded.addListener(onChange);
  api.permissions.onRemoved.addListener(onChange);
  return () => {
    api.permissions.onAdded.removeListener(onChange);
    api.permissions.onRemoved.removeListener(onChange);
  };
}
