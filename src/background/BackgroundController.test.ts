// The background against a real CallSession (fake provider) wired through the real channels.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { CallFailure, type CallProvider, type ProviderContext } from '../call/provider';
import type { AppState } from '../messaging/background';
import { offscreenChannel } from '../messaging/offscreen';
import { CallSession, sessionHandlers } from '../offscreen/CallSession';
import { BackgroundController } from './BackgroundController';
import type { CallHost } from './callHost';
import { NUMBER_TYPES } from '../detect/numberTypes';
import { privateSessionStore, type KeyValueArea, type SessionStore } from './sessionStore';

class FakeProvider implements CallProvider {
  readonly name = 'builtin' as const;
  ctx: ProviderContext | null = null;
  micError: CallFailure | null = null;
  connect = vi.fn(async (ctx: ProviderContext) => void (this.ctx = ctx));
  disconnect = vi.fn(async () => undefined);
  startCall = vi.fn(async () => {
    if (this.micError) throw this.micError;
  });
  answer = vi.fn(async () => undefined);
  decline = vi.fn(async () => undefined);
  hangup = vi.fn(async (callId: string) =>
    this.ctx?.emit({ type: 'ended', callId, reason: 'local-hangup' }),
  );
  setMuted = vi.fn(async () => undefined);
  sendDtmf = vi.fn(async () => undefined);
}

const EXTENSION_ID = fakeBrowser.runtime.id;
const page = { id: EXTENSION_ID, url: fakeBrowser.runtime.getURL('/popup.html') };
const contentScript = {
  id: EXTENSION_ID,
  url: 'https://acme.lightning.force.com/x',
  tab: { id: 7 },
};
/** A content script in a frame of the page, of the page's own origin. */
const frameScript = {
  id: EXTENSION_ID,
  url: 'https://acme.crm.dynamics.com/webresources/list.html',
  tab: { id: 7, url: 'https://acme.crm.dynamics.com/main.aspx?pagetype=entityrecord' },
  frameId: 12,
};

/** `sessions` makes each (re)started background's session store; default: storage.local. */
function setup(sessions?: () => SessionStore) {
  const provider = new FakeProvider();
  let session: CallSession;
  let running = false;
  let current: BackgroundController | null = null;
  const makeSession = () =>
    new CallSession({
      loadProvider: async () => provider,
      getMicrophone: async () => ({ getTracks: () => [] }) as unknown as MediaStream,
      microphonePermission: async () => 'granted',
      // As in the extension: the host reports every change to whichever worker is running.
      onChange: (state, reason) => void current?.onHostState(state, reason),
      ringtone: { start: () => undefined, stop: () => undefined },
    });
  session = makeSession();
  const gone: (() => void)[] = [];
  const host: CallHost & { vanish(): void } = {
    path: '/offscreen.html',
    ensure: vi.fn(async () => {
      const created = !running;
      if (created) session = makeSession();
      running = true;
      return created;
    }),
    isRunning: async () => running,
    close: vi.fn(async () => void (running = false)),
    prepareForMedia: vi.fn(async () => undefined),
    onGone: (listener) => void gone.push(listener),
    /** The host disappears on its own, as a Firefox call window the agent closes. */
    vanish() {
      running = false;
      for (const listener of gone) listener();
    },
  };
  const sendToHost = async (message: unknown) => {
    const listener = offscreenChannel(async () => undefined).listener(
      sessionHandlers(session),
      () => true,
    );
    return listener(message, { id: EXTENSION_ID });
  };
  const states: AppState[] = [];
  const make = () =>
    (current = new BackgroundController({
      host,
      sendToHost,
      onState: (s) => states.push(s),
      ...(sessions ? { sessions: sessions() } : {}),
    }));
  return { provider, host, make, states };
}

