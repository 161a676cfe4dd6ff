// What the extension passes to Vonage's `serverCall(context)` and the backend's answer webhook reads back.
// Vonage moves the `to` key into the webhook's `to` field and delivers the rest as `custom_data`.
import { z } from 'zod';
import { CONTACT_ID, E164_DIGITS, EXT } from '../contract/ids';
import { callContextSchema } from '../contract/schemas';

/** For the call record only (never for routing): the extension's call id and who/where it was placed from. */
const recordFields = {
  /** The extension's own call id, so the call bar's wrap-up finds this record. */
  callId: z
    .string()
    .regex(/^[\w.-]{1,100}$/, 'the call id is 1-100 letters, digits, dots, dashes')
    .optional(),
  /** The CRM row's name and page, validated like the built-in provider's invite. */
  context: callContextSchema.optional(),
};

export const vonageCallContextSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('phone'),
    /** E.164 digits without the leading `+` (Vonage's number format). */
    to: z.string().regex(E164_DIGITS),
    /** Digits dialled after the callee answers (an extension). */
    ext: z.string().regex(EXT).optional(),
    ...recordFields,
  }),
  z.object({
    type: z.literal('app'),
    /** The Vonage user name of the contact (app-to-app call). */
    to: z.string().regex(CONTACT_ID),
    ...recordFields,
  }),
]);
export type VonageCallContext = z.infer<typeof vonageCallContextSchema>;

/** The record fields alone, as the answer webhook checks them apart from routing. */
export const vonageRecordDataSchema = z.object(recordFields);

/** The custom_data part as the answer webhook receives it (everything but `to`). */
export type VonageCustomData = Omit<VonageCallContext, 'to'>;
