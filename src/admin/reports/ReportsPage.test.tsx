// @vitest-environment happy-dom
import { Chart } from 'chart.js';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ReportsPage } from './ReportsPage';
import { setLanguage } from '../i18n';

const ANSWERS: Record<string, unknown[]> = {
  'per-day': [
    { day: '2026-11-02', agent: 'ava', calls: 4 },
    { day: '2026-11-02', agent: 'ben', calls: 2 },
    { day: '2026-11-03', agent: 'ava', calls: 1 },
  ],
  agents: [
    { agent: 'ava', calls: 5, answered: 4, answerRate: 0.8, talkSeconds: 400, avgTalkSeconds: 100 },
    { agent: 'ben', calls: 2, answered: 1, answerRate: 0.5, talkSeconds: 30, avgTalkSeconds: 30 },
  ],
  hours: [
    { weekday: 0, hour: 9, calls: 5 },
    { weekday: 1, hour: 14, calls: 2 },
  ],
  outcomes: [
    { outcome: 'Interested', calls: 4 },
    { outcome: 'busy', calls: 3 },
  ],
};

/** Happy-dom has no 2D canvas: a context that records what Chart.js draws (the test's eyes). */
function recordingContext(canvas: HTMLCanvasElement, calls: string[]): CanvasRenderingContext2D {
  const target = { canvas, calls };
  return new Proxy(target, {
    get(obj, key) {
      if (key in obj) return obj[key as keyof typeof obj];
      if (key === 'measureText') return (text: string) => ({ width: text.length * 6 });
      if (key === 'getImageData') return () => ({ data: new Uint8ClampedArray(4) });
      if (key === 'createLinearGradient' || key === 'createPattern')
        return () => ({ addColorStop() {} });
      if (key === 'getLineDash') return () => [];
      if (typeof key === 'string' && /^[a-z]/.test(key))
        return (...args: unknown[]) => {
          calls.push(key);
          void args;
        };
      return undefined;
    },
    set() {
      return true;
    },
  }) as unknown as CanvasRenderingContext2D;
}