function mockSessionEndpoint(status = 200) {
  const fetchMock = vi.fn(async (_url: URL | string, _init?: RequestInit) =>
    Response.json(
      status === 200
        ? {
            token: 'tok-1',
            expiresAt: Date.now() + 3_600_000,
            agent: { name: 'ava', admin: false },
          }
        : { error: 'nope' },
      { status },
    ),
  );
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

describe('BackgroundController', () => {
  beforeEach(() => {
    fakeBrowser.reset();
    vi.unstubAllGlobals();
    // The fake browser has no tabs.sendMessage: the content scripts' state pushes are delivered.
    vi.spyOn(fakeBrowser.tabs, 'sendMessage').mockResolvedValue(undefined);
  });

  it.each([
    ['a content script may start a call', contentScript, 'startCall', true],
    ['a content script may not sign in', contentScript, 'signIn', false],
    ['a content script may read early settings', contentScript, 'getEarlySettings', true],
    ['a content script may read the number types', contentScript, 'numberTypes', true],
    ['a content script may not read diagnostics', contentScript, 'getDiagnostics', false],
    ['an extension page may sign in', page, 'signIn', true],
    ['another extension may do nothing', { ...page, id: 'someone-else' }, 'startCall', false],
    ['a sender without id may do nothing', { url: page.url }, 'getState', false],
    ["a frame of the page's origin may start a call", frameScript, 'startCall', true],
    ['a frame may read the settings', frameScript, 'getEarlySettings', true],
    ['a frame may not answer (the call bar is the top document’s)', frameScript, 'answer', false],
    ['a frame may not hang up', frameScript, 'hangup', false],
    ['a frame may not read the state', frameScript, 'getState', false],
    [
      'a frame of another origin may not start a call',
      { ...frameScript, url: 'https://acme--c.vf.force.com/apex/list' },
      'startCall',
      false,
    ],
    [
      'a frame whose page address is not told may not start a call',
      { ...frameScript, tab: { id: 7 } },
      'startCall',
      false,
    ],
    [
      'an about:blank frame may not start a call',
      { ...frameScript, url: 'about:blank', tab: { id: 7, url: 'about:blank' } },
      'startCall',
      false,
    ],
    ['the top document (frame 0) may hang up', { ...contentScript, frameId: 0 }, 'hangup', true],
  ] as const)('%s', (_name, sender, method, allowed) => {
    expect(setup().make().allow(method, sender)).toBe(allowed);
  });

  it('refuses to call before sign-in, with a clear code', async () => {
    const bg = setup().make();
    await expect(
      bg.handlers().startCall({ target: { kind: 'phone', e164: '+14155552671' } }, contentScript),
    ).rejects.toMatchObject({ code: 'not-signed-in' });
    expect((await bg.appState()).lastError?.code).toBe('not-signed-in');
  });

  it("tells the page's top document why a frame's click did not call (a frame has no bar)", async () => {
    const bg = setup().make();
    const sendMessage = vi.mocked(fakeBrowser.tabs.sendMessage);
    await expect(
      bg.handlers().startCall({ target: { kind: 'phone', e164: '+14155552671' } }, frameScript),
    ).rejects.toMatchObject({ code: 'not-signed-in' });
    expect(sendMessage).toHaveBeenCalledWith(
      7,
      { channel: 'c2c/call-error', error: expect.objectContaining({ code: 'not-signed-in' }) },
      { frameId: 0 },
    );
    // The top document's own failure is its own to show.
    sendMessage.mockClear();
    await expect(
      bg.handlers().startCall({ target: { kind: 'phone', e164: '+14155552671' } }, contentScript),
    ).rejects.toMatchObject({ code: 'not-signed-in' });
    expect(
      sendMessage.mock.calls.filter(
        ([, m]) => (m as { channel: string }).channel === 'c2c/call-error',
      ),
    ).toEqual([]);
  });

  it("records a frame's call under the page it is in", async () => {
    mockSessionEndpoint();
    const { provider, make } = setup();
    const bg = make();
    await bg
      .handlers()
      .signIn({ backendUrl: 'http://localhost:9999', accessKey: 'k'.repeat(20) }, page);
    await bg
      .handlers()
      .startCall(
        { target: { kind: 'phone', e164: '+14155552671' }, pageTitle: 'Ava' },
        frameScript,
      );
    expect(provider.startCall).toHaveBeenCalledWith(
      expect.any(String),
      { kind: 'phone', e164: '+14155552671' },
      undefined,
      { pageUrl: frameScript.tab.url, pageTitle: 'Ava' },
    );
  });

  it('signs in, starts the call host and connects the provider, then calls', async () => {
    const fetchMock = mockSessionEndpoint();
    const { provider, host, make } = setup();
    const bg = make();
    const agent = await bg
      .handlers()
      .signIn({ backendUrl: 'http://localhost:9999', accessKey: 'k'.repeat(20) }, page);
    expect(agent.name).toBe('ava');
    expect(String(fetchMock.mock.calls[0]![0])).toBe('http://localhost:9999/api/session');
    expect(host.ensure).toHaveBeenCalled();
    expect(provider.connect).toHaveBeenCalledOnce();
    expect(provider.ctx?.token).toBe('tok-1');

    const { callId } = await bg.handlers().startCall(
      {
        target: { kind: 'phone', e164: '+14155552671' },
        displayName: 'Ava',
        pageTitle: 'Ava — Contact',
        clickedAt: 1,
      },
      contentScript,
    );
    // The record's page URL is the sender's, not one the message could claim.
    expect(provider.startCall).toHaveBeenCalledWith(
      callId,
      { kind: 'phone', e164: '+14155552671' },
      'Ava',
      {
        contactName: 'Ava',
        pageUrl: 'https://acme.lightning.force.com/x',
        pageTitle: 'Ava — Contact',
      },
    );
    expect((await bg.appState()).call).toMatchObject({ callId, phase: 'connecting' });
  });

  it('shows a call only in the tab that placed it; a ringing call only in the CRM tab focused last', async () => {
    mockSessionEndpoint();
    const { make } = setup();
    const bg = make();
    const h = bg.handlers();
    await h.signIn({ backendUrl: 'http://localhost:9999', accessKey: 'k'.repeat(20) }, page);
    const other = { ...contentScript, tab: { id: 8 } };
    const none = {} as Record<string, never>;
    // Both tabs' bars ask for their state (tab 8 last, so it is the newest CRM tab).
    await h.getState(none, contentScript);
    await h.getState(none, other);
    await h.startCall({ target: { kind: 'phone', e164: '+14155552671' } }, contentScript);
    expect((await h.getState(none, contentScript)).call?.target).toMatchObject({
      e164: '+14155552671',
    });
    expect((await h.getState(none, other)).call).toBeNull();
    // Our own pages see everything.
    expect((await h.getState(none, page)).call).not.toBeNull();
    await h.hangup(none, contentScript);

    // A call nobody owns yet (e.g. placed from the popup) shows in the focused CRM tab only.
    await h.startCall({ target: { kind: 'phone', e164: '+14155552672' } }, page);
    expect((await h.getState(none, other)).call?.target).toMatchObject({ e164: '+14155552672' });
    expect((await h.getState(none, contentScript)).call).toBeNull();
  });

  it('reports a refused access key clearly', async () => {
    mockSessionEndpoint(401);
    const bg = setup().make();
    await expect(bg.handlers().signIn({ accessKey: 'wrong-key-123' }, page)).rejects.toMatchObject({
      code: 'invalid-credentials',
    });
  });

  it('a restarted worker restores the live call from the call host', async () => {
    mockSessionEndpoint();
    const { make } = setup();
    const first = make();
    await first.handlers().signIn({ accessKey: 'k'.repeat(20) }, page);
    const { callId } = await first
      .handlers()
      .startCall({ target: { kind: 'phone', e164: '+14155552671' } }, contentScript);

    const second = make(); // the worker was stopped and woken
    const state = await second.handlers().getState({} as Record<string, never>, page);
    expect(state.call?.callId).toBe(callId);
    await second.handlers().hangup({} as Record<string, never>, contentScript);
    expect((await second.appState()).call).toMatchObject({
      phase: 'ended',
      endReason: 'local-hangup',
    });
  });

  it('opens the onboarding page when the microphone is not granted', async () => {
    mockSessionEndpoint();
    const { provider, make } = setup();
    const bg = make();
    await bg.handlers().signIn({ accessKey: 'k'.repeat(20) }, page);
    provider.micError = new CallFailure('mic-dismissed', 'NotAllowedError');
    const create = vi.spyOn(fakeBrowser.tabs, 'create');
    await expect(
      bg.handlers().startCall({ target: { kind: 'phone', e164: '+14155552671' } }, contentScript),
    ).rejects.toMatchObject({ code: 'mic-dismissed' });
    expect(create).toHaveBeenCalledWith({
      url: expect.stringContaining('/onboarding.html?reason=mic-dismissed'),
    });
  });

  it('the call host closing mid-call ends the call and says why; the next call opens a new host', async () => {
    mockSessionEndpoint();
    const { host, make } = setup();
    const bg = make();
    await bg.handlers().signIn({ accessKey: 'k'.repeat(20) }, page);
    const target = { kind: 'phone', e164: '+14155552671' } as const;
    const { callId } = await bg.handlers().startCall({ target }, contentScript);
    expect(host.prepareForMedia).toHaveBeenCalled();

    host.vanish();
    await vi.waitFor(async () =>
      expect((await bg.appState()).call).toMatchObject({
        callId,
        phase: 'ended',
        endReason: 'host-closed',
      }),
    );
    expect((await bg.appState()).provider.state).toBe('idle');

    const ensures = vi.mocked(host.ensure).mock.calls.length;
    const next = await bg.handlers().startCall({ target }, contentScript);
    expect(vi.mocked(host.ensure).mock.calls.length).toBeGreaterThan(ensures);
    expect((await bg.appState()).call).toMatchObject({ callId: next.callId });
    expect((await bg.appState()).call?.phase).not.toBe('ended');
  });

  it('a call that opens a new host brings it to the front while it connects, not after', async () => {
    mockSessionEndpoint();
    const { host, make, provider } = setup();
    const bg = make();
    await bg.handlers().signIn({ accessKey: 'k'.repeat(20) }, page);
    host.vanish();
    await vi.waitFor(async () => expect((await bg.appState()).provider.state).toBe('idle'));
    let connected: () => void = () => undefined;
    provider.connect.mockImplementationOnce(async (ctx) => {
      provider.ctx = ctx;
      await new Promise<void>((resolve) => (connected = resolve));
    });
    vi.mocked(host.prepareForMedia).mockClear();
    const call = bg
      .handlers()
      .startCall({ target: { kind: 'phone', e164: '+14155552671' } }, contentScript);
    await vi.waitFor(() => expect(host.prepareForMedia).toHaveBeenCalledOnce());
    expect(provider.startCall).not.toHaveBeenCalled();
    connected();
    await call;
    expect(provider.startCall).toHaveBeenCalledOnce();
  });

  it('after an update the call host starts again for a signed-in agent, not for a signed-out one', async () => {
    mockSessionEndpoint();
    const { host, make, provider } = setup();
    const bg = make();
    // What start() registers beyond this test, and the fake browser lacks.
    vi.spyOn(fakeBrowser.idle.onStateChanged, 'addListener').mockImplementation(() => undefined);
    vi.spyOn(fakeBrowser.idle, 'setDetectionInterval').mockImplementation(() => undefined);
    vi.spyOn(fakeBrowser.storage.session, 'setAccessLevel').mockResolvedValue(undefined);
    vi.spyOn(
      fakeBrowser.storage.local as unknown as { setAccessLevel(): Promise<void> },
      'setAccessLevel',
    ).mockResolvedValue(undefined);
    bg.start();
    await fakeBrowser.runtime.onInstalled.trigger({ reason: 'update', previousVersion: '0.0.9' });
    await new Promise((r) => setTimeout(r, 20));
    expect(host.ensure).not.toHaveBeenCalled();

    await bg.handlers().signIn({ accessKey: 'k'.repeat(20) }, page);
    host.vanish();
    await vi.waitFor(async () => expect((await bg.appState()).provider.state).toBe('idle'));
    vi.mocked(host.ensure).mockClear();
    provider.connect.mockClear();
    await fakeBrowser.runtime.onInstalled.trigger({ reason: 'update', previousVersion: '0.0.9' });
    await vi.waitFor(() => expect(provider.connect).toHaveBeenCalledOnce());
    expect(host.ensure).toHaveBeenCalled();
    expect(await host.isRunning()).toBe(true);
  });

  it('a host state that arrives later but is looked up sooner is not undone by the earlier one', async () => {
    const fetchMock = mockSessionEndpoint();
    const bg = setup().make();
    await bg.handlers().signIn({ accessKey: 'k'.repeat(20) }, page);
    // The caller lookup of the first report (a new call) answers late.
    let answer: () => void = () => undefined;
    const late = new Promise<void>((resolve) => (answer = resolve));
    const session = fetchMock.getMockImplementation()!;
    fetchMock.mockImplementation(async (url, init) => {
      if (String(url).includes('/api/directory')) {
        await late;
        return Response.json({ error: 'none' }, { status: 404 });
      }
      return session(url, init);
    });
    const call = {
      callId: 'call-1',
      provider: 'builtin',
      direction: 'outbound',
      target: { kind: 'phone', e164: '+14155552671' },
      phase: 'connecting',
      muted: false,
      startedAt: 1,
    } as const;
    const host = {
      configVersion: 'v1',
      provider: { provider: 'builtin', state: 'ready' },
      waiting: null,
    } as const;
    const started = bg.onHostState({ ...host, call }, 'start');
    // The call failed at once (no microphone): reported right after.
    await bg.onHostState(
      { ...host, call: { ...call, phase: 'ended', endedAt: 2, endReason: 'failed' } },
      'ended',
    );
    answer();
    await started;
    expect((await bg.appState()).call).toMatchObject({ callId: 'call-1', phase: 'ended' });
  });

  it('with the private store (Firefox) the token never reaches storage.local, and survives a restart', async () => {
    mockSessionEndpoint();
    const kept = new Map<string, unknown>();
    const area: KeyValueArea = {
      get: async (key) => kept.get(key),
      put: async (key, value) => void kept.set(key, value),
      delete: async (key) => void kept.delete(key),
    };
    const { provider, make } = setup(() => privateSessionStore(area));
    await make()
      .handlers()
      .signIn({ accessKey: 'k'.repeat(20) }, page);
    expect(provider.ctx?.token).toBe('tok-1');
    expect(JSON.stringify(await fakeBrowser.storage.local.get(null))).not.toContain('tok-1');
    expect(kept.get('auth')).toMatchObject({ token: 'tok-1' });

    const second = make(); // the background was suspended and woken
    expect((await second.appState()).agent).toMatchObject({ name: 'ava' });
    await second.handlers().signOut({} as Record<string, never>, page);
    expect(kept.has('auth')).toBe(false);
    expect((await second.appState()).agent).toBeNull();
  });

  it('signs out: ends the session and closes the call host', async () => {
    const fetchMock = mockSessionEndpoint();
    const { provider, host, make } = setup();
    const bg = make();
    await bg.handlers().signIn({ accessKey: 'k'.repeat(20) }, page);
    await bg.handlers().signOut({} as Record<string, never>, page);
    expect(provider.disconnect).toHaveBeenCalled();
    expect(host.close).toHaveBeenCalled();
    expect(fetchMock.mock.calls.at(-1)![1]).toMatchObject({ method: 'DELETE' });
    expect((await bg.appState()).agent).toBeNull();
  });
  it('gives early settings without waiting for a slow policy read; getSettings waits for it', async () => {
    await fakeBrowser.storage.local.set({ settings: { defaultCountry: 'US' } });
    let answer!: (policy: Record<string, unknown>) => void;
    const read = vi
      .spyOn(fakeBrowser.storage.managed, 'get')
      .mockImplementation(() => new Promise((resolve) => (answer = resolve)) as never);
    const h = setup().make().handlers();
    const none = {} as Record<string, never>;
    const early = await h.getEarlySettings(none, contentScript);
    expect(early).toMatchObject({ confirmed: false, settings: { defaultCountry: 'US' } });
    let confirmed: string | undefined;
    const full = Promise.resolve(h.getSettings(none, contentScript)).then(
      (s) => (confirmed = s.defaultCountry),
    );
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(confirmed).toBeUndefined();
    answer({ defaultCountry: 'SG' });
    await full;
    expect(confirmed).toBe('SG');
    // Known from now on: early settings include the policy, and it is not read again.
    expect(await h.getEarlySettings(none, contentScript)).toMatchObject({
      confirmed: true,
      settings: { defaultCountry: 'SG' },
    });
    expect(read).toHaveBeenCalledOnce();
  });
  it('gives a content script the number types (what the packaged file holds), as JSON', async () => {
    const h = setup().make().handlers();
    const types = await h.numberTypes({} as Record<string, never>, contentScript);
    expect(JSON.parse(JSON.stringify(types))).toEqual(NUMBER_TYPES);
    expect(Object.keys(types).length).toBeGreaterThan(200);
  });
});
