// @vitest-environment happy-dom
import { render } from 'preact';
import { beforeEach, describe, expect, it, vi } from 'vitest';
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

function mount(snapshot: CallSnapshot): HTMLElement {
  const root = document.createElement('div');
  render(<CallPanel call={snapshot} />, root);
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
