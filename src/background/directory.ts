// Caller ID for the service worker: the learned directory (this browser's CRM pages) and the company
// directory (the backend), the name/company/record they give a call, Open record and screen pop.
//
// Order: the learned directory first — it is what the agent's own CRM shows, and its record URL is
// a page the agent can open — then the company directory (which also gives the company); a call
// that neither knows shows its number, formatted for the agent's country by the UI.
import { browser } from 'wxt/browser';
import type { CallSnapshot } from '../call/state';
import { backendClient } from '../call/backendClient';
import type { DirectoryContact } from '../contract/directory';
import type { Settings } from '../contract/settings';
import type { BackgroundProtocol } from '../messaging/background';
import type { OffscreenState } from '../messaging/offscreen';
import type { Handlers } from '../messaging/types';
import type { SignedIn } from './backendApi';
import { LearnedContacts } from './learnedContacts';

/** How long a new call's broadcast may wait for its caller's name (after that it shows the number). */
export const RESOLVE_WAIT_MS = 800;

/** What the learned directory offers (LearnedContacts, over IndexedDB). */
export type LearnedStore = Pick<LearnedContacts, 'learn' | 'lookup' | 'search' | 'count' | 'clear'>;

interface Caller {
  name: string;
  company?: string;
  recordUrl?: string;
}

type DirectoryHandlers = Pick<
  Handlers<BackgroundProtocol>,
  'learnContacts' | 'learnedContacts' | 'searchContacts' | 'openRecord'
>;

export class Directory {
  /** Callers of recent calls by call id (a few: the current call, a waiting one, the last ended). */
  private readonly callers = new Map<string, Promise<Caller | null>>();
  private readonly resolved = new Map<string, Caller | null>();
  private readonly popped = new Set<string>();

  constructor(
    private readonly deps: {
      auth(): Promise<SignedIn | null>;
      settings(): Promise<Settings>;
      learned?: LearnedStore;
      fetch?: typeof fetch;
      /** A lookup finished after its call was broadcast without it: broadcast again. */
      onLate?(): void;
    },
  ) {}

  private get learned(): LearnedStore {
    return (this.deps.learned ??= new LearnedContacts());
  }

  handlers(): DirectoryHandlers {
    return {
      learnContacts: async ({ entries }) => {
        await this.learned.learn(entries);
        return null;
      },
      learnedContacts: async ({ clear }) => {
        if (clear) await this.learned.clear();
        return { count: await this.learned.count() };
      },
      searchContacts: async ({ query }) => ({ items: await this.learned.search(query, 8) }),
      openRecord: async ({ callId }) => {
        const url = this.resolved.get(callId)?.recordUrl;
        if (!url) throw new Error('this call has no CRM record');
        await openRecordUrl(url);
        return null;
      },
    };
  }

