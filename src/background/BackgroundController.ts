/* eslint-disable max-lines -- the one place every UI request and host event meets the call state */
// The service worker's logic: routes UI requests to the offscreen call session, mirrors its state
// for every UI, and survives being stopped (state in storage.session, truth in the offscreen document).
// Content scripts get their tab's view of the state by message; no storage area is open to them.
import { browser } from 'wxt/browser';
import { CallFailure } from '../call/provider';
import type { CallContext } from '../contract/call';
import { httpUrlSchema } from '../contract/schemas';
import type { CallError } from '../call/state';
import {
  APP_STATE_KEY,
  CALL_ERROR_CHANNEL,
  CONTENT_SCRIPT_METHODS,
  FRAME_METHODS,
  type AppState,
  type BackgroundProtocol,
} from '../messaging/background';
import { backgroundChannel } from '../messaging/background.schemas';
import {
  offscreenChannel,
  offscreenStateSchema,
  type OffscreenConfig,
  type OffscreenState,
} from '../messaging/offscreen';
import { CONFIGURE_REASON, offscreenEventsChannel } from '../messaging/offscreenEvents';
import type { Handlers, MessageSender } from '../messaging/types';
import { createPolicyCache, readEarly } from '../settings/read';
import { mergeSettings } from '../settings/schema';
import { loadSettings, readManaged, SETTINGS_KEY } from '../settings/storage';
import { parsePosition, POSITION_KEY } from '../ui/callBarPosition';
import {
  endSession,
  requestDispositions,
  requestRecentCalls,
  requestSaveWrapup,
  requestSession,
  type SignedIn,
} from './backendApi';
import { offscreenCallHost, type CallHost } from './callHost';
import { storageLocalSessionStore, type SessionStore } from './sessionStore';
import { createPresenceTracker, type RingingCall } from './presence';
import { Directory } from './directory';
import { contentTabOf, CRM_TABS_KEY, frameOfPageOrigin, inFrame, TabStates } from './tabStates';
import { readDraft, writeDraft } from './wrapupDrafts';
import { NUMBER_TYPES } from '../detect/numberTypes';

const MIRROR_KEY = 'offscreenState';

const IDLE_PROVIDER = { provider: 'builtin', state: 'idle' } as const;

export class BackgroundController {
  private offscreenState: OffscreenState | null = null;
  private lastError: CallError | null = null;
  private readonly restored: Promise<void>;
  private cachedConfig: OffscreenConfig | null = null;
  /** Host state reports in arrival order: the last one received and the last one applied. */
  private hostStatesSeen = 0;
  private hostStateApplied = 0;
  private readonly tabs = new TabStates({
    ready: () => this.restored,
    appState: () => this.appState(),
    hasCall: () => Boolean(this.offscreenState?.call || this.offscreenState?.waiting),
  });
  /** `chrome-extension://<id>/`: every page of ours starts with it. */
  private readonly extensionBase = browser.runtime.getURL('/');

  private readonly host: CallHost;
  private readonly sessions: SessionStore;
  /** Policy as last read: pages get their buttons without waiting for a slow first read. */
  private readonly policy = createPolicyCache(readManaged);
  private readonly offscreen: ReturnType<typeof offscreenChannel>;
  readonly presence = createPresenceTracker({
    auth: () => this.auth(),
    changed: () => void this.broadcast(),
    notifyMissed: (call) => this.options.onMissed?.(call),
  });
  private readonly directory = new Directory({
    auth: () => this.auth(),
    settings: async () => (await loadSettings()).settings,
    onLate: () => void this.broadcast(),
  });

  constructor(
    private readonly options: {
      onState?(state: AppState): void;
      onMissed?(call: RingingCall): void;
      host?: CallHost;
      /** Where the session token is kept (main.ts chooses it per browser). */
      sessions?: SessionStore;
      /** How messages reach the call host (tests inject the session directly). */
      sendToHost?(message: unknown): Promise<unknown>;
    } = {},
  ) {
    this.host = options.host ?? offscreenCallHost;
    this.sessions = options.sessions ?? storageLocalSessionStore;
    this.offscreen = offscreenChannel(options.sendToHost ?? ((m) => chrome.runtime.sendMessage(m)));
    this.restored = this.restore();
    this.host.onGone(() => void this.onHostGone());
  }

