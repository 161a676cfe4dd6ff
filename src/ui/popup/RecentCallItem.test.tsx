// @vitest-environment happy-dom
// One row of recent calls, as each provider's history record leaves it: name, number and
// extension, direction, outcome, duration, the missed mark, call back and the wrap-up editor.
import { render } from 'preact';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { mergeAll } from '../../locales/merge';
import type { RecentCall } from '../../messaging/background';
import { RecentCallItem } from './RecentCallItem';

const english = mergeAll('src/locales').en!;
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));
const T0 = Date.UTC(2026, 11, 1, 9, 30);

beforeEach(() => {
  fakeBrowser.reset();
  vi.spyOn(fakeBrowser.i18n, 'getMessage').mockImplementation(((key: string, subs?: string[]) => {
    const values = [subs ?? []].flat();
    return (english[key]?.message ?? '')
      .replace(/\$(VALUE|A)\$/g, values[0] ?? '')
      .replace(/\$B\$/g, values[1] ?? '');
  }) as never);
  vi.spyOn(fakeBrowser.i18n, 'getUILanguage').mockReturnValue('en');
  vi.spyOn(fakeBrowser.runtime, 'sendMessage').mockImplementation((async (message: {
    type: string;
  }) => {
    if (message.type === 'dispositions')
      return { ok: true, result: { items: ['Connected', 'Follow up'], requireOutcome: false } };
    if (message.type === 'wrapupDraft') return { ok: true, result: { draft: null } };
    return { ok: false, error: { code: 'internal' } };
  }) as never);
});

function recent(extra: Partial<RecentCall> = {}): RecentCall {
  return {
    uuid: 'call-0001',
    direction: 'outbound',
    status: 'completed',
    createdAt: T0,
    answeredAt: T0 + 5_000,
    endedAt: T0 + 70_000,
    duration: 65,
    contactName: null,
    extension: null,
    outcome: null,
    notes: null,
    followUpOn: null,
    remote: 'tel:+14155552671',
    ...extra,
  };
}

async function mount(item: RecentCall, props: { live?: boolean; editing?: boolean } = {}) {
  const root = document.createElement('ul');
  document.body.append(root);
  render(
    <RecentCallItem
      item={item}
      live={props.live ?? false}
      call={vi.fn(async () => undefined)}
      dates={new Intl.DateTimeFormat('en', { timeZone: 'UTC', timeStyle: 'short' })}
      editing={props.editing ?? false}
      toggleEditing={() => undefined}
      onSaved={() => undefined}
    />,
    root,
  );
  await tick();
  await tick();
  return root;
}
const text = (root: Element, id: string) =>
  root.querySelector(`[data-testid=${id}]`)?.textContent ?? null;
const buttons = (root: Element) =>
  [...root.querySelectorAll('button')].map((b) => b.getAttribute('aria-label') ?? b.textContent);

describe('RecentCallItem', () => {
  it('shows a named Vonage call’s name, number with its extension, direction, outcome, duration and wrap-up', async () => {
    const root = await mount(
      recent({
        remote: '14155552671',
        contactName: 'Ada Lovelace',
        extension: '12',
        outcome: 'Connected',
        followUpOn: '2026-12-04',
      }),
    );
    expect(text(root, 'recent-name')).toBe('Ada Lovelace');
    expect(text(root, 'recent-number')).toBe('+1 415 555 2671 ext. 12');
    expect(root.querySelector('.sr-only')?.textContent?.trim()).toBe('Outgoing call to');
    expect(text(root, 'recent-detail')).toBe(
      '9:30 AM · answered · 01:05 · Connected · follow up Dec 4, 2026',
    );
    expect(buttons(root)).toEqual([
      'Edit the notes and outcome of the call with Ada Lovelace',
      'Call back Ada Lovelace',
    ]);
  });

  it('shows a number without a name, extension included', async () => {
    const root = await mount(recent({ extension: '7' }));
    expect(text(root, 'recent-name')).toBe('+1 415 555 2671 ext. 7');
    expect(text(root, 'recent-number')).toBeNull();
  });

  it.each([
    ['outbound', 'completed', 'answered'],
    ['outbound', 'busy', 'busy'],
    ['outbound', 'unanswered', 'no answer'],
    ['outbound', 'cancelled', 'no answer'],
    ['outbound', 'failed', 'failed'],
    ['outbound', 'refused', 'refused by policy'],
    ['inbound', 'missed', 'missed'],
    ['inbound', 'busy', 'missed'],
  ] as const)('%s %s reads “%s”', async (direction, status, word) => {
    const answered = status === 'completed';
    const root = await mount(
      recent({
        direction,
        status,
        answeredAt: answered ? T0 + 5_000 : null,
        duration: answered ? 65 : 0,
      }),
    );
    const detail = text(root, 'recent-detail')!;
    expect(detail.split(' · ')[1]).toBe(word);
    // Only an answered call has a talk time.
    expect(detail.includes('01:05')).toBe(answered);
  });

  it('marks a missed inbound Vonage call and offers to call the caller back', async () => {
    const root = await mount(
      recent({ direction: 'inbound', status: 'missed', remote: '447400123456', answeredAt: null }),
    );
    const row = root.querySelector('[data-testid=recent-call]')!;
    expect(row.getAttribute('data-missed')).toBe('true');
    expect(text(root, 'recent-missed')?.trim()).toBe('Missed');
    expect(root.querySelector('.sr-only')?.textContent?.trim()).toBe('Incoming call from');
    expect(text(root, 'recent-name')).toBe('+44 7400 123456');
    const back = [...root.querySelectorAll('button')].find(
      (b) => b.getAttribute('aria-label') === 'Call back +44 7400 123456',
    )!;
    expect(back.className).toBe('primary');
    expect(back.disabled).toBe(false);
  });

  it('names a CleverTap caller and calls their cuid back; not while another call is live', async () => {
    const root = await mount(
      recent({ direction: 'inbound', remote: 'cuid:caller_42', contactName: 'Zoë Müller' }),
      { live: true },
    );
    expect(text(root, 'recent-name')).toBe('Zoë Müller');
    expect(text(root, 'recent-number')).toBe('caller_42');
    const back = [...root.querySelectorAll('button')].find(
      (b) => b.getAttribute('aria-label') === 'Call back Zoë Müller',
    )!;
    expect(back.disabled).toBe(true);
  });

  it('offers no wrap-up while the call is on, and opens the saved notes for editing later', async () => {
    expect(
      buttons(await mount(recent({ status: 'answered', endedAt: null, duration: null }))),
    ).toEqual(['Call back +1 415 555 2671']);
    const root = await mount(recent({ outcome: 'Follow up', notes: 'Quote sent' }), {
      editing: true,
    });
    await tick();
    expect(root.querySelector<HTMLTextAreaElement>('[data-testid=wrapup-notes]')?.value).toBe(
      'Quote sent',
    );
    expect(root.querySelector<HTMLSelectElement>('[data-testid=wrapup-outcome]')?.value).toBe(
      'Follow up',
    );
  });
});
