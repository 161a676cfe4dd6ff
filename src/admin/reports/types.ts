// What the Reports and History APIs answer (the backend's row types; type-only, so nothing of the
// backend ends up in the page's bundle).
export type {
  AgentRow,
  HourRow,
  OutcomeRow,
  PerDayRow,
} from '../../../backend/admin/reportsQueries';
export type { CallDetail, HistoryItem, HistoryPage } from '../../../backend/admin/historyQueries';

/** Every report's answer: the range it covered (epoch ms, the zone) and its rows. */
export interface Report<R> {
  from: number;
  to: number;
  tz: string;
  rows: R[];
}
