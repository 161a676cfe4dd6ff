// @vitest-environment happy-dom
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setLanguage } from '../i18n';
import { HistoryPage } from './HistoryPage';

const item = (uuid: string, extra: Record<string, unknown> = {}) => ({
  uuid,
  createdAt: Date.UTC(2026, 10, 2, 9),
  agent: 'ava',
  direction: 'outbound',
  status: 'completed',
  from: '+14155550100',
  to: '+14155552671',
  contactName: 'Ava Thompson',
  duration: 60,
  answeredAt: 1,
  disposition: 'Interested',
  notes: null,
  ...extra,
});

describe('HistoryPage', () => {
  let root: HTMLElement;
  const requested: string[] = [];

  beforeEach(() => {
    setLanguage('en');
    requested.length = 0;
    vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
      const url = String(input);
      requested.push(url);
      expect(init?.credentials).toBe('same-origin');
      if (url.startsWith('/api/admin/history/c-1'))
        return Response.json({
          call: { ...item('c-1'), notes: 'Call back Tuesday', pageUrl: null, followUpOn: null },
          legs: [{ uuid: 'leg-2', status: 'answered', from: 'a', to: 'b' }],
          timeline: [{ at: 1, source: 'vonage', status: 'started', leg: 'c-1' }],
        });
      const after = new URL(url, 'http://x').searchParams.get('after');
      return Response.json(
        after
          ? { items: [item('c-2')], nextCursor: null, prevCursor: 'P' }
          : { items: [item('c-1')], nextCursor: 'N', prevCursor: null },
      );
    });
    root = document.createElement('div');
    document.body.append(root);
  });
  afterEach(() => {
    render(null, root);
    root.remove();
  });

  const settle = async () => {
    for (let i = 0; i < 5; i++) await act(() => new Promise((r) => setTimeout(r, 0)));
  };
  const rows = () => [...root.querySelectorAll('tbody tr')].map((r) => r.getAttribute('data-uuid'));

  it('searches with the filters, pages by cursor and links the export with the same filters', async () => {
    await act(() => render(<HistoryPage />, root));
    await settle();
    expect(requested[0]).toBe('/api/admin/history?limit=50');
    expect(rows()).toEqual(['c-1']);
    const set = async (selector: string, value: string) =>
      act(() => {
        const input = root.querySelector<HTMLInputElement>(selector)!;
        input.value = value;
        input.dispatchEvent(new Event('input', { bubbles: true }));
      });
    await set('input[name="q"]', 'thompson');
    await set('input[name="agent"]', 'ava');
    await set('input[name="from"]', '2026-11-01');
    await act(() => {
      root.querySelector('form')!.dispatchEvent(new Event('submit', { cancelable: true }));
    });
    await settle();
    expect(requested.at(-1)).toBe(
      '/api/admin/history?q=thompson&from=2026-11-01&agent=ava&limit=50',
    );
    expect(root.querySelector<HTMLAnchorElement>('a[download]')!.getAttribute('href')).toBe(
      '/api/admin/calls/export?format=csv&from=2026-11-01&agent=ava',
    );
    const [newer, older] = [...root.querySelectorAll<HTMLButtonElement>('.admin-paging button')];
    expect(newer!.disabled).toBe(true);
    await act(() => older!.click());
    await settle();
    expect(requested.at(-1)).toMatch(/&after=N&limit=50$/);
    expect(rows()).toEqual(['c-2']);
  });

  it("opens a call's detail: notes, legs and timeline", async () => {
    await act(() => render(<HistoryPage />, root));
    await settle();
    await act(() => root.querySelector<HTMLButtonElement>('tbody button')!.click());
    await settle();
    expect(requested.at(-1)).toBe('/api/admin/history/c-1');
    const detail = root.querySelector('.admin-detail')!;
    expect(detail.querySelector('.admin-notes')!.textContent).toBe('Call back Tuesday');
    expect(detail.querySelector('.admin-legs')!.textContent).toContain('leg-2: answered');
    expect(detail.querySelector('.admin-timeline')!.textContent).toContain('vonage · started');
  });
});