  /** Registers every listener synchronously, as MV3 requires for events to wake the worker. */
  start(): void {
    const send = (m: unknown) => browser.runtime.sendMessage(m);
    const requests = backgroundChannel(send).listener(this.handlers(), (type, sender) =>
      this.allow(type, sender),
    );
    const events = offscreenEventsChannel(send).listener(
      {
        stateChanged: async ({ state, reason }) => {
          await this.onHostState(state, reason ?? 'event');
          return null;
        },
      },
      (_t, sender) =>
        sender.id === browser.runtime.id &&
        sender.url === `${this.extensionBase}${this.host.path.slice(1)}`,
    );
    browser.runtime.onMessage.addListener(
      ((message: unknown, sender: MessageSender) =>
        requests(message, sender) ?? events(message, sender)) as never,
    );

    // Our pages watch the published state in storage.session (it outlives the worker). Content
    // scripts run in the page's process: no storage area is theirs to read; they get their tab's
    // state by message. Chromium can close storage.local (which holds the session token there) to
    // them; Firefox cannot, so there the token is kept in IndexedDB instead (sessionStore.ts). The
    // level is kept in the browser's prefs, so set it when installed or updated (an older version
    // opened storage.session) and at browser start, not on every wake of the worker.
    const closeStorage = () => {
      void browser.storage.session
        .setAccessLevel?.({ accessLevel: 'TRUSTED_CONTEXTS' })
        ?.catch(() => undefined);
      void (
        browser.storage.local as { setAccessLevel?: typeof browser.storage.session.setAccessLevel }
      )
        .setAccessLevel?.({ accessLevel: 'TRUSTED_CONTEXTS' })
        ?.catch(() => undefined);
    };
    browser.runtime.onInstalled.addListener(closeStorage);
    browser.runtime.onStartup.addListener(closeStorage);
    // An update closed the call host (on Firefox, the call window): a signed-in agent gets it back
    // at once, so incoming calls ring and the next click is warm.
    browser.runtime.onInstalled.addListener(({ reason }) => {
      if (reason === 'update') void this.warmUp();
    });

    this.tabs.listen();
    this.presence.listen();
    // Start the first (after install: slow) policy read before any page asks.
    void this.policy.get();

    browser.storage.onChanged.addListener((changes, area) => {
      if (area === 'managed') this.policy.forget();
      if ((area === 'local' && SETTINGS_KEY in changes) || area === 'managed') {
        this.cachedConfig = null;
        void this.reconfigureIfRunning();
      }
    });
    this.sessions.onChanged(() => {
      this.cachedConfig = null;
      void this.reconfigureIfRunning();
    });
  }

  private readEarly() {
    return readEarly(
      async () =>
        (await browser.storage.local.get(SETTINGS_KEY))[SETTINGS_KEY] as
          Record<string, unknown> | undefined,
      this.policy,
      (local, managed) => mergeSettings(local, managed).settings,
    );
  }

  /** A state change reported by the call host (the offscreen document). */
  async onHostState(state: OffscreenState, reason: string): Promise<void> {
    const seq = ++this.hostStatesSeen;
    await this.restored;
    await this.directory.resolve(state);
    // A later state whose caller lookup finished sooner is applied already: this one is stale (a
    // call that failed at once would otherwise go back to connecting).
    if (seq < this.hostStateApplied) return;
    this.hostStateApplied = seq;
    const before = this.offscreenState;
    this.setOffscreenState(state, reason);
    void this.directory.afterChange(before, state).catch(() => undefined);
  }

  /** The call host went away on its own (Firefox: the agent closed the call window): the call ended. */
  async onHostGone(): Promise<void> {
    await this.restored;
    const state = this.offscreenState;
    if (!state) return;
    const end = (call: OffscreenState['call']) =>
      call && call.phase !== 'ended'
        ? {
            ...call,
            phase: 'ended' as const,
            endedAt: Date.now(),
            endReason: 'host-closed' as const,
          }
        : call;
    this.setOffscreenState(
      {
        configVersion: null,
        provider: { provider: state.provider.provider, state: 'idle' },
        call: end(state.call) ?? end(state.waiting),
        waiting: null,
      },
      'host-closed',
    );
  }

  /** Starts the call host for a signed-in agent, so inbound calls ring and the first click is warm. */
  async warmUp(): Promise<void> {
    await this.restored;
    if (!(await this.auth())) return;
    void this.presence.heartbeat();
    await this.withOffscreen(async () => undefined).catch(() => undefined);
  }

  /** What a content script asks for before it decorates a page. */
  private contentSetupHandlers(): Pick<
    Handlers<BackgroundProtocol>,
    'getSettings' | 'getEarlySettings' | 'numberTypes'
  > {
    return {
      getSettings: async () => (await this.readEarly()).final,
      getEarlySettings: async () => {
        const { settings, confirmed, final } = await this.readEarly();
        final.catch(() => undefined);
        return { settings, confirmed };
      },
      numberTypes: async () => NUMBER_TYPES,
    };
  }

