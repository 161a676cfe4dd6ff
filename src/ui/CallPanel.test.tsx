// @vitest-environment happy-dom
import { render } from 'preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { CallSnapshot } from '../call/state';
import { mergeAll } from '../locales/merge';
import { CallPanel } from './CallPanel';

const english = mergeAll('src/locales').en!;

const call = (patch: Partial<CallSnapshot> = {}): CallSnapshot => ({
  callId: 'call-00000001',
  provider: 'builtin',
  direction: 'outbound',
  target: { kind: 'phone', e164: '+14155552671' },
  phase: 'active',
  muted: false,
  startedAt: Date.now() - 5000,
  answeredAt: Date.now() - 3000,
  ...patch,
});

beforeEach(() => {
  fakeBrowser.reset();
  vi.spyOn(fakeBrowser.i18n, 'getMessage').mockImplementation(((key: string, subs?: string[]) =>
    (english[key]?.message ?? '').replace(/\$VALUE\$/g, [subs ?? []].flat()[0] ?? '')) as never);
  vi.spyOn(fakeBrowser.i18n, 'getUILanguage').mockReturnValue('en');
});

const mounted: HTMLElement[] = [];
// Unmounted after each test: an ended call's wrap-up form loads its list and draft asynchronously,
// and must not render after this test's browser stand-in is gone.
afterEach(() => {
  for (const root of mounted.splice(0)) render(null, root);
});

function mount(snapshot: CallSnapshot): HTMLElement {
  const root = document.createElement('div');
  render(<CallPanel call={snapshot} />, root);
  mounted.push(root);
  return root;
}

describe('CallPanel', () => {
  it('shows the keys the far end pressed', () => {
    const root = mount(call({ remoteDigits: '12#' }));
    expect(root.querySelector('[data-testid=call-remote-digits]')?.textContent).toBe(
      'Keys they pressed: 12#',
    );
  });

  it('shows no key line before the far end presses one', () => {
    expect(mount(call()).querySelector('[data-testid=call-remote-digits]')).toBeNull();
  });
});

describe('CallPanel call state', () => {
  it('shows a muted call visibly, inside the live status region', () => {
    const root = mount(call({ muted: true }));
    const status = root.querySelector('[role=status]')!;
    expect(status.getAttribute('aria-live')).toBe('polite');
    expect(status.querySelector('[data-testid=call-muted]')?.textContent).toContain(
      'Muted: the other party cannot hear you',
    );
    expect(root.querySelector('.c2c-panel')?.getAttribute('data-muted')).toBe('true');
    expect(mount(call()).querySelector('[data-testid=call-muted]')).toBeNull();
  });

  it('is the last call, not the current one, once it ended', () => {
    const label = (snapshot: CallSnapshot) =>
      mount(snapshot).querySelector('.c2c-panel')?.getAttribute('aria-label');
    expect(label(call())).toBe('Current call');
    expect(label(call({ phase: 'ended', endReason: 'local-hangup', muted: true }))).toBe(
      'Last call',
    );
    expect(
      mount(call({ phase: 'ended', muted: true })).querySelector('[data-testid=call-muted]'),
    ).toBeNull();
  });

  it('sends no tone for a key event a page script dispatches', () => {
    const send = vi.spyOn(fakeBrowser.runtime, 'sendMessage');
    const root = mount(call());
    root
      .querySelector('.c2c-panel')!
      .dispatchEvent(new KeyboardEvent('keydown', { key: '5', bubbles: true }));
    expect(send).not.toHaveBeenCalled();
    expect(root.querySelector('[data-testid=dtmf-sent]')).toBeNull();
  });
});
