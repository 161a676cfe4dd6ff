// Tells the backend how a CleverTap Signed Call went (`POST /api/calls/clevertap`): CleverTap's
// servers carry the call and send us nothing, so without these reports the call leaves no record.
// Best effort: a report never delays or fails the call. Each report repeats the call's earlier
// transitions, so the latest one alone is enough; a failed send (network, 5xx, 429) is retried a
// few times with growing delays while this document lives, a refusal (400/401/403/409) is not.
import type { CallContext } from '../../../contract/call';
import {
  callReportSchema,
  type CallReport,
  type CallReportStatus,
} from '../../../contract/callReport';
import { backendClient } from '../../backendClient';
import type { EndReason } from '../../state';

/** Delays before each retry of a report that could not be delivered. */
export const REPORT_RETRY_DELAYS_MS = [2_000, 10_000, 30_000, 120_000] as const;

export interface ReportTarget {
  backendUrl: string;
  token: string;
}

interface Tracked {
  report: CallReport;
  target: ReportTarget;
  answered: boolean;
  /** A send is in flight; `again` when a newer transition came meanwhile. */
  sending: boolean;
  again: boolean;
  failures: number;
  timer: ReturnType<typeof setTimeout> | null;
  done: boolean;
}

/** The record's status for how the call ended (see docs/calls.md, CleverTap). */
export function finalStatus(
  direction: 'outbound' | 'inbound',
  answered: boolean,
  reason: EndReason,
): CallReportStatus {
  if (answered) return 'completed';
  if (reason === 'declined') return 'rejected';
  if (direction === 'inbound') return 'missed';
  switch (reason) {
    case 'no-answer':
      return 'unanswered';
    case 'busy':
      return 'busy';
    case 'local-hangup':
    case 'cancelled':
      return 'cancelled';
    default:
      return 'failed';
  }
}

/**
 * The caller's name for the record, from what their SDK sent (any text: a name with a line break or
 * a control character would make the backend refuse the whole report); undefined when none is left.
 */
export function reportedCallerName(name: string | undefined): string | undefined {
  const clean = name
    // eslint-disable-next-line no-control-regex -- control characters are what is removed
    ?.replace(/[\s\u0000-\u001f\u007f]+/g, ' ')
    .slice(0, 200)
    .trim();
  if (!clean) return undefined;
  const parsed = callReportSchema.shape.callerName.safeParse(clean);
  return parsed.success ? parsed.data : undefined;
}

export class CallReporter {
  private readonly calls = new Map<string, Tracked>();

  constructor(
    private readonly fetchImpl: typeof fetch,
    private readonly now: () => number = Date.now,
  ) {}

  /** Starts the record of a call: nothing is sent until its first transition. */
  track(
    callId: string,
    call: {
      cuid: string;
      direction: 'outbound' | 'inbound';
      context?: CallContext;
      /** Who is calling (inbound), as the caller's SDK names them. */
      callerName?: string;
    },
    target: ReportTarget,
  ): void {
    this.calls.set(callId, {
      report: {
        clientCallId: callId,
        cuid: call.cuid,
        direction: call.direction,
        transitions: [],
        ...(call.context && call.direction === 'outbound' ? { context: call.context } : {}),
        ...(call.callerName && call.direction === 'inbound' ? { callerName: call.callerName } : {}),
      },
      target,
      answered: false,
      sending: false,
      again: false,
      failures: 0,
      timer: null,
      done: false,
    });
  }

  /** Drops a call that was never placed (the SDK refused it): it has nothing to record. */
  forget(callId: string): void {
    const call = this.calls.get(callId);
    if (call?.report.transitions.length === 0) this.calls.delete(callId);
  }

  ringing(callId: string): void {
    this.add(callId, 'ringing');
  }

  answered(callId: string): void {
    const call = this.calls.get(callId);
    if (!call || call.answered) return;
    call.answered = true;
    this.add(callId, 'answered');
  }

  ended(callId: string, reason: EndReason): void {
    const call = this.calls.get(callId);
    if (!call || call.done) return;
    call.done = true;
    call.report.reason = reason;
    this.add(callId, finalStatus(call.report.direction, call.answered, reason));
  }

  /** Calls with a report not yet delivered (for diagnostics and tests). */
  get pending(): number {
    return this.calls.size;
  }

  private add(callId: string, status: CallReportStatus): void {
    const call = this.calls.get(callId);
    if (!call || call.report.transitions.some((t) => t.status === status)) return;
    call.report.transitions.push({ status, at: this.now() });
    call.failures = 0;
    if (call.timer) clearTimeout(call.timer);
    call.timer = null;
    void this.send(callId, call);
  }

  private async send(callId: string, call: Tracked): Promise<void> {
    if (call.sending) {
      call.again = true;
      return;
    }
    call.sending = true;
    call.again = false;
    const sent = call.report.transitions.length;
    let retry = false;
    try {
      const client = backendClient(call.target.backendUrl, {
        token: call.target.token,
        fetch: this.fetchImpl,
      });
      const res = await client.api.calls.clevertap.$post({
        json: structuredClone(call.report),
      });
      retry = res.status === 429 || res.status >= 500;
      if (!res.ok && !retry)
        console.warn(`CleverTap call report ${callId} refused (${res.status})`, await res.text());
    } catch {
      retry = true;
    }
    call.sending = false;
    if (this.calls.get(callId) !== call) return;
    if (call.again || (!retry && call.report.transitions.length > sent)) {
      void this.send(callId, call);
      return;
    }
    if (retry) {
      const delay = REPORT_RETRY_DELAYS_MS[call.failures++];
      if (delay === undefined) {
        console.warn(`CleverTap call report ${callId} not delivered: backend unreachable`);
        this.calls.delete(callId);
        return;
      }
      call.timer = setTimeout(() => {
        call.timer = null;
        void this.send(callId, call);
      }, delay);
      return;
    }
    if (call.done) this.calls.delete(callId);
  }
}
