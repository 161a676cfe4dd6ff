// CleverTap Signed Call records: CleverTap's servers carry the call and send no webhook, so the
// extension reports what its SDK saw (`POST /api/calls/clevertap`) and this folds each report into
// the same record model as the other providers. Reports repeat and arrive out of order: a record
// only moves forward (status.ts) and a final record never changes again.
import type { CallReport, CallReportStatus } from '../../src/contract/callReport';
import type { CallRow, NewCall } from '../db/schema';
import type { Store } from '../db/store';
import { newCallRecord } from './records';
import { FINAL_STATUSES, statusAdvances } from './status';

/** How far a report's timestamps may lie from the backend's clock. */
const MAX_AGE_MS = 24 * 3_600_000;
const MAX_AHEAD_MS = 5 * 60_000;

export type ReportResult =
  { ok: true; call: NewCall | CallRow } | { ok: false; status: 400 | 409; error: string };

/** The record a report describes, over `prev` (null: none yet); an error when it cannot be one. */
export function reportedRecord(
  prev: CallRow | undefined,
  agent: string,
  report: CallReport,
  now: number,
): { record: NewCall | null } | { status: 400 | 409; error: string } {
  if (prev && (prev.provider !== 'clevertap' || prev.agent !== agent))
    return { status: 409, error: `Call ${report.clientCallId} is another call's record` };
  const stale = report.transitions.find(
    (t) => t.at < now - MAX_AGE_MS || t.at > now + MAX_AHEAD_MS,
  );
  if (stale)
    return {
      status: 400,
      error: `transitions: ${stale.status} at ${stale.at} is not within the last 24 h (epoch ms)`,
    };
  const byTime = [...report.transitions].sort((a, b) => a.at - b.at);
  const final = byTime.find((t) => FINAL_STATUSES.has(t.status));
  const answered = byTime.find((t) => t.status === 'answered');
  if (final && answered && answered.at > final.at)
    return { status: 400, error: 'transitions: answered after the call ended' };
  if (final?.status === 'completed' && !answered)
    return { status: 400, error: 'transitions: completed without answered' };
  if (report.direction === 'outbound' && final?.status === 'missed')
    return { status: 400, error: 'transitions: missed is for inbound calls (use unanswered)' };
  if (report.direction === 'outbound' && report.callerName !== undefined)
    return {
      status: 400,
      error: 'callerName is for inbound calls (an outbound call names its contact in context)',
    };
  if (prev && FINAL_STATUSES.has(prev.status)) return { record: null };
  const status: CallReportStatus = final?.status ?? (answered ? 'answered' : 'ringing');
  const base =
    prev ??
    newCallRecord({
      uuid: report.clientCallId,
      provider: 'clevertap',
      direction: report.direction,
      agent,
      from: report.direction === 'outbound' ? `agent:${agent}` : `cuid:${report.cuid}`,
      to: report.direction === 'outbound' ? `cuid:${report.cuid}` : `agent:${agent}`,
      status: 'ringing',
      now,
      startedAt: byTime[0]!.at,
    });
  if (prev && !statusAdvances(prev.status, status) && prev.status !== status)
    return { record: null };
  const startedAt = Math.min(base.started_at ?? Infinity, byTime[0]!.at);
  const answeredAt = base.answered_at ?? answered?.at ?? null;
  const context = report.direction === 'outbound' ? report.context : undefined;
  const record: NewCall = {
    ...base,
    status,
    started_at: startedAt,
    answered_at: answeredAt,
    answered_by:
      answeredAt === null ? null : report.direction === 'outbound' ? `cuid:${report.cuid}` : agent,
    ended_at: final?.at ?? null,
    duration: final
      ? answeredAt === null
        ? 0
        : Math.max(0, Math.round((final.at - answeredAt) / 1000))
      : null,
    reason:
      final &&
      report.reason &&
      report.reason !== 'remote-hangup' &&
      report.reason !== 'local-hangup'
        ? report.reason
        : null,
    updated_at: now,
    ...(context?.contactName && !base.contact_name ? { contact_name: context.contactName } : {}),
    // An inbound caller's name, once known (the first report carries it): it never replaces one.
    ...(report.callerName && !base.contact_name ? { contact_name: report.callerName } : {}),
    ...(context?.pageUrl && !base.page_url ? { page_url: context.pageUrl } : {}),
    ...(context?.pageTitle && !base.page_title ? { page_title: context.pageTitle } : {}),
  };
  return { record };
}

/** Writes a report for the signed-in `agent` (never a body field) in one transaction. */
export async function saveCallReport(
  store: Store,
  agent: string,
  report: CallReport,
  now = Date.now(),
): Promise<ReportResult> {
  let result: ReportResult | null = null;
  await store.write(async (trx, notify) => {
    await store.changeCall(trx, notify, report.clientCallId, (prev) => {
      const next = reportedRecord(prev, agent, report, now);
      if ('error' in next) {
        result = { ok: false, status: next.status, error: next.error };
        return null;
      }
      return next.record;
    });
    if (result) return;
    const stored = await store.getCall(report.clientCallId, trx);
    result = stored
      ? { ok: true, call: stored }
      : { ok: false, status: 400, error: 'Call report: nothing to record' };
  });
  return result!;
}
