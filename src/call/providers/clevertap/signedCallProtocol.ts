// The postMessage protocol between CleverTapProvider (offscreen document) and the CleverTap host
// document (a hidden iframe, /clevertap.html). Every message is validated on receipt.
import { z } from 'zod';
import { callErrorSchema, type CallError } from '../../state';

/** Tags every message so that nothing else posted to these windows is mistaken for ours. */
export const PROTOCOL = 'c2c-signed-call/1';

export const initParamsSchema = z.object({
  /** Signed Call account id and API key (Signed Call dashboard, not the CleverTap project's). */
  accountId: z.string().min(1).max(200),
  apikey: z.string().min(1).max(500),
  cuid: z.string().min(1).max(50),
  name: z.string().min(3).max(50).optional(),
  /** The CleverTap project the Web SDK identifies this browser with. */
  clevertapAccountId: z.string().min(1).max(200).optional(),
  clevertapRegion: z.string().min(1).max(100).optional(),
  /** Packaged ringtone (our extension URL), instead of the SDK's remote one. */
  ringtone: z.string().min(1).max(500),
});
export type InitParams = z.infer<typeof initParamsSchema>;

const requestSchemas = {
  init: initParamsSchema,
  call: z.object({ cuid: z.string().min(1).max(50), context: z.string().min(1).max(64) }),
  hangup: z.object({}),
  answer: z.object({ callId: z.string().min(1).max(200) }),
  decline: z.object({ callId: z.string().min(1).max(200) }),
  setMuted: z.object({ muted: z.boolean() }),
  logout: z.object({}),
} as const;
export type HostMethod = keyof typeof requestSchemas;
export type HostParams<M extends HostMethod> = z.infer<(typeof requestSchemas)[M]>;

/** What each request resolves with. `call` resolves once the call is placed (the receiver is ringing). */
export interface HostResults {
  init: { enabled: true };
  call: { callId: string };
  hangup: null;
  answer: null;
  decline: null;
  setMuted: null;
  logout: null;
}

const request = <M extends HostMethod>(method: M) =>
  z.object({
    protocol: z.literal(PROTOCOL),
    kind: z.literal('request'),
    id: z.number().int().nonnegative(),
    method: z.literal(method),
    params: requestSchemas[method],
  });

export const hostRequestSchema = z.discriminatedUnion('method', [
  request('init'),
  request('call'),
  request('hangup'),
  request('answer'),
  request('decline'),
  request('setMuted'),
  request('logout'),
]);
export type HostRequest = z.infer<typeof hostRequestSchema>;

const incomingSchema = z.object({
  type: z.literal('incoming'),
  callId: z.string().min(1).max(200),
  /** The caller's cuid when the SDK tells it, else null. */
  from: z.string().max(200).nullable(),
  name: z.string().max(200).optional(),
  context: z.string().max(200).optional(),
});

export const hostEventSchema = z.discriminatedUnion('type', [
  /** The callee's device is alerting (outgoing). */
  z.object({ type: z.literal('ringing'), callId: z.string().min(1).max(200) }),
  /** The callee (outgoing) or we (incoming) answered. */
  z.object({ type: z.literal('answered'), callId: z.string().min(1).max(200) }),
  incomingSchema,
  /** A second call arrived during a call and the SDK declined it as busy. */
  incomingSchema.extend({ type: z.literal('busy-declined') }),
  /**
   * A call ended. `outcome` is the SDK's own word: over, declined, missed, cancelled, or `error`
   * with `error` set.
   */
  z.object({
    type: z.literal('ended'),
    callId: z.string().min(1).max(200),
    direction: z.enum(['outbound', 'inbound']),
    outcome: z.enum(['over', 'declined', 'missed', 'cancelled', 'error']),
    error: callErrorSchema.optional(),
  }),
  /** Signalling connection (sign-in socket): reconnecting after a drop, back, or lost for good. */
  z.object({ type: z.literal('connection'), state: z.enum(['connected', 'reconnecting']) }),
  /** Media of the live call re-establishing after a network drop. */
  z.object({ type: z.literal('media'), state: z.enum(['reconnecting', 'connected']) }),
  z.object({ type: z.literal('muted'), muted: z.boolean() }),
]);
export type HostEvent = z.infer<typeof hostEventSchema>;

export const hostMessageSchema = z.union([
  z.object({ protocol: z.literal(PROTOCOL), kind: z.literal('ready') }),
  z.object({
    protocol: z.literal(PROTOCOL),
    kind: z.literal('response'),
    id: z.number().int().nonnegative(),
    ok: z.literal(true),
    result: z.unknown(),
  }),
  z.object({
    protocol: z.literal(PROTOCOL),
    kind: z.literal('response'),
    id: z.number().int().nonnegative(),
    ok: z.literal(false),
    error: callErrorSchema,
  }),
  z.object({ protocol: z.literal(PROTOCOL), kind: z.literal('event'), event: hostEventSchema }),
]);
export type HostMessage =
  | { protocol: typeof PROTOCOL; kind: 'ready' }
  | { protocol: typeof PROTOCOL; kind: 'response'; id: number; ok: true; result: unknown }
  | { protocol: typeof PROTOCOL; kind: 'response'; id: number; ok: false; error: CallError }
  | { protocol: typeof PROTOCOL; kind: 'event'; event: HostEvent };

/** Result payloads, validated by the provider (the host is our code, but it runs a vendor SDK). */
export const resultSchemas = {
  init: z.object({ enabled: z.literal(true) }),
  call: z.object({ callId: z.string().min(1).max(200) }),
  hangup: z.null(),
  answer: z.null(),
  decline: z.null(),
  setMuted: z.null(),
  logout: z.null(),
} satisfies { [M in HostMethod]: z.ZodType<HostResults[M]> };