  handlers(): Handlers<BackgroundProtocol> {
    return {
      ...this.directory.handlers(),
      ...this.contentSetupHandlers(),
      startCall: async ({ target, displayName, pageTitle, clickedAt }, sender) => {
        await this.restored;
        const callId = crypto.randomUUID();
        const tabId = contentTabOf(sender, this.extensionBase);
        if (tabId !== null) this.tabs.setOwner(callId, tabId);
        try {
          await this.withOffscreen(
            (o) =>
              o.send('startCall', {
                callId,
                target,
                ...(displayName ? { displayName } : {}),
                context: callContextOf(sender, displayName, pageTitle),
                ...(clickedAt !== undefined ? { clickedAt } : {}),
              }),
            () => this.host.prepareForMedia(),
          );
          this.lastError = null;
        } catch (error) {
          const failure = CallFailure.from(error);
          await this.onFailure(failure);
          if (tabId !== null && inFrame(sender)) await tellTopDocument(tabId, failure);
          throw failure;
        }
        return { callId };
      },
      hangup: () => this.onCurrentCall('hangup'),
      answer: (_data, sender) => this.onCurrentCall('answer', true, sender),
      decline: () => this.onCurrentCall('decline', true),
      setMuted: async ({ muted }) => {
        const call = await this.liveCall();
        await this.withOffscreen((o) => o.send('setMuted', { callId: call.callId, muted }));
        return null;
      },
      sendDtmf: async ({ digits }) => {
        const call = await this.liveCall();
        await this.withOffscreen((o) => o.send('sendDtmf', { callId: call.callId, digits }));
        return null;
      },
      getState: async (_data, sender) => {
        await this.restored;
        const tabId = contentTabOf(sender, this.extensionBase);
        if (tabId === null) return this.appState();
        this.tabs.register(tabId, Boolean((sender.tab as { active?: boolean }).active));
        return this.tabs.tabState(await this.appState(), tabId);
      },
      callBarPosition: async ({ position }, sender) => {
        const site = siteOf(sender);
        const stored =
          ((await browser.storage.local.get(POSITION_KEY))[POSITION_KEY] as
            Record<string, unknown> | undefined) ?? {};
        if (!position) return parsePosition(stored[site]);
        await browser.storage.local.set({ [POSITION_KEY]: { ...stored, [site]: position } });
        return position;
      },
      signIn: async ({ backendUrl, accessKey }) => {
        const { settings, locked } = await loadSettings();
        const url = backendUrl && !locked.includes('backendUrl') ? backendUrl : settings.backendUrl;
        try {
          const auth = await requestSession(url, accessKey);
          await this.sessions.set(auth);
          if (url !== settings.backendUrl) {
            const stored = (await browser.storage.local.get(SETTINGS_KEY))[SETTINGS_KEY] ?? {};
            await browser.storage.local.set({ [SETTINGS_KEY]: { ...stored, backendUrl: url } });
          }
          this.lastError = null;
          this.cachedConfig = null;
          await this.warmUp();
          await this.broadcast();
          return auth.agent;
        } catch (error) {
          const failure = CallFailure.from(error);
          this.lastError = failure.toCallError();
          await this.broadcast();
          throw failure;
        }
      },
      signOut: async () => {
        const auth = await this.auth();
        await this.sessions.remove();
        this.cachedConfig = null;
        if (await this.host.isRunning()) {
          await this.offscreen.send('configure', { config: null }).catch(() => undefined);
          await this.host.close();
        }
        this.setOffscreenState(null, 'signed-out');
        if (auth) await endSession(auth);
        return null;
      },
      getDiagnostics: async () => {
        const version = browser.runtime.getManifest().version;
        if (!(await this.host.isRunning())) {
          return {
            extensionVersion: version,
            provider: IDLE_PROVIDER,
            signallingRttMs: null,
            call: null,
            microphone: 'unknown',
            lastCallTiming: null,
          };
        }
        return { extensionVersion: version, ...(await this.offscreen.send('getDiagnostics', {})) };
      },
      recentCalls: async ({ limit }) => {
        const auth = await this.auth();
        if (!auth) throw new CallFailure('not-signed-in', 'sign in to see recent calls');
        return { items: await requestRecentCalls(auth, limit) };
      },
      ...this.presence.handlers(),
      ...this.wrapupHandlers(),
    };
  }

