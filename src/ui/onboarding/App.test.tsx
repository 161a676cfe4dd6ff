// @vitest-environment happy-dom
import { render } from 'preact';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { mergeAll } from '../../locales/merge';
import {
  chooseMicrophonePrompt,
  chromeMicrophonePrompt,
  firefoxMicrophonePrompt,
  type MicrophonePrompt,
} from '../microphoneAccess';
import { App } from './App';

const english = mergeAll('src/locales').en!;

beforeEach(() => {
  fakeBrowser.reset();
  vi.spyOn(fakeBrowser.i18n, 'getMessage').mockImplementation(
    ((key: string) => english[key]?.message ?? '') as never,
  );
  vi.stubGlobal('Notification', { permission: 'default', requestPermission: vi.fn() });
  // Not asked yet: the page offers the button (and, on Firefox, the explanation).
  Object.defineProperty(navigator, 'permissions', {
    value: { query: async () => ({ state: 'prompt' }) },
    configurable: true,
  });
});

async function mount(prompt: MicrophonePrompt): Promise<HTMLElement> {
  const root = document.createElement('div');
  render(<App reason={null} prompt={prompt} />, root);
  // The microphone state is read once on mount: wait for it.
  await vi.waitFor(() =>
    expect(root.querySelector('[data-testid=mic-state]')?.getAttribute('data-state')).toBe(
      'prompt',
    ),
  );
  return root;
}

describe('onboarding: the microphone prompt', () => {
  it('on Firefox explains "Remember this decision" before asking', async () => {
    const root = await mount(firefoxMicrophonePrompt);
    expect(root.querySelector('[data-testid=mic-remember]')?.textContent).toContain(
      '“Remember this decision”',
    );
  });

  it('on Chrome says nothing about it', async () => {
    const root = await mount(chromeMicrophonePrompt);
    expect(root.querySelector('[data-testid=mic-remember]')).toBeNull();
  });

  it('is chosen by the offscreen API, as the call host is', () => {
    const chrome = { chrome: { offscreen: { createDocument: () => undefined } } };
    expect(chooseMicrophonePrompt(chrome)).toBe(chromeMicrophonePrompt);
    expect(chooseMicrophonePrompt({ chrome: {} })).toBe(firefoxMicrophonePrompt);
  });
});
