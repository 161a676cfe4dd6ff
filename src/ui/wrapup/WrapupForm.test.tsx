// @vitest-environment happy-dom
import { render } from 'preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { Wrapup } from '../../contract/call';
import { mergeAll } from '../../locales/merge';
import { WrapupForm } from './WrapupForm';

const english = mergeAll('src/locales').en!;
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

let requests: { type: string; data: Record<string, unknown> }[];
let draft: Wrapup | null;
let requireOutcome: boolean;
let saveReply: unknown;

beforeEach(() => {
  fakeBrowser.reset();
  requests = [];
  draft = null;
  requireOutcome = false;
  saveReply = { ok: true, call: { uuid: 'call-00000001' } };
  vi.spyOn(fakeBrowser.i18n, 'getMessage').mockImplementation(((key: string, subs?: string[]) => {
    const values = [subs ?? []].flat();
    return (english[key]?.message ?? '')
      .replace(/\$(VALUE|A)\$/g, values[0] ?? '')
      .replace(/\$B\$/g, values[1] ?? '');
  }) as never);
  vi.spyOn(fakeBrowser.i18n, 'getUILanguage').mockReturnValue('en');
  vi.spyOn(fakeBrowser.runtime, 'sendMessage').mockImplementation((async (message: {
    type: string;
    data: Record<string, unknown>;
  }) => {
    requests.push({ type: message.type, data: message.data });
    if (message.type === 'dispositions')
      return { ok: true, result: { items: ['Connected', 'Left voicemail'], requireOutcome } };
    if (message.type === 'wrapupDraft') {
      if (message.data.draft !== undefined) draft = message.data.draft as Wrapup | null;
      return { ok: true, result: { draft } };
    }
    if (message.type === 'saveWrapup') return { ok: true, result: saveReply };
    return { ok: false, error: { code: 'internal' } };
  }) as never);
});
afterEach(() => vi.useRealTimers());

async function mount(props: Partial<Parameters<typeof WrapupForm>[0]> = {}) {
  const root = document.createElement('div');
  document.body.append(root);
  render(<WrapupForm callId="call-00000001" allows={() => true} {...props} />, root);
  await tick();
  await tick();
  return root;
}
const q = <T extends Element>(root: Element, id: string) =>
  root.querySelector<T>(`[data-testid=${id}]`)!;
function type(el: HTMLTextAreaElement | HTMLInputElement | HTMLSelectElement, value: string) {
  el.value = value;
  el.dispatchEvent(new Event(el instanceof HTMLSelectElement ? 'change' : 'input'));
}

describe('WrapupForm', () => {
  it('offers the admin’s outcomes, counts the notes, and keeps a draft in the background', async () => {
    const root = await mount();
    const options = [...q<HTMLSelectElement>(root, 'wrapup-outcome').options].map((o) => o.text);
    expect(options).toEqual(['— Choose an outcome —', 'Connected', 'Left voicemail']);
    expect(q<HTMLTextAreaElement>(root, 'wrapup-notes').maxLength).toBe(5000);
    type(q(root, 'wrapup-outcome'), 'Left voicemail');
    type(q(root, 'wrapup-notes'), 'Call back Tuesday');
    await tick();
    expect(q(root, 'wrapup-count').textContent).toBe('17 / 5,000 characters');
    q<HTMLTextAreaElement>(root, 'wrapup-notes').dispatchEvent(new Event('blur'));
    await tick();
    expect(draft).toEqual({
      outcome: 'Left voicemail',
      notes: 'Call back Tuesday',
      followUpOn: null,
    });
  });

  it('starts from a stored draft (the tab was closed, the worker slept)', async () => {
    draft = { outcome: 'Connected', notes: 'half-typed', followUpOn: '2026-12-04' };
    const root = await mount({ initial: { outcome: null, notes: 'old', followUpOn: null } });
    expect(q<HTMLTextAreaElement>(root, 'wrapup-notes').value).toBe('half-typed');
    expect(q<HTMLSelectElement>(root, 'wrapup-outcome').value).toBe('Connected');
    expect(q<HTMLInputElement>(root, 'wrapup-follow-up').value).toBe('2026-12-04');
  });

  it('saves through the background and says so', async () => {
    const onSaved = vi.fn();
    const root = await mount({ onSaved });
    type(q(root, 'wrapup-outcome'), 'Connected');
    type(q(root, 'wrapup-follow-up'), '2026-12-09');
    q<HTMLButtonElement>(root, 'wrapup-save').click();
    await tick();
    await tick();
    expect(requests.find((r) => r.type === 'saveWrapup')?.data).toEqual({
      callId: 'call-00000001',
      wrapup: { outcome: 'Connected', notes: '', followUpOn: '2026-12-09' },
    });
    expect(q(root, 'wrapup-status').textContent).toBe('Wrap-up saved.');
    expect(onSaved).toHaveBeenCalledWith({ uuid: 'call-00000001' });
  });

  it('asks for an outcome when the admin requires one, without sending', async () => {
    requireOutcome = true;
    const root = await mount();
    q<HTMLButtonElement>(root, 'wrapup-save').click();
    await tick();
    expect(q(root, 'wrapup-status').textContent).toMatch(/Choose an outcome first/);
    expect(requests.some((r) => r.type === 'saveWrapup')).toBe(false);
  });

  it('shows the backend’s refusal and does not save on a click the guard refuses', async () => {
    saveReply = { ok: false, error: 'You can wrap up only your own calls' };
    const refused = await mount({ allows: () => false });
    q<HTMLButtonElement>(refused, 'wrapup-save').click();
    await tick();
    expect(requests.some((r) => r.type === 'saveWrapup')).toBe(false);
    const root = await mount();
    q<HTMLButtonElement>(root, 'wrapup-save').click();
    await tick();
    await tick();
    expect(q(root, 'wrapup-status').textContent).toBe(
      'Not saved: You can wrap up only your own calls',
    );
  });
});
