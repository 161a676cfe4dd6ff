// What the admin console and the backend's /api/admin share: the views it shows and the schemas both
// sides validate forms with. A schema's messages are locale keys (src/locales/*/admin.json), so the
// page shows them translated and the API answers them in English with the same key as `code`.
import { z } from 'zod';
import type { CallRecord } from './call';
import { AGENT_NAME, CONTACT_ID, E164 } from './ids';
import type { AgentPresence, Presence } from './presence';

/** An agent as the console lists it; `version` is the ETag of its editable state. */
export interface AdminAgent {
  name: string;
  admin: boolean;
  disabled: boolean;
  vonageUser: string | null;
  cuid: string | null;
  lines: string[];
  version: number;
  createdAt: number;
}

/** Availability as the agent sets it; filled in once presence lands (optional until then). */

export interface LiveAgent {
  name: string;
  signedIn: boolean;
  onCall: boolean;
  /** What the agent's presence shows (backend/presence.ts), `offline` included. */
  presence?: Presence;
}

/**
 * The agents with the presence `presence` reports for each (matched by name); an agent it omits
 * keeps what it had. The snapshot (backend) and each presence event (console) merge the same way.
 */
export function withPresence(
  agents: readonly LiveAgent[],
  presence: readonly Pick<AgentPresence, 'name' | 'presence'>[],
): LiveAgent[] {
  const byName = new Map(presence.map((p) => [p.name, p.presence]));
  return agents.map((a) => {
    const shown = byName.get(a.name);
    return shown ? { ...a, presence: shown } : a;
  });
}

export interface LiveSnapshot {
  agents: LiveAgent[];
  /** Calls in progress (answered, or outbound ringing), oldest first. */
  calls: CallRecord[];
  /** Inbound calls ringing and not yet answered, oldest first. */
  queue: CallRecord[];
  /** Resume the live stream after this update id (`?after=`); later ones come as events. */
  cursor: number;
  now: number;
}

export interface AuditEntry {
  id: number;
  at: number;
  actor: string;
  source: 'console' | 'cli';
  action: string;
  target: string | null;
  detail: Record<string, unknown> | null;
}

export interface AuditPage {
  items: AuditEntry[];
  nextCursor: number | null;
}

export interface WebhookView {
  id: number;
  url: string;
  delivered: number;
  failed: number;
  pending: number;
  failedAttempts: number;
  lastError: string | null;
  lastErrorAt: number | null;
}

/** A setting and whether the environment fixes it (then the console shows it read-only). */
export interface FixedSetting<T> {
  value: T;
  /** The environment variable that sets it; the console cannot change these. */
  env: string;
  fixed: true;
}

export interface AdminSettings {
  allowedCountries: FixedSetting<string[]>;
  allowedNumberTypes: FixedSetting<string[]>;
  numberTypes: readonly string[];
  sessionTtlSec: FixedSetting<number>;
  adminIdleSec: FixedSetting<number>;
  webhooks: WebhookView[];
}

export interface AdminSessionView {
  agent: { name: string };
  /** Send back as `X-CSRF-Token` on every change. */
  csrfToken: string;
  idleTimeoutSec: number;
}

const vendorId = (key: string) =>
  z
    .string()
    .trim()
    .transform((v) => (v === '' ? null : v))
    .refine((v) => v === null || CONTACT_ID.test(v), key);

export const adminSignInSchema = z.object({
  accessKey: z.string().trim().min(1, 'adminErrKeyRequired').max(200, 'adminErrKeyRequired'),
});

export const newAgentSchema = z.object({
  name: z.string().trim().regex(AGENT_NAME, 'adminErrAgentName'),
  admin: z.boolean().default(false),
  vonageUser: vendorId('adminErrVonageUser').optional(),
  cuid: vendorId('adminErrCuid').optional(),
});
export type NewAgentInput = z.input<typeof newAgentSchema>;

export const agentPatchSchema = z
  .object({
    admin: z.boolean().optional(),
    disabled: z.boolean().optional(),
    vonageUser: vendorId('adminErrVonageUser').optional(),
    cuid: vendorId('adminErrCuid').optional(),
  })
  .strict()
  .refine((v) => Object.keys(v).length > 0, 'adminErrNothingToChange');
export type AgentPatch = z.output<typeof agentPatchSchema>;

/** A softphone line: `tel:+E164` or `contact:<id>` (what the relay's `register` accepts). */
export const lineSchema = z.object({
  address: z
    .string()
    .trim()
    .refine((v) => {
      if (v.startsWith('tel:')) return E164.test(v.slice(4));
      if (v.startsWith('contact:')) return CONTACT_ID.test(v.slice(8));
      return false;
    }, 'adminErrLine'),
});

export const newWebhookSchema = z.object({
  url: z
    .string()
    .trim()
    .max(2048, 'adminErrWebhookUrl')
    .refine((v) => /^https?:\/\/[^\s/]+/.test(v), 'adminErrWebhookUrl'),
  secret: z
    .string()
    .optional()
    .transform((v) => (v === '' ? undefined : v))
    .refine(
      (v) => v === undefined || new TextEncoder().encode(v).length >= 32,
      'adminErrWebhookSecret',
    ),
});

const dayOrTime = z
  .string()
  .regex(/^\d{1,15}$/)
  .transform(Number)
  .optional();

export const auditFilterSchema = z.object({
  actor: z.string().max(64).optional(),
  action: z.string().max(64).optional(),
  target: z.string().max(200).optional(),
  /** Epoch milliseconds, inclusive. */
  from: dayOrTime,
  /** Epoch milliseconds, exclusive. */
  to: dayOrTime,
  cursor: dayOrTime,
  limit: z
    .string()
    .regex(/^\d{1,3}$/)
    .transform(Number)
    .refine((n) => n >= 1 && n <= 200)
    .optional(),
});
export type AuditFilter = z.output<typeof auditFilterSchema>;

/** The first message key of a failed parse (the form shows it beside the field it names). */
export function issueKeys(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? '_');
    out[field] ??= issue.message.startsWith('admin') ? issue.message : 'adminErrInvalid';
  }
  return out;
}