describe('ReportsPage', () => {
  let root: HTMLElement;
  let drawn: string[];
  const requested: string[] = [];

  beforeEach(() => {
    setLanguage('en');
    drawn = [];
    requested.length = 0;
    vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockImplementation(function (
      this: HTMLCanvasElement,
    ) {
      return recordingContext(this, drawn) as never;
    });
    vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
      const url = String(input);
      requested.push(url);
      expect(init?.credentials).toBe('same-origin');
      const name = /\/api\/admin\/reports\/([a-z-]+)/.exec(url)?.[1] ?? '';
      return new Response(JSON.stringify({ from: 0, to: 1, tz: 'UTC', rows: ANSWERS[name] }), {
        status: name in ANSWERS ? 200 : 404,
      });
    });
    root = document.createElement('div');
    document.body.append(root);
  });
  afterEach(() => {
    render(null, root);
    root.remove();
  });

  async function settle() {
    for (let i = 0; i < 5; i++) await act(() => new Promise((r) => setTimeout(r, 0)));
  }

  it('fetches the four reports for the range and draws each as a chart with its data', async () => {
    await act(() => render(<ReportsPage />, root));
    await settle();
    expect(requested.map((u) => u.split('?')[0])).toEqual([
      '/api/admin/reports/per-day',
      '/api/admin/reports/agents',
      '/api/admin/reports/hours',
      '/api/admin/reports/outcomes',
    ]);
    expect(requested[0]).toMatch(/from=\d{4}-\d{2}-\d{2}&to=\d{4}-\d{2}-\d{2}&tz=/);
    const canvases = [...root.querySelectorAll('canvas')];
    expect(canvases).toHaveLength(4);
    const charts = canvases.map((c) => Chart.getChart(c)!);
    expect(charts.map((c) => (c.config as { type: string }).type)).toEqual([
      'bar',
      'bar',
      'scatter',
      'doughnut',
    ]);
    // Stacked bars: one dataset per agent, a value per day.
    expect(charts[0]!.data.labels).toEqual(['2026-11-02', '2026-11-03']);
    expect(charts[0]!.data.datasets.map((d) => [d.label, d.data])).toEqual([
      ['ava', [4, 1]],
      ['ben', [2, 0]],
    ]);
    expect(charts[1]!.data.datasets.map((d) => d.data)).toEqual([
      [80, 50],
      [100, 30],
    ]);
    // The heat map has all 168 cells; Monday 09:00 holds 5.
    const cells = charts[2]!.data.datasets[0]!.data as { x: number; y: number; v: number }[];
    expect(cells).toHaveLength(168);
    expect(cells.find((c) => c.x === 9 && c.y === 0)?.v).toBe(5);
    expect(charts[3]!.data.datasets[0]!.data).toEqual([4, 3]);
    // And they paint: happy-dom lays nothing out (every box is 0 × 0), so give them a size.
    for (const chart of charts) chart.resize(600, 300);
    expect(drawn.filter((c) => c === 'fill' || c === 'fillRect').length).toBeGreaterThan(20);
  });

  it('downloads a chart as a PNG data URL and its data as CSV', async () => {
    vi.spyOn(HTMLCanvasElement.prototype, 'toDataURL').mockReturnValue(
      'data:image/png;base64,iVBORw0KGgo=',
    );
    await act(() => render(<ReportsPage />, root));
    await settle();
    const card = root.querySelector('[data-chart="outcomes"]')!;
    const [png, csv] = [...card.querySelectorAll('a')] as HTMLAnchorElement[];
    png!.addEventListener('click', (e) => e.preventDefault());
    csv!.addEventListener('click', (e) => e.preventDefault());
    png!.click();
    expect(png!.getAttribute('download')).toBe('outcomes.png');
    expect(png!.href).toMatch(/^data:image\/png;base64,/);
    csv!.click();
    expect(decodeURIComponent(csv!.href.split(',').slice(1).join(','))).toBe(
      '\uFEFFoutcome,calls\r\nInterested,4\r\nbusy,3\r\n',
    );
  });

  it.each([
    [
      'calls-per-day',
      'day,agent,calls\r\n2026-11-02,ava,4\r\n2026-11-02,ben,2\r\n2026-11-03,ava,1\r\n',
    ],
    [
      'agents',
      'agent,calls,answered,answer_rate,talk_seconds,avg_talk_seconds\r\nava,5,4,0.8,400,100\r\nben,2,1,0.5,30,30\r\n',
    ],
    ['busiest-hours', 'weekday,hour,calls\r\nMon,9,5\r\nTue,14,2\r\n'],
    ['outcomes', 'outcome,calls\r\nInterested,4\r\nbusy,3\r\n'],
  ])('%s: downloads its chart as PNG and its data as CSV', async (id, csvText) => {
    const toPng = vi
      .spyOn(HTMLCanvasElement.prototype, 'toDataURL')
      .mockReturnValue('data:image/png;base64,iVBORw0KGgo=');
    await act(() => render(<ReportsPage />, root));
    await settle();
    const card = root.querySelector(`[data-chart="${id}"]`)!;
    const [png, csv] = [...card.querySelectorAll('a')] as HTMLAnchorElement[];
    for (const link of [png!, csv!]) link.addEventListener('click', (e) => e.preventDefault());
    png!.click();
    expect(png!.getAttribute('download')).toBe(`${id}.png`);
    expect(png!.href).toBe('data:image/png;base64,iVBORw0KGgo=');
    // The PNG is this card's canvas, not another chart's.
    expect(toPng.mock.contexts.at(-1)).toBe(card.querySelector('canvas'));
    csv!.click();
    expect(csv!.getAttribute('download')).toBe(`${id}.csv`);
    expect(decodeURIComponent(csv!.href.split(',').slice(1).join(','))).toBe(`\uFEFF${csvText}`);
  });

  it('draws the charts again in the new colours when the system switches light/dark', async () => {
    // The system's choice: a media query list the test flips (happy-dom's never changes).
    const dark = new EventTarget() as EventTarget & { matches: boolean; media: string };
    dark.matches = false;
    dark.media = '(prefers-color-scheme: dark)';
    vi.spyOn(window, 'matchMedia').mockImplementation((query: string) => {
      expect(query).toBe('(prefers-color-scheme: dark)');
      return dark as unknown as MediaQueryList;
    });
    const page = document.documentElement.style;
    page.setProperty('--c2c-fg', '#111827');
    page.setProperty('--c2c-bg', '#ffffff');
    try {
      await act(() => render(<ReportsPage />, root));
      await settle();
      const colours = () =>
        [...root.querySelectorAll('canvas')].map((c) => {
          const chart = Chart.getChart(c)!;
          return [chart.options.color, chart.options.plugins?.legend?.labels?.color as string];
        });
      expect(colours()).toEqual(Array(4).fill(['#111827', '#111827']));
      // What src/ui/styles.ts's dark block does to the page's variables, then the query's event.
      page.setProperty('--c2c-fg', '#f9fafb');
      page.setProperty('--c2c-bg', '#1f2937');
      dark.matches = true;
      await act(() => {
        dark.dispatchEvent(new Event('change'));
      });
      expect(colours()).toEqual(Array(4).fill(['#f9fafb', '#f9fafb']));
      // The doughnut's slice borders take the page's background.
      const doughnut = Chart.getChart(root.querySelectorAll('canvas')[3]!)!;
      expect(doughnut.data.datasets[0]!.borderColor).toBe('#1f2937');
    } finally {
      page.removeProperty('--c2c-fg');
      page.removeProperty('--c2c-bg');
    }
  });

  it('asks again for a new range and shows a refusal', async () => {
    await act(() => render(<ReportsPage />, root));
    await settle();
    vi.mocked(fetch).mockResolvedValue(
      new Response(JSON.stringify({ error: 'A report covers at most 400 days' }), { status: 400 }),
    );
    const from = root.querySelector<HTMLInputElement>('input[name="from"]')!;
    await act(() => {
      from.value = '2020-01-01';
      from.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await act(() => {
      root.querySelector('form')!.dispatchEvent(new Event('submit', { cancelable: true }));
    });
    await settle();
    expect(vi.mocked(fetch).mock.calls.at(-1)![0]).toMatch(/from=2020-01-01/);
    expect(root.querySelector('[role="alert"]')?.textContent).toBe(
      'Could not load: A report covers at most 400 days',
    );
  });
});