  /**
   * Looks up the callers of the calls in `state` that have none yet, waiting at most `waitMs` so the
   * first broadcast of an incoming call already carries the name.
   */
  async resolve(state: OffscreenState | null, waitMs = RESOLVE_WAIT_MS): Promise<void> {
    const pending: Promise<unknown>[] = [];
    for (const call of [state?.call, state?.waiting]) {
      if (!call || call.target.kind !== 'phone' || this.callers.has(call.callId)) continue;
      const lookup = this.lookup(call.target.e164).then(
        (caller) => {
          this.resolved.set(call.callId, caller);
          return caller;
        },
        () => {
          this.resolved.set(call.callId, null);
          return null;
        },
      );
      this.callers.set(call.callId, lookup);
      pending.push(lookup);
    }
    this.forgetOld(state);
    if (pending.length === 0) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      Promise.all(pending),
      new Promise((resolve) => (timer = setTimeout(resolve, waitMs))),
    ]);
    clearTimeout(timer);
    const all = Promise.all(pending);
    void Promise.race([all, Promise.resolve('waiting')]).then((first) => {
      if (first === 'waiting') void all.then(() => this.deps.onLate?.());
    });
  }

  /** Resolves when every lookup started so far has finished (tests, and the late broadcast). */
  settled(): Promise<unknown> {
    return Promise.all(this.callers.values());
  }

  /** The call with the directory's name (unless the CRM row gave one), company and record URL. */
  enrich(call: CallSnapshot | null): CallSnapshot | null {
    const caller = call ? this.resolved.get(call.callId) : null;
    if (!call || !caller) return call;
    return {
      ...call,
      displayName: call.displayName ?? caller.name,
      ...(caller.company ? { company: caller.company } : {}),
      ...(caller.recordUrl ? { recordUrl: caller.recordUrl } : {}),
    };
  }

  /** Screen pop: an inbound call just answered opens its record, when the setting is on. */
  async afterChange(before: OffscreenState | null, after: OffscreenState | null): Promise<void> {
    const call = after?.call;
    if (!call || call.direction !== 'inbound' || call.phase !== 'active') return;
    if (before?.call?.callId === call.callId && before.call.phase === 'active') return;
    if (this.popped.has(call.callId)) return;
    this.popped.add(call.callId);
    const url = (await this.callers.get(call.callId))?.recordUrl;
    if (url && (await this.deps.settings()).screenPop) await openRecordUrl(url);
  }

  private async lookup(number: string): Promise<Caller | null> {
    const [learned, company] = await Promise.all([
      this.learned.lookup(number).catch(() => undefined),
      this.company(number).catch(() => null),
    ]);
    const name = learned?.name ?? company?.name;
    if (!name) return null;
    const recordUrl = learned?.url ?? company?.recordUrl ?? undefined;
    const sameCompany = company && (!learned || company.name === learned.name);
    return {
      name,
      ...(sameCompany && company.company ? { company: company.company } : {}),
      ...(recordUrl ? { recordUrl } : {}),
    };
  }

  private async company(number: string): Promise<DirectoryContact | null> {
    const auth = await this.deps.auth();
    if (!auth) return null;
    const response = await backendClient(auth.backendUrl, {
      token: auth.token,
      ...(this.deps.fetch ? { fetch: this.deps.fetch } : {}),
    }).api.directory.lookup.$get({ query: { number } });
    if (!response.ok) return null;
    const body = await response.json();
    const contact = (body as { contact?: unknown }).contact;
    return isContact(contact) ? contact : null;
  }

  private forgetOld(state: OffscreenState | null): void {
    const keep = new Set([state?.call?.callId, state?.waiting?.callId]);
    for (const id of this.callers.keys()) {
      if (this.callers.size <= 4) break;
      if (!keep.has(id)) {
        this.callers.delete(id);
        this.resolved.delete(id);
        this.popped.delete(id);
      }
    }
  }
}

function isContact(value: unknown): value is DirectoryContact {
  const v = value as Partial<DirectoryContact> | null;
  return (
    !!v &&
    typeof v.name === 'string' &&
    v.name.length > 0 &&
    v.name.length <= 200 &&
    (v.company === null || (typeof v.company === 'string' && v.company.length <= 200)) &&
    (v.recordUrl === null ||
      (typeof v.recordUrl === 'string' &&
        /^https?:\/\//.test(v.recordUrl) &&
        v.recordUrl.length <= 2000))
  );
}

const withoutHash = (url: string) => url.replace(/#.*$/, '');

/** Focuses a tab already showing `url` (tabs we may read: the CRM sites we run on), else opens it. */
export async function openRecordUrl(url: string): Promise<void> {
  if (!/^https?:\/\//.test(url)) throw new Error('not an http(s) record URL');
  const wanted = withoutHash(url);
  const tabs = await browser.tabs.query({});
  const tab = tabs.find((t) => t.url && withoutHash(t.url) === wanted);
  if (tab?.id !== undefined) {
    await browser.tabs.update(tab.id, { active: true });
    if (tab.windowId !== undefined)
      await browser.windows.update(tab.windowId, { focused: true }).catch(() => undefined);
    return;
  }
  await browser.tabs.create({ url });
}
