// What the extension passes to Vonage's `serverCall(context)` and the backend's answer webhook reads back.
// Vonage moves the `to` key into the webhook's `to` field and delivers the rest as `custom_data`.
import { z } from 'zod';
import { CONTACT_ID, E164_DIGITS, EXT } from '../contract/ids';

export const vonageCallContextSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('phone'),
    /** E.164 digits without the leading `+` (Vonage's number format). */
    to: z.string().regex(E164_DIGITS),
    /** Digits dialled after the callee answers (an extension). */
    ext: z.string().regex(EXT).optional(),
  }),
  z.object({
    type: z.literal('app'),
    /** The Vonage user name of the contact (app-to-app call). */
    to: z.string().regex(CONTACT_ID),
  }),
]);
export type VonageCallContext = z.infer<typeof vonageCallContextSchema>;

/** The custom_data part as the answer webhook receives it (everything but `to`). */
export type VonageCustomData = Omit<VonageCallContext, 'to'>;