  /** The wrap-up's requests: the disposition list, drafts (storage.local), saving to the backend. */
  private wrapupHandlers(): Pick<
    Handlers<BackgroundProtocol>,
    'dispositions' | 'wrapupDraft' | 'saveWrapup'
  > {
    return {
      dispositions: async () => requestDispositions(await this.signedIn()),
      wrapupDraft: async ({ callId, draft }) => {
        if (draft !== undefined) await writeDraft(callId, draft);
        return { draft: draft === undefined ? await readDraft(callId) : draft };
      },
      saveWrapup: async ({ callId, wrapup }) => {
        const saved = await requestSaveWrapup(await this.signedIn(), callId, wrapup);
        if (saved.ok) await writeDraft(callId, null);
        return saved;
      },
    };
  }

  /** Which contexts may call what: CRM pages only the call controls; everything only from our extension. */
  allow(type: keyof BackgroundProtocol, sender: MessageSender): boolean {
    if (sender.id !== browser.runtime.id) return false;
    // Our own pages (popup, options, onboarding), whether in a popup or a tab.
    if (sender.url?.startsWith(this.extensionBase)) return true;
    // A content script in a web page; in a frame of it, only call buttons, and only in a frame of
    // the page's own origin.
    if (inFrame(sender)) return FRAME_METHODS.has(type) && frameOfPageOrigin(sender);
    return Boolean(sender.tab) && CONTENT_SCRIPT_METHODS.has(type);
  }

  /**
   * Ensures the offscreen document runs with the current sign-in and settings, then calls it.
   * `alongside` (bringing the host to the front) runs while it is configured, not after.
   */
  private async withOffscreen<T>(
    fn: (o: typeof this.offscreen) => Promise<T>,
    alongside?: () => Promise<void>,
  ): Promise<T> {
    const config = await this.config();
    const created = await this.host.ensure();
    const configure = async () => {
      if (created || this.offscreenState?.configVersion !== config.version)
        this.setOffscreenState(await this.offscreen.send('configure', { config }), 'configured');
    };
    await Promise.all([configure(), alongside?.()]);
    return fn(this.offscreen);
  }

  private async reconfigureIfRunning(): Promise<void> {
    if (!(await this.host.isRunning())) return;
    const config = await this.config().catch(() => null);
    this.setOffscreenState(await this.offscreen.send('configure', { config }), 'reconfigured');
  }

  private async config(): Promise<OffscreenConfig> {
    if (this.cachedConfig) return this.cachedConfig;
    const auth = await this.auth();
    if (!auth) throw new CallFailure('not-signed-in', 'sign in from the toolbar button first');
    if (auth.expiresAt <= Date.now()) throw new CallFailure('session-expired', 'sign in again');
    const { settings } = await loadSettings();
    const body = JSON.stringify({ backendUrl: auth.backendUrl, token: auth.token, settings });
    this.cachedConfig = {
      version: hash(body),
      backendUrl: auth.backendUrl,
      token: auth.token,
      settings,
    };
    return this.cachedConfig;
  }

  private async signedIn(): Promise<SignedIn> {
    const auth = await this.auth();
    if (!auth) throw new CallFailure('not-signed-in', 'sign in first');
    return auth;
  }

  private auth(): Promise<SignedIn | null> {
    return this.sessions.get();
  }

  private async onCurrentCall(
    method: 'hangup' | 'answer' | 'decline',
    preferWaiting = false,
    sender?: MessageSender,
  ): Promise<null> {
    await this.restored;
    const state = this.offscreenState;
    const call = (preferWaiting && state?.waiting) || state?.call;
    if (!call || call.phase === 'ended') throw new CallFailure('internal', 'there is no call');
    // The tab that answers a call shows it from then on.
    const tabId = sender ? contentTabOf(sender, this.extensionBase) : null;
    if (tabId !== null) this.tabs.setOwner(call.callId, tabId);
    await this.withOffscreen(
      (o) => o.send(method, { callId: call.callId }),
      method === 'answer' ? () => this.host.prepareForMedia() : undefined,
    );
    return null;
  }

  private async liveCall() {
    await this.restored;
    const call = this.offscreenState?.call;
    if (!call || call.phase === 'ended') throw new CallFailure('internal', 'there is no call');
    return call;
  }

  private async onFailure(failure: CallFailure): Promise<void> {
    this.lastError = failure.toCallError();
    if (
      failure.code === 'mic-denied' ||
      failure.code === 'mic-dismissed' ||
      failure.code === 'mic-unavailable'
    ) {
      await openOnboarding(failure.code);
    }
    await this.broadcast();
  }

