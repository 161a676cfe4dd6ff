// The admin console's Reports tab: a date range (and time zone), then four charts, each with its
// PNG and CSV. Reads GET /api/admin/reports/{per-day,agents,hours,outcomes}.
import { useCallback, useEffect, useState } from 'preact/hooks';
import { ChartCard } from './ChartCard';
import {
  agentLabel,
  agentsChart,
  hoursChart,
  outcomesChart,
  pageTheme,
  perDayChart,
  weekdayNames,
} from './charts';
import { fetchJson, queryString } from './fetchJson';
import { t } from '../i18n';
import type { AgentRow, HourRow, OutcomeRow, PerDayRow, Report } from './types';

interface Data {
  perDay: PerDayRow[];
  agents: AgentRow[];
  hours: HourRow[];
  outcomes: OutcomeRow[];
}

const DAY = 86_400_000;

function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function browserZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

export function ReportsPage() {
  const [from, setFrom] = useState(() => isoDay(Date.now() - 29 * DAY));
  const [to, setTo] = useState(() => isoDay(Date.now()));
  const [tz, setTz] = useState(browserZone);
  const [asked, setAsked] = useState({ from, to, tz });
  const [data, setData] = useState<Data | undefined>();
  const [error, setError] = useState<string | undefined>();

  useEffect(() => {
    const controller = new AbortController();
    const query = queryString(asked);
    const get = <R,>(name: string) =>
      fetchJson<Report<R>>(`/api/admin/reports/${name}${query}`, {
        signal: controller.signal,
      }).then((r) => r.rows);
    setError(undefined);
    Promise.all([
      get<PerDayRow>('per-day'),
      get<AgentRow>('agents'),
      get<HourRow>('hours'),
      get<OutcomeRow>('outcomes'),
    ]).then(
      ([perDay, agents, hours, outcomes]) => setData({ perDay, agents, hours, outcomes }),
      (e: Error) => {
        if (!controller.signal.aborted) setError(e.message);
      },
    );
    return () => controller.abort();
  }, [asked]);

  return (
    <main class="admin-reports">
      <h1>{t('adminReportsTitle')}</h1>
      <form
        class="row"
        aria-label={t('adminReportsRange')}
        onSubmit={(e) => {
          e.preventDefault();
          setAsked({ from, to, tz });
        }}
      >
        <label>
          {t('adminHistoryFrom')}
          <input
            type="date"
            name="from"
            value={from}
            max={to}
            onInput={(e) => setFrom(e.currentTarget.value)}
          />
        </label>
        <label>
          {t('adminHistoryTo')}
          <input
            type="date"
            name="to"
            value={to}
            min={from}
            onInput={(e) => setTo(e.currentTarget.value)}
          />
        </label>
        <label>
          {t('adminReportsTimeZone')}
          <input name="tz" value={tz} onInput={(e) => setTz(e.currentTarget.value)} />
        </label>
        <button type="submit" class="primary">
          {t('adminReportsShow')}
        </button>
      </form>
      {error && (
        <p class="error" role="alert">
          {t('adminReportsFailed', error)}
        </p>
      )}
      {data && <Charts data={data} />}
    </main>
  );
}

/** The four charts of one answer. */
function Charts({ data }: { data: Data }) {
  const perDay = useCallback(() => perDayChart(data!.perDay, pageTheme()), [data]);
  const agents = useCallback(() => agentsChart(data!.agents, pageTheme()), [data]);
  const hours = useCallback(() => hoursChart(data!.hours, pageTheme()), [data]);
  const outcomes = useCallback(() => outcomesChart(data!.outcomes, pageTheme()), [data]);

  return (
    <div class="admin-charts">
      <ChartCard
        id="calls-per-day"
        title={t('adminReportsPerDay')}
        empty={!data.perDay.length}
        config={perDay}
        table={() => ({
          header: ['day', 'agent', 'calls'],
          rows: data.perDay.map((r) => [r.day, r.agent, r.calls]),
        })}
      />
      <ChartCard
        id="agents"
        title={t('adminReportsAgents')}
        empty={!data.agents.length}
        config={agents}
        table={() => ({
          header: ['agent', 'calls', 'answered', 'answer_rate', 'talk_seconds', 'avg_talk_seconds'],
          rows: data.agents.map((r) => [
            agentLabel(r.agent),
            r.calls,
            r.answered,
            Math.round(r.answerRate * 10000) / 10000,
            r.talkSeconds,
            Math.round(r.avgTalkSeconds * 10) / 10,
          ]),
        })}
      />
      <ChartCard
        id="busiest-hours"
        title={t('adminReportsHours')}
        empty={!data.hours.length}
        config={hours}
        table={() => ({
          header: ['weekday', 'hour', 'calls'],
          rows: data.hours.map((r) => [weekdayNames()[r.weekday] ?? r.weekday, r.hour, r.calls]),
        })}
      />
      <ChartCard
        id="outcomes"
        title={t('adminReportsOutcomes')}
        empty={!data.outcomes.length}
        config={outcomes}
        table={() => ({
          header: ['outcome', 'calls'],
          rows: data.outcomes.map((r) => [r.outcome, r.calls]),
        })}
      />
    </div>
  );
}
