// The built-in provider's signalling protocol: JSON messages over the backend's WebSocket (`/signal`).
// Shared by the backend relay, the extension's offscreen document and the softphone page.
import { z } from 'zod';
import { ADDRESS, EXT } from '../contract/ids';
import { callContextSchema } from '../contract/schemas';

/**
 * Who a message is for: `tel:+E164` and `contact:<id>` are softphone lines, `agent:<name>` is an agent,
 * `agent:*` asks the backend for an Available agent (the one free longest; docs/calls.md).
 */
export const addressSchema = z.string().max(140).regex(ADDRESS);
export type Address = z.infer<typeof addressSchema>;

const callId = z.string().regex(/^[A-Za-z0-9-]{8,64}$/);
const sdp = z.string().min(1).max(20_000);
const candidate = z.object({
  candidate: z.string().max(1000),
  sdpMid: z.string().max(64).nullable().optional(),
  sdpMLineIndex: z.number().int().min(0).max(64).nullable().optional(),
});
export const hangupReasons = [
  'hangup',
  'declined',
  'busy',
  'no-answer',
  'cancelled',
  'disconnected',
] as const;

/** Messages a client sends. The first one must be `auth`. */
export const clientMessageSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('auth'), token: z.string().min(1).max(2000) }),
  z.object({ t: z.literal('register'), address: addressSchema }),
  z.object({
    t: z.literal('invite'),
    callId,
    to: addressSchema,
    sdp,
    displayName: z.string().max(200).optional(),
    /** The dialled number's extension and where the call was placed from: for the call record. */
    ext: z.string().regex(EXT).optional(),
    context: callContextSchema.optional(),
  }),
  z.object({ t: z.literal('ringing'), callId }),
  z.object({ t: z.literal('answer'), callId, sdp }),
  z.object({ t: z.literal('ice'), callId, candidate }),
  z.object({ t: z.literal('hangup'), callId, reason: z.enum(hangupReasons) }),
  z.object({ t: z.literal('dtmf'), callId, digits: z.string().regex(/^[0-9*#]{1,32}$/) }),
  z.object({ t: z.literal('ping'), id: z.number().int() }),
  /** After a reconnect (a backend restart): "I am still in this call" (see RESUME_GRACE_MS). */
  z.object({ t: z.literal('resume'), callId }),
  /**
   * An answered call's ICE restart (its network path changed): the caller's new offer, the
   * callee's answer to it.
   */
  z.object({ t: z.literal('renegotiate'), callId, kind: z.enum(['offer', 'answer']), sdp }),
]);
export type ClientMessage = z.infer<typeof clientMessageSchema>;

export const signallingErrorCodes = [
  'unauthorized',
  'bad-message',
  'unreachable',
  'busy',
  'address-taken',
  'rate-limited',
  'unknown-call',
] as const;

/** Messages the backend sends. Relayed call messages carry `from` (the sender's address). */
export const serverMessageSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('ready'), identity: addressSchema }),
  z.object({ t: z.literal('registered'), address: addressSchema }),
  z.object({
    t: z.literal('invite'),
    callId,
    from: addressSchema,
    to: addressSchema,
    sdp,
    displayName: z.string().max(200).optional(),
  }),
  z.object({ t: z.literal('ringing'), callId, from: addressSchema }),
  z.object({ t: z.literal('answer'), callId, from: addressSchema, sdp }),
  z.object({ t: z.literal('ice'), callId, from: addressSchema, candidate }),
  z.object({ t: z.literal('hangup'), callId, from: addressSchema, reason: z.enum(hangupReasons) }),
  z.object({ t: z.literal('dtmf'), callId, from: addressSchema, digits: z.string() }),
  z.object({ t: z.literal('pong'), id: z.number().int() }),
  z.object({
    t: z.literal('renegotiate'),
    callId,
    from: addressSchema,
    kind: z.enum(['offer', 'answer']),
    sdp,
  }),
  z.object({
    t: z.literal('error'),
    callId: callId.optional(),
    code: z.enum(signallingErrorCodes),
    message: z.string().max(500),
  }),
]);
export type ServerMessage = z.infer<typeof serverMessageSchema>;

/** WebSocket close codes the relay uses (4000–4999 are application-defined). */
export const CLOSE_UNAUTHORIZED = 4401;
export const CLOSE_BAD_MESSAGE = 4400;
export const CLOSE_REPLACED = 4409;
