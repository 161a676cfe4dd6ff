// What the extension reports about a CleverTap Signed Call (`POST /api/calls/clevertap`): CleverTap's
// servers carry the call and send us nothing, so the call host tells the backend what its SDK saw.
import { z } from 'zod';
import { callContextSchema } from './schemas';

/** Statuses a report may carry: the call ringing, answered, and how it ended (see docs/calls.md). */
export const CALL_REPORT_STATUSES = [
  'ringing',
  'answered',
  'completed',
  'busy',
  'cancelled',
  'unanswered',
  'rejected',
  'failed',
  'missed',
] as const;
export type CallReportStatus = (typeof CALL_REPORT_STATUSES)[number];

export const callReportSchema = z
  .object({
    /** The extension's call id: the record's id, so the wrap-up save reaches it. */
    clientCallId: z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'letters, digits, _ . : - (1–128)'),
    /** The other party's Signed Call cuid. */
    cuid: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_]{4,49}$/, 'a Signed Call cuid (5–50 letters, digits, _)'),
    direction: z.enum(['outbound', 'inbound']),
    /** Every status the call went through so far, with epoch ms: each report repeats the earlier ones. */
    transitions: z
      .array(z.object({ status: z.enum(CALL_REPORT_STATUSES), at: z.number().int() }).strict())
      .min(1)
      .max(8),
    /** The extension's end reason (e.g. `remote-hangup`), with a final status. */
    reason: z
      .string()
      .regex(/^[a-z-]{1,40}$/, 'a lower-case end reason')
      .optional(),
    context: callContextSchema.optional(),
    /** Inbound only: the caller's name as their Signed Call SDK gives it (one line, ≤ 200). */
    callerName: callContextSchema.shape.contactName,
  })
  // Other fields (an `agent`, say) are dropped: the record's agent is the session's.
  .strip();
export type CallReport = z.infer<typeof callReportSchema>;
