// The admin console's History tab: everyone's calls searched and filtered, paged with the API's
// cursors, one call's detail (legs, timeline, notes), and the CSV export of the same filters.
import { useEffect, useState } from 'preact/hooks';
import { fetchJson, queryString } from '../reports/fetchJson';
import { t } from '../i18n';
import type { CallDetail, HistoryItem, HistoryPage as Page } from '../reports/types';

export interface HistoryFilters {
  q: string;
  from: string;
  to: string;
  agent: string;
  direction: '' | 'inbound' | 'outbound';
  status: string;
  outcome: string;
}

const EMPTY: HistoryFilters = {
  q: '',
  from: '',
  to: '',
  agent: '',
  direction: '',
  status: '',
  outcome: '',
};

/** The export (GET /api/admin/calls/export) takes from, to, agent and status: the same filters. */
export function exportHref(f: HistoryFilters): string {
  return `/api/admin/calls/export${queryString({ format: 'csv', from: f.from, to: f.to, agent: f.agent, status: f.status })}`;
}

const time = (ms: number | null) => (ms === null ? '' : new Date(ms).toLocaleString());

export function HistoryPage() {
  const [draft, setDraft] = useState<HistoryFilters>(EMPTY);
  const [filters, setFilters] = useState<HistoryFilters>(EMPTY);
  const [cursor, setCursor] = useState<{ after?: string; before?: string }>({});
  const [page, setPage] = useState<Page | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [open, setOpen] = useState<string | undefined>();

  useEffect(() => {
    const controller = new AbortController();
    setError(undefined);
    fetchJson<Page>(`/api/admin/history${queryString({ ...filters, ...cursor, limit: 50 })}`, {
      signal: controller.signal,
    }).then(setPage, (e: Error) => {
      if (!controller.signal.aborted) setError(e.message);
    });
    return () => controller.abort();
  }, [filters, cursor]);

  return (
    <main class="admin-history">
      <h1>{t('adminHistoryTitle')}</h1>
      <Filters
        value={draft}
        onChange={setDraft}
        onSubmit={() => {
          setFilters(draft);
          setCursor({});
        }}
      />
      <p>
        <a class="button" href={exportHref(filters)} download>
          {t('adminHistoryExport')}
        </a>
      </p>
      {error && (
        <p class="error" role="alert">
          {t('adminReportsFailed', error)}
        </p>
      )}
      {!page && !error && <p class="muted">{t('adminHistoryLoading')}</p>}
      {page && <Table items={page.items} onOpen={setOpen} />}
      {page && (
        <div class="row admin-paging">
          <button
            type="button"
            disabled={!page.prevCursor}
            onClick={() => setCursor({ before: page.prevCursor! })}
          >
            {t('adminHistoryNewer')}
          </button>
          <button
            type="button"
            disabled={!page.nextCursor}
            onClick={() => setCursor({ after: page.nextCursor! })}
          >
            {t('adminHistoryOlder')}
          </button>
        </div>
      )}
      {open && <Detail uuid={open} onClose={() => setOpen(undefined)} />}
    </main>
  );
}

function Filters(props: {
  value: HistoryFilters;
  onChange: (f: HistoryFilters) => void;
  onSubmit: () => void;
}) {
  const { value, onChange } = props;
  const field = (name: keyof HistoryFilters) => ({
    name,
    value: value[name],
    onInput: (e: Event) =>
      onChange({ ...value, [name]: (e.currentTarget as HTMLInputElement).value }),
  });
  return (
    <form
      class="row"
      role="search"
      onSubmit={(e) => {
        e.preventDefault();
        props.onSubmit();
      }}
    >
      <input
        type="search"
        aria-label={t('adminHistorySearch')}
        placeholder={t('adminHistorySearch')}
        maxLength={100}
        {...field('q')}
      />
      <label>
        {t('adminHistoryFrom')}
        <input type="date" {...field('from')} />
      </label>
      <label>
        {t('adminHistoryTo')}
        <input type="date" {...field('to')} />
      </label>
      <label>
        {t('adminHistoryAgent')}
        <input {...field('agent')} />
      </label>
      <label>
        {t('adminHistoryDirection')}
        <select {...field('direction')}>
          <option value="">{t('adminHistoryAny')}</option>
          <option value="inbound">{t('adminHistoryInbound')}</option>
          <option value="outbound">{t('adminHistoryOutbound')}</option>
        </select>
      </label>
      <label>
        {t('adminHistoryStatus')}
        <input placeholder="completed,busy" {...field('status')} />
      </label>
      <label>
        {t('adminHistoryOutcome')}
        <input {...field('outcome')} />
      </label>
      <button type="submit" class="primary">
        {t('adminHistoryApply')}
      </button>
    </form>
  );
}

