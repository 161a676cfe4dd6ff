// The four report charts as Chart.js configurations (only the controllers they use are registered,
// which keeps the page's bundle small), coloured from the page's CSS variables (light or dark).
import {
  ArcElement,
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  DoughnutController,
  Legend,
  LinearScale,
  PointElement,
  ScatterController,
  Tooltip,
  type ChartConfiguration,
  type Plugin,
} from 'chart.js';
import type { AgentRow, HourRow, OutcomeRow, PerDayRow } from './types';
import { t } from '../i18n';

Chart.register(
  ArcElement,
  BarController,
  BarElement,
  CategoryScale,
  DoughnutController,
  Legend,
  LinearScale,
  PointElement,
  ScatterController,
  Tooltip,
);

export interface Theme {
  fg: string;
  muted: string;
  border: string;
  bg: string;
  accent: string;
}

/** The page's colours (src/ui/page.css variables), read when a chart is drawn. */
export function pageTheme(doc: Document = document): Theme {
  const style = doc.defaultView?.getComputedStyle(doc.documentElement);
  const read = (name: string, fallback: string) => style?.getPropertyValue(name).trim() || fallback;
  return {
    fg: read('--c2c-fg', '#111827'),
    muted: read('--c2c-muted', '#4b5563'),
    border: read('--c2c-border', '#d1d5db'),
    bg: read('--c2c-bg', '#ffffff'),
    accent: read('--c2c-accent', '#15803d'),
  };
}

/** Distinct colours that read on light and dark backgrounds (Tableau 10). */
const PALETTE = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
];

export const agentLabel = (agent: string | null) => agent ?? t('adminReportsNoAgent');

/** Paints the canvas with the page's background first, so a downloaded PNG is not transparent. */
function background(theme: Theme): Plugin {
  return {
    id: 'c2cBackground',
    beforeDraw(chart) {
      const { ctx, width, height } = chart;
      ctx.save();
      ctx.fillStyle = theme.bg;
      ctx.fillRect(0, 0, width, height);
      ctx.restore();
    },
  };
}

function base(theme: Theme) {
  return {
    responsive: true,
    maintainAspectRatio: false,
    animation: false as const,
    color: theme.fg,
    borderColor: theme.border,
    plugins: { legend: { labels: { color: theme.fg } } },
  };
}

function axis(theme: Theme, extra: Record<string, unknown> = {}) {
  return {
    ticks: { color: theme.muted },
    grid: { color: theme.border },
    ...extra,
  };
}

/** Stacked bars: calls per day, one colour per agent. */
export function perDayChart(rows: PerDayRow[], theme: Theme): ChartConfiguration<'bar'> {
  const days = [...new Set(rows.map((r) => r.day))].sort();
  const agents = [...new Set(rows.map((r) => r.agent))].sort((a, b) =>
    agentLabel(a).localeCompare(agentLabel(b)),
  );
  const index = new Map(days.map((d, i) => [d, i]));
  return {
    type: 'bar',
    data: {
      labels: days,
      datasets: agents.map((agent, i) => {
        const data = days.map(() => 0);
        for (const r of rows) if (r.agent === agent) data[index.get(r.day)!] = r.calls;
        return { label: agentLabel(agent), data, backgroundColor: PALETTE[i % PALETTE.length]! };
      }),
    },
    options: {
      ...base(theme),
      scales: {
        x: axis(theme, { stacked: true }),
        y: axis(theme, { stacked: true, beginAtZero: true }),
      },
    },
    plugins: [background(theme)],
  };
}

