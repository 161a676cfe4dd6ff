// One report chart: a canvas drawn with Chart.js, its PNG and its data as CSV to download.
import { Chart, type ChartConfiguration } from 'chart.js';
import { useEffect, useRef } from 'preact/hooks';
import { csvDataUrl, toCsv } from './csv';
import { useColorScheme } from './useColorScheme';
import { t } from '../i18n';

export interface ChartCardProps {
  id: string;
  title: string;
  /** Builds the chart (called again whenever the data or the system's light/dark choice changes). */
  config: () => ChartConfiguration;
  /** The chart's data as a table. */
  table: () => { header: string[]; rows: (string | number | null)[][] };
  empty: boolean;
}

export function ChartCard({ id, title, config, table, empty }: ChartCardProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  // The page's colours follow the system (src/ui/styles.ts); a drawn chart keeps its own: redraw it.
  const scheme = useColorScheme();
  useEffect(() => {
    if (!canvas.current || empty) return;
    const chart = new Chart(canvas.current, config());
    return () => chart.destroy();
  }, [config, empty, scheme]);

  /** Fills the link's href just before the browser follows it. */
  const png = (event: MouseEvent) => {
    const link = event.currentTarget as HTMLAnchorElement;
    const c = canvas.current;
    const chart = c ? Chart.getChart(c) : undefined;
    link.href = chart ? chart.toBase64Image('image/png', 1) : (c?.toDataURL('image/png') ?? '');
  };
  const csv = (event: MouseEvent) => {
    const { header, rows } = table();
    (event.currentTarget as HTMLAnchorElement).href = csvDataUrl(toCsv(header, rows));
  };

  return (
    <section class="admin-chart" aria-labelledby={`${id}-title`} data-chart={id}>
      <div class="row admin-chart-head">
        <h2 id={`${id}-title`}>{title}</h2>
        {!empty && (
          <span class="row">
            <a class="button" href="#" download={`${id}.png`} onClick={png}>
              {t('adminReportsPng')}
            </a>
            <a class="button" href="#" download={`${id}.csv`} onClick={csv}>
              {t('adminReportsCsv')}
            </a>
          </span>
        )}
      </div>
      {empty ? (
        <p class="muted">{t('adminReportsNoData')}</p>
      ) : (
        <div class="admin-chart-canvas">
          <canvas ref={canvas} role="img" aria-label={title} />
        </div>
      )}
    </section>
  );
}
