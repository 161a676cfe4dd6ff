// The call state every context agrees on: the offscreen document owns it, everyone else mirrors it.
import { z } from 'zod';
import { targetSchema } from '../contract/schemas';

export const endReasons = [
  'local-hangup',
  'remote-hangup',
  'declined',
  'no-answer',
  'busy',
  'unavailable',
  'cancelled',
  'answered-elsewhere',
  'media-timeout',
  'refused-by-policy',
  /** Firefox: the agent closed the window the call ran in. */
  'host-closed',
  'failed',
] as const;
export type EndReason = (typeof endReasons)[number];

/** Stable error codes; the UI maps each to a translated message that says what to do. */
export const errorCodes = [
  'mic-denied',
  'mic-dismissed',
  'mic-unavailable',
  'not-signed-in',
  'session-expired',
  'backend-unreachable',
  'provider-unreachable',
  'provider-not-configured',
  'invalid-target',
  'refused-by-policy',
  'busy',
  'call-in-progress',
  'receiver-offline',
  'invalid-credentials',
  'connection-lost',
  'bad-request',
  'internal',
] as const;
export type ErrorCode = (typeof errorCodes)[number];

export const callErrorSchema = z.object({
  code: z.enum(errorCodes),
  /** Technical detail for diagnostics; never shown as the main message. */
  detail: z.string().max(500).optional(),
  /** The vendor's own code (e.g. CleverTap `ERR_USER_BUSY`), translated as `vendor_<provider>_<code>` when a message exists. */
  vendorCode: z.string().max(64).optional(),
});
export type CallError = z.infer<typeof callErrorSchema>;

export const callPhases = [
  'connecting',
  'ringing',
  'incoming',
  'active',
  'reconnecting',
  'ended',
] as const;
export type CallPhase = (typeof callPhases)[number];

export const callSnapshotSchema = z.object({
  callId: z.string().min(1).max(100),
  provider: z.enum(['builtin', 'vonage', 'clevertap']),
  direction: z.enum(['outbound', 'inbound']),
  target: targetSchema,
  /** Display name from the CRM row or the caller id, if known. */
  displayName: z.string().max(200).optional(),
  /** The caller's company and CRM record, when a directory knows them (the background adds these). */
  company: z.string().max(200).optional(),
  recordUrl: z.string().max(2000).optional(),
  phase: z.enum(callPhases),
  muted: z.boolean(),
  /** The last keys the far end pressed during this call (DTMF), oldest first. */
  remoteDigits: z
    .string()
    .regex(/^[0-9*#]{1,32}$/)
    .optional(),
  /** Epoch ms when the phase became `active` (for timers). */
  answeredAt: z.number().optional(),
  startedAt: z.number(),
  endedAt: z.number().optional(),
  endReason: z.enum(endReasons).optional(),
  error: callErrorSchema.optional(),
});
export type CallSnapshot = z.infer<typeof callSnapshotSchema>;

export const providerStatusSchema = z.object({
  provider: z.enum(['builtin', 'vonage', 'clevertap']),
  state: z.enum(['idle', 'connecting', 'ready', 'reconnecting', 'error']),
  error: callErrorSchema.optional(),
});
export type ProviderStatus = z.infer<typeof providerStatusSchema>;