/** Answer rate (left axis, %) and average talk time (right axis, seconds) per agent. */
export function agentsChart(rows: AgentRow[], theme: Theme): ChartConfiguration<'bar'> {
  return {
    type: 'bar',
    data: {
      labels: rows.map((r) => agentLabel(r.agent)),
      datasets: [
        {
          label: t('adminReportsAnswerRate'),
          data: rows.map((r) => Math.round(r.answerRate * 1000) / 10),
          backgroundColor: PALETTE[0]!,
          yAxisID: 'rate',
        },
        {
          label: t('adminReportsAvgTalk'),
          data: rows.map((r) => Math.round(r.avgTalkSeconds)),
          backgroundColor: PALETTE[1]!,
          yAxisID: 'talk',
        },
      ],
    },
    options: {
      ...base(theme),
      scales: {
        x: axis(theme),
        rate: axis(theme, { position: 'left', min: 0, max: 100 }),
        talk: axis(theme, { position: 'right', beginAtZero: true, grid: { display: false } }),
      },
    },
    plugins: [background(theme)],
  };
}

export function weekdayNames(): string[] {
  return t('adminWeekdayShort').split(',');
}

/** A heat map of weekday × hour: one square per cell, darker for more calls. */
export function hoursChart(rows: HourRow[], theme: Theme): ChartConfiguration<'scatter'> {
  const counts = new Map(rows.map((r) => [r.weekday * 24 + r.hour, r.calls]));
  const max = Math.max(1, ...rows.map((r) => r.calls));
  const cells: { x: number; y: number; v: number }[] = [];
  for (let weekday = 0; weekday < 7; weekday++)
    for (let hour = 0; hour < 24; hour++)
      cells.push({ x: hour, y: weekday, v: counts.get(weekday * 24 + hour) ?? 0 });
  const names = weekdayNames();
  const alpha = (v: number) =>
    Math.round((v ? 0.12 + 0.88 * (v / max) : 0.04) * 255)
      .toString(16)
      .padStart(2, '0');
  return {
    type: 'scatter',
    data: {
      datasets: [
        {
          label: t('adminReportsCalls'),
          data: cells,
          pointStyle: 'rect',
          pointRadius: 9,
          pointHoverRadius: 10,
          backgroundColor: cells.map((c) => `${PALETTE[0]}${alpha(c.v)}`),
          borderWidth: 0,
        },
      ],
    },
    options: {
      ...base(theme),
      plugins: {
        legend: { display: false },
        tooltip: {
          callbacks: {
            label: (item) => {
              const cell = item.raw as { x: number; y: number; v: number };
              return `${names[cell.y]} ${String(cell.x).padStart(2, '0')}:00 — ${cell.v}`;
            },
          },
        },
      },
      scales: {
        // The axes run half a cell past each end so the squares fit; ticks sit on the cells.
        x: axis(theme, {
          min: -0.5,
          max: 23.5,
          afterBuildTicks: (scale: { ticks: { value: number }[] }) => {
            scale.ticks = Array.from({ length: 24 }, (_, value) => ({ value }));
          },
          ticks: { color: theme.muted, callback: (v: number | string) => String(v) },
        }),
        y: axis(theme, {
          min: -0.5,
          max: 6.5,
          reverse: true,
          afterBuildTicks: (scale: { ticks: { value: number }[] }) => {
            scale.ticks = Array.from({ length: 7 }, (_, value) => ({ value }));
          },
          ticks: {
            color: theme.muted,
            stepSize: 1,
            callback: (v: number | string) => names[Number(v)] ?? '',
          },
        }),
      },
    },
    plugins: [background(theme)],
  };
}

/** The outcomes split as a doughnut. */
export function outcomesChart(rows: OutcomeRow[], theme: Theme): ChartConfiguration<'doughnut'> {
  return {
    type: 'doughnut',
    data: {
      labels: rows.map((r) => r.outcome),
      datasets: [
        {
          label: t('adminReportsCalls'),
          data: rows.map((r) => r.calls),
          backgroundColor: rows.map((_, i) => PALETTE[i % PALETTE.length]!),
          borderColor: theme.bg,
        },
      ],
    },
    options: {
      ...base(theme),
      plugins: { legend: { position: 'right', labels: { color: theme.fg } } },
    },
    plugins: [background(theme)],
  };
}