  private setOffscreenState(state: OffscreenState | null, reason: string): void {
    const before = this.offscreenState;
    this.offscreenState = state;
    void browser.storage.session.set({ [MIRROR_KEY]: state }).catch(() => undefined);
    const error = state?.call?.phase === 'ended' ? state.call.error : undefined;
    if (error && before?.call?.phase !== 'ended')
      void this.onFailure(CallFailure.fromCallError(error));
    if (reason !== CONFIGURE_REASON) void this.broadcast();
  }

  /** After a restart of the worker: the mirror first (fast), then the offscreen document (truth). */
  private async restore(): Promise<void> {
    const mirror = await browser.storage.session
      .get([MIRROR_KEY, CRM_TABS_KEY])
      .catch(() => ({}) as Record<string, unknown>);
    const parsed = offscreenStateSchema.nullable().safeParse(mirror[MIRROR_KEY] ?? null);
    if (parsed.success) this.offscreenState = parsed.data;
    this.tabs.restore(mirror[CRM_TABS_KEY]);
    if (await this.host.isRunning()) {
      try {
        this.offscreenState = await this.offscreen.send('getState', {});
      } catch {
        // The document is still loading; its first stateChanged message will bring the truth.
      }
    } else {
      this.offscreenState = null;
    }
  }

  async appState(): Promise<AppState> {
    const auth = await this.auth();
    const { settings } = await loadSettings();
    return {
      agent: auth?.agent ?? null,
      backendUrl: auth?.backendUrl ?? settings.backendUrl,
      provider: this.offscreenState?.provider ?? { provider: settings.provider, state: 'idle' },
      call: this.directory.enrich(this.offscreenState?.call ?? null),
      waiting: this.directory.enrich(this.offscreenState?.waiting ?? null),
      lastError: this.lastError,
      ...(await this.presence.view({
        agent: auth?.agent ?? null,
        call: this.offscreenState?.call ?? null,
      })),
    };
  }

  private async broadcast(): Promise<void> {
    const state = await this.appState();
    this.options.onState?.(state);
    await Promise.all([
      browser.storage.session.set({ [APP_STATE_KEY]: state }),
      this.tabs.push(state),
    ]);
  }
}

export async function openOnboarding(reason?: string): Promise<void> {
  const url = browser.runtime.getURL(
    `/onboarding.html${reason ? `?reason=${encodeURIComponent(reason)}` : ''}`,
  );
  const base = browser.runtime.getURL('/onboarding.html');
  const [existing] = await browser.tabs.query({ url: `${base}*` });
  if (existing?.id !== undefined) {
    await browser.tabs.update(existing.id, { active: true, url });
    return;
  }
  await browser.tabs.create({ url });
}

/** The call bar's position is remembered per site (host), as the bar itself named it. */
function siteOf(sender: MessageSender): string {
  try {
    return new URL(sender.url ?? sender.tab?.url ?? '').host || 'local';
  } catch {
    return 'local';
  }
}

/** A frame has no call bar: its page's top document shows why the frame's click did not call. */
async function tellTopDocument(tabId: number, failure: CallFailure): Promise<void> {
  const message = { channel: CALL_ERROR_CHANNEL, error: failure.toCallError() };
  // Promise.resolve().then: a sendMessage that throws at once is handled like a rejection.
  await Promise.resolve()
    .then(() => browser.tabs.sendMessage(tabId, message, { frameId: 0 }))
    .catch(() => undefined);
}

/**
 * Who and where a call was placed from, for its record: the CRM row's name, and the page as the
 * browser reports the sender (its URL is not taken from the message), when it is an http(s) page:
 * for a frame, the page it is in (the record the agent has open, not the frame's own view).
 */
export function callContextOf(
  sender: MessageSender,
  contactName?: string,
  pageTitle?: string,
): CallContext {
  const url = sender.tab
    ? inFrame(sender)
      ? sender.tab.url
      : (sender.url ?? sender.tab.url)
    : undefined;
  const page = url && httpUrlSchema.safeParse(url).success ? url : undefined;
  return {
    ...(contactName ? { contactName: contactName.replace(/\s+/g, ' ').trim() } : {}),
    ...(page ? { pageUrl: page } : {}),
    ...(page && pageTitle ? { pageTitle } : {}),
  };
}

/** FNV-1a: a cheap change detector for the offscreen configuration (not security). */
function hash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36) + text.length.toString(36);
}
