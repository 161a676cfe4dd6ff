// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { AppState } from '../messaging/background';
import type { CallSnapshot } from '../call/state';
import { mergeAll } from '../locales/merge';
import { callErrorOf, mountCallBar, shadowRootOf } from './callBar';

const english = mergeAll('src/locales').en!;

const call = (patch: Partial<CallSnapshot> = {}): CallSnapshot => ({
  callId: 'call-00000001',
  provider: 'builtin',
  direction: 'outbound',
  target: { kind: 'phone', e164: '+14155552671' },
  displayName: 'Ava Thompson',
  phase: 'active',
  muted: false,
  startedAt: Date.now() - 5000,
  answeredAt: Date.now() - 3000,
  ...patch,
});

const state = (c: CallSnapshot | null): AppState => ({
  agent: { name: 'agent1', admin: false },
  backendUrl: 'http://localhost:8787',
  provider: { provider: 'builtin', state: 'ready' },
  call: c,
  waiting: null,
  lastError: null,
});

let controller: AbortController;
let published: AppState | null = null;
let sent: { type: string; data: unknown }[] = [];
const shadow = () => shadowRootOf(document.querySelector('c2c-call-bar')!)!;
const bar = () => shadow().querySelector<HTMLElement>('[data-testid=call-bar]');
const button = (name: string) =>
  [...shadow().querySelectorAll('button')].find(
    (b) => b.getAttribute('aria-label') === name || b.textContent === name,
  );

/** The background's side for a content script: its tab's state, and the remembered positions. */
async function background(message: unknown) {
  const { type, data } = message as { type: string; data: { position?: unknown } };
  sent.push({ type, data });
  if (type === 'getState') return { ok: true, result: published };
  if (type === 'callBarPosition') {
    const site = location.host || 'local';
    const stored =
      ((await fakeBrowser.storage.local.get('callBarPositions')).callBarPositions as
        Record<string, unknown> | undefined) ?? {};
    if (!data.position) return { ok: true, result: stored[site] ?? null };
    await fakeBrowser.storage.local.set({
      callBarPositions: { ...stored, [site]: data.position },
    });
    return { ok: true, result: data.position };
  }
  return { ok: false, error: { code: 'internal', detail: `not in this test: ${type}` } };
}

/** A state change, sent by the background to this tab. */
async function push(s: AppState | null) {
  published = s;
  await fakeBrowser.runtime.onMessage.trigger(
    { channel: 'c2c/tab-state', state: s },
    { id: fakeBrowser.runtime.id },
    () => undefined,
  );
}

beforeEach(() => {
  fakeBrowser.reset();
  published = null;
  sent = [];
  vi.spyOn(fakeBrowser.runtime, 'sendMessage').mockImplementation(background as never);
  vi.spyOn(fakeBrowser.i18n, 'getMessage').mockImplementation(((key: string, subs?: string[]) =>
    (english[key]?.message ?? '').replace(/\$VALUE\$/g, [subs ?? []].flat()[0] ?? '')) as never);
  vi.spyOn(fakeBrowser.i18n, 'getUILanguage').mockReturnValue('en');
  controller = new AbortController();
});
afterEach(() => controller.abort());

async function mountWith(s: AppState | null) {
  published = s;
  mountCallBar(controller.signal);
  await vi.waitFor(() => expect(document.querySelector('c2c-call-bar')).not.toBeNull());
}