function Table({ items, onOpen }: { items: HistoryItem[]; onOpen: (uuid: string) => void }) {
  if (!items.length) return <p class="muted">{t('adminHistoryEmpty')}</p>;
  return (
    <table class="admin-table">
      <thead>
        <tr>
          <th>{t('adminHistoryWhen')}</th>
          <th>{t('adminHistoryAgent')}</th>
          <th>{t('adminHistoryDirection')}</th>
          <th>{t('adminHistoryNumber')}</th>
          <th>{t('adminHistoryContact')}</th>
          <th>{t('adminHistoryStatus')}</th>
          <th>{t('adminHistoryOutcome')}</th>
          <th>{t('adminHistoryDuration')}</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {items.map((c) => (
          <tr key={c.uuid} data-uuid={c.uuid}>
            <td>{time(c.createdAt)}</td>
            <td>{c.agent}</td>
            <td>
              {c.direction === 'inbound' ? t('adminHistoryInbound') : t('adminHistoryOutbound')}
            </td>
            <td>
              {c.from} → {c.to}
            </td>
            <td>{c.contactName}</td>
            <td>{c.status}</td>
            <td>{c.disposition}</td>
            <td>{c.duration === null ? '' : `${c.duration} s`}</td>
            <td>
              <button type="button" onClick={() => onOpen(c.uuid)}>
                {t('adminHistoryOpen')}
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Detail({ uuid, onClose }: { uuid: string; onClose: () => void }) {
  const [detail, setDetail] = useState<CallDetail | undefined>();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    const controller = new AbortController();
    fetchJson<CallDetail>(`/api/admin/history/${encodeURIComponent(uuid)}`, {
      signal: controller.signal,
    }).then(setDetail, (e: Error) => {
      if (!controller.signal.aborted) setError(e.message);
    });
    return () => controller.abort();
  }, [uuid]);
  return (
    <section class="admin-chart admin-detail" aria-label={t('adminHistoryDetail')}>
      <div class="row admin-chart-head">
        <h2>{t('adminHistoryDetail')}</h2>
        <button type="button" onClick={onClose}>
          {t('adminHistoryClose')}
        </button>
      </div>
      {error && (
        <p class="error" role="alert">
          {t('adminReportsFailed', error)}
        </p>
      )}
      {detail && (
        <>
          <p>
            {detail.call.uuid} · {time(detail.call.createdAt)} · {detail.call.agent} ·{' '}
            {detail.call.status}
            {detail.call.pageUrl &&
              ` · ${t('adminHistoryPage')}: ${detail.call.pageTitle ?? detail.call.pageUrl}`}
            {detail.call.followUpOn && ` · ${t('adminHistoryFollowUp')} ${detail.call.followUpOn}`}
          </p>
          <h3>{t('adminHistoryNotes')}</h3>
          <p class="admin-notes">{detail.call.notes ?? t('adminHistoryNoNotes')}</p>
          <h3>{t('adminHistoryLegs')}</h3>
          {detail.legs.length ? (
            <ul class="admin-legs">
              {detail.legs.map((l) => (
                <li key={l.uuid}>
                  {l.uuid}: {l.status} ({l.from} → {l.to})
                </li>
              ))}
            </ul>
          ) : (
            <p class="muted">{t('adminHistoryNone')}</p>
          )}
          <h3>{t('adminHistoryTimeline')}</h3>
          {detail.timeline.length ? (
            <ol class="admin-timeline">
              {detail.timeline.map((e, i) => (
                <li key={i}>
                  {time(e.at)} · {e.source} · {e.status}
                  {e.leg ? ` (${e.leg})` : ''}
                </li>
              ))}
            </ol>
          ) : (
            <p class="muted">{t('adminHistoryNone')}</p>
          )}
        </>
      )}
    </section>
  );
}
