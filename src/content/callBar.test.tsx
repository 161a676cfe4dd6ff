// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { AppState } from '../messaging/background';
import type { CallSnapshot } from '../call/state';
import { mergeAll } from '../locales/merge';
import { mountCallBar } from './callBar';

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
const shadow = () => document.querySelector('c2c-call-bar')!.shadowRoot!;
const bar = () => shadow().querySelector<HTMLElement>('[data-testid=call-bar]');
const button = (name: string) =>
  [...shadow().querySelectorAll('button')].find(
    (b) => b.getAttribute('aria-label') === name || b.textContent === name,
  );

beforeEach(() => {
  fakeBrowser.reset();
  // The background is not running here: the bar reads the published state from storage.session.
  vi.spyOn(fakeBrowser.runtime, 'sendMessage').mockRejectedValue(new Error('no background'));
  vi.spyOn(fakeBrowser.i18n, 'getMessage').mockImplementation(((key: string, subs?: string[]) =>
    (english[key]?.message ?? '').replace(/\$VALUE\$/g, [subs ?? []].flat()[0] ?? '')) as never);
  vi.spyOn(fakeBrowser.i18n, 'getUILanguage').mockReturnValue('en');
  controller = new AbortController();
});
afterEach(() => controller.abort());

async function mountWith(s: AppState | null) {
  await fakeBrowser.storage.session.set({ appState: s });
  mountCallBar(controller.signal);
}

describe('call bar', () => {
  it('shows nothing without a call, and the call with the row name when one starts', async () => {
    await mountWith(state(null));
    await new Promise((r) => setTimeout(r, 20));
    expect(bar()).toBeNull();
    await fakeBrowser.storage.session.set({ appState: state(call()) });
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

  it('removes itself when the content script stops', async () => {
    await mountWith(state(call()));
    await vi.waitFor(() => expect(bar()).not.toBeNull());
    controller.abort();
    expect(document.querySelector('c2c-call-bar')).toBeNull();
  });
});