describe('call bar', () => {
  it('shows nothing without a call, and the call with the row name when one starts', async () => {
    await mountWith(state(null));
    await new Promise((r) => setTimeout(r, 20));
    expect(bar()).toBeNull();
    await push(state(call()));
    await vi.waitFor(() => expect(bar()).not.toBeNull());
    expect(shadow().querySelector('.c2c-name')?.textContent).toBe('Ava Thompson');
    expect(shadow().querySelector('[data-phase=active]')).not.toBeNull();
  });

  it('minimises to one line with a hang-up button, and expands again', async () => {
    await mountWith(state(call()));
    await vi.waitFor(() => expect(button('Minimize the call bar')).toBeDefined());
    button('Minimize the call bar')!.click();
    await vi.waitFor(() => expect(bar()?.hasAttribute('data-minimized')).toBe(true));
    expect(shadow().querySelector('[data-testid=call-bar-mini]')?.textContent).toContain(
      'Ava Thompson',
    );
    expect(shadow().querySelector('[data-phase]')).toBeNull();
    expect(button('Hang up')).toBeDefined();
    button('Expand the call bar')!.click();
    await vi.waitFor(() => expect(shadow().querySelector('[data-phase=active]')).not.toBeNull());
  });

  it('cannot be minimised while a call rings, so Answer stays visible', async () => {
    await mountWith(
      state(call({ phase: 'incoming', direction: 'inbound', answeredAt: undefined })),
    );
    await vi.waitFor(() => expect(button('Answer')).toBeDefined());
    expect(button('Minimize the call bar')).toBeUndefined();
  });

  it('moves with the arrow keys on its handle and remembers the position for the site', async () => {
    await mountWith(state(call()));
    await vi.waitFor(() => expect(button('Move the call bar')).toBeDefined());
    expect(bar()!.style.bottom).toBe('16px');
    button('Move the call bar')!.dispatchEvent(
      new KeyboardEvent('keydown', { key: 'ArrowUp', shiftKey: true, bubbles: true }),
    );
    await vi.waitFor(() => expect(bar()!.style.bottom).toBe('80px'));
    await vi.waitFor(async () =>
      expect((await fakeBrowser.storage.local.get('callBarPositions')).callBarPositions).toEqual({
        [location.host || 'local']: { right: 16, bottom: 80 },
      }),
    );
  });

  it('starts where the agent left it on this site', async () => {
    await fakeBrowser.storage.local.set({
      callBarPositions: { [location.host || 'local']: { right: 200, bottom: 300 } },
    });
    await mountWith(state(call()));
    await vi.waitFor(() => expect(bar()?.style.right).toBe('200px'));
    expect(bar()!.style.bottom).toBe('300px');
  });

  it('keeps the call out of page-readable DOM: closed shadow root, nothing read from storage', async () => {
    const get = vi.spyOn(fakeBrowser.storage.session, 'get');
    await mountWith(state(call()));
    await vi.waitFor(() => expect(bar()).not.toBeNull());
    const host = document.querySelector('c2c-call-bar')!;
    expect(host.shadowRoot).toBeNull();
    expect(host.textContent).toBe('');
    expect(document.body.textContent).not.toContain('Ava Thompson');
    expect(get).not.toHaveBeenCalled();
  });

  it('ignores synthetic clicks on the call controls', async () => {
    await mountWith(
      state(call({ phase: 'incoming', direction: 'inbound', answeredAt: undefined })),
    );
    await vi.waitFor(() => expect(button('Answer')).toBeDefined());
    button('Answer')!.click();
    button('Decline')!.dispatchEvent(new MouseEvent('click', { bubbles: true, composed: true }));
    await push(state(call()));
    await vi.waitFor(() => expect(button('Hang up')).toBeDefined());
    button('Hang up')!.click();
    button('Mute')!.click();
    await new Promise((r) => setTimeout(r, 20));
    expect(
      sent.map((m) => m.type).filter((t) => t !== 'getState' && t !== 'callBarPosition'),
    ).toEqual([]);
  });

  it('removes itself when the content script stops', async () => {
    await mountWith(state(call()));
    await vi.waitFor(() => expect(bar()).not.toBeNull());
    controller.abort();
    expect(document.querySelector('c2c-call-bar')).toBeNull();
  });

  it("shows why a click in one of the page's frames did not call, as the background sends it", async () => {
    await mountWith(state(null));
    const notice = () => shadow().querySelector('[data-testid=call-bar-notice]');
    const send = (message: unknown, sender: object) =>
      fakeBrowser.runtime.onMessage.trigger(message, sender, () => undefined);
    // Only the background's: not another extension's, nor a content script's.
    const error = { code: 'not-signed-in' };
    await send({ channel: 'c2c/call-error', error }, { id: 'someone-else' });
    await send(
      { channel: 'c2c/call-error', error },
      { id: fakeBrowser.runtime.id, tab: { id: 3 } },
    );
    await send(
      { channel: 'c2c/call-error', error: { code: 'Not A Code' } },
      { id: fakeBrowser.runtime.id },
    );
    await new Promise((r) => setTimeout(r, 20));
    expect(notice()).toBeNull();
    await send({ channel: 'c2c/call-error', error }, { id: fakeBrowser.runtime.id });
    await vi.waitFor(() => expect(notice()).not.toBeNull());
    expect(notice()!.textContent).toContain(english.error_not_signed_in!.message);
  });
});

describe('callErrorOf', () => {
  it.each([
    [null, null],
    ['not-signed-in', null],
    [{ code: 7 }, null],
    [{ code: 'busy', detail: 3 }, null],
    [{ code: 'busy', vendorCode: {} }, null],
    [{ code: '<b>busy</b>' }, null],
    [{ code: 'busy' }, { code: 'busy' }],
    [
      { code: 'failed', detail: 'x'.repeat(600), vendorCode: 'E'.repeat(80), extra: 1 },
      { code: 'failed', detail: 'x'.repeat(500), vendorCode: 'E'.repeat(64) },
    ],
  ])('%j → %j', (value, want) => {
    expect(callErrorOf(value)).toEqual(want);
  });
});
