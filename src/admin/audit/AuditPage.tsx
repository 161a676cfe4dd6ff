// Audit log: newest first, filtered by who, action, target and dates; the same filter as CSV.
import { useEffect, useState } from 'preact/hooks';
import type { AuditEntry, AuditPage as Page } from '../../contract/admin';
import { api } from '../api';
import { TextField } from '../Field';
import { language, t } from '../i18n';
import { ErrorLine } from '../Message';

interface Filter {
  actor: string;
  action: string;
  target: string;
  from: string;
  to: string;
}
const EMPTY: Filter = { actor: '', action: '', target: '', from: '', to: '' };

/** The query string for a filter (dates as local days: from inclusive, to inclusive). */
export function auditQuery(filter: Filter, cursor?: number | null): string {
  const params = new URLSearchParams();
  for (const key of ['actor', 'action', 'target'] as const)
    if (filter[key].trim()) params.set(key, filter[key].trim());
  if (filter.from) params.set('from', String(new Date(`${filter.from}T00:00`).getTime()));
  if (filter.to) params.set('to', String(new Date(`${filter.to}T00:00`).getTime() + 86_400_000));
  if (cursor) params.set('cursor', String(cursor));
  return params.toString();
}

export function AuditPage() {
  const [filter, setFilter] = useState<Filter>(EMPTY);
  const [applied, setApplied] = useState<Filter>(EMPTY);
  const [items, setItems] = useState<AuditEntry[]>([]);
  const [next, setNext] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = async (f: Filter, cursor?: number | null) => {
    try {
      const { data } = await api<Page>(`/audit?${auditQuery(f, cursor)}`);
      setItems((old) => (cursor ? [...old, ...data.items] : data.items));
      setNext(data.nextCursor);
      setError(null);
    } catch (e) {
      setError(e);
    }
  };
  useEffect(() => void load(applied), [applied]);
  const set = (key: keyof Filter) => (value: string) => setFilter({ ...filter, [key]: value });
  const when = new Intl.DateTimeFormat(language.replace('_', '-'), {
    dateStyle: 'short',
    timeStyle: 'medium',
  });
  return (
    <section class="page" aria-labelledby="audit-title">
      <h1 id="audit-title">{t('adminTabAudit')}</h1>
      <form
        class="row card"
        onSubmit={(e) => {
          e.preventDefault();
          setApplied(filter);
        }}
      >
        <TextField
          id="audit-actor"
          label={t('adminAuditActor')}
          value={filter.actor}
          onInput={set('actor')}
        />
        <TextField
          id="audit-action"
          label={t('adminAuditAction')}
          value={filter.action}
          onInput={set('action')}
        />
        <TextField
          id="audit-target"
          label={t('adminAuditTarget')}
          value={filter.target}
          onInput={set('target')}
        />
        <TextField
          id="audit-from"
          type="date"
          label={t('adminFrom')}
          value={filter.from}
          onInput={set('from')}
        />
        <TextField
          id="audit-to"
          type="date"
          label={t('adminTo')}
          value={filter.to}
          onInput={set('to')}
        />
        <button type="submit">{t('adminFilter')}</button>
        <button type="button" onClick={() => (setFilter(EMPTY), setApplied(EMPTY))}>
          {t('adminClearFilter')}
        </button>
        <a href={`/api/admin/audit/export?${auditQuery(applied)}`} download>
          {t('adminExportCsv')}
        </a>
      </form>
      <ErrorLine error={error} />
      {items.length === 0 ? (
        <p class="muted">{t('adminAuditEmpty')}</p>
      ) : (
        <table class="list" data-list="audit">
          <thead>
            <tr>
              <th>{t('adminAuditWhen')}</th>
              <th>{t('adminAuditActor')}</th>
              <th>{t('adminAuditAction')}</th>
              <th>{t('adminAuditTarget')}</th>
              <th>{t('adminAuditDetail')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((e) => (
              <tr key={e.id} data-audit={e.action}>
                <td>{when.format(e.at)}</td>
                <td>{e.actor}</td>
                <td class="mono">{e.action}</td>
                <td class="mono">{e.target ?? ''}</td>
                <td class="mono">{e.detail ? JSON.stringify(e.detail) : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {next && (
        <button type="button" onClick={() => void load(applied, next)}>
          {t('adminMore')}
        </button>
      )}
    </section>
  );
}
