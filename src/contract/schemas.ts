// Zod schemas for the contract's types, for the side that receives them (never the content script:
// zod would more than double its size). Each one is checked against its zod-free definition.
import { z } from 'zod';
import type { AgentInfo } from './agent';
import {
  CALL_LIMITS,
  DATE_ONLY,
  type CallContext,
  type CallRecord,
  type CallsPage,
  type Dispositions,
  type Wrapup,
} from './call';
import { CONTACT_ID, E164, EXT } from './ids';
import type { Target } from './target';

export const targetSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('phone'),
    e164: z.string().regex(E164, 'not an E.164 number'),
    ext: z.string().regex(EXT, 'extension must be digits').optional(),
  }),
  z.object({
    kind: z.literal('contact'),
    id: z.string().regex(CONTACT_ID, 'not a valid contact id'),
    label: z.string().max(200).optional(),
  }),
]) satisfies z.ZodType<Target>;

export const agentInfoSchema = z.object({
  name: z.string(),
  admin: z.boolean(),
  vonageUser: z.string().optional(),
  cuid: z.string().optional(),
}) satisfies z.ZodType<AgentInfo>;

const nullableString = z.string().nullable();
const nullableNumber = z.number().nullable();

export const callRecordSchema = z.object({
  uuid: z.string(),
  provider: z.enum(['vonage', 'builtin', 'clevertap']),
  direction: z.enum(['inbound', 'outbound']),
  status: z.string(),
  reason: nullableString,
  agent: nullableString,
  from: nullableString,
  to: nullableString,
  conversationUuid: nullableString,
  parentUuid: nullableString,
  createdAt: z.number(),
  startedAt: nullableNumber,
  answeredAt: nullableNumber,
  answeredBy: nullableString,
  endedAt: nullableNumber,
  duration: nullableNumber,
  price: nullableString,
  rate: nullableString,
  network: nullableString,
  contactName: nullableString.optional(),
  extension: nullableString.optional(),
  pageUrl: nullableString.optional(),
  pageTitle: nullableString.optional(),
  outcome: nullableString.optional(),
  notes: nullableString.optional(),
  followUpOn: nullableString.optional(),
}) satisfies z.ZodType<CallRecord>;

export const callsPageSchema = z.object({
  items: z.array(callRecordSchema),
  nextCursor: nullableString,
}) satisfies z.ZodType<CallsPage>;

/** Text a person typed or a page showed: no control characters but tabs and line breaks. */
const printable = (max: number, what: string, verb = 'is') =>
  z
    .string()
    .max(max, `${what} ${verb} too long (${max.toLocaleString('en')} characters at most)`)
    // eslint-disable-next-line no-control-regex
    .regex(/^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*$/, `${what} has control characters`);

/** An http(s) URL, nothing else (no `javascript:`, `data:`, `file:`). */
export const httpUrlSchema = z
  .string()
  .max(CALL_LIMITS.pageUrl, `the page URL is too long (${CALL_LIMITS.pageUrl} characters at most)`)
  .refine((value) => {
    try {
      const url = new URL(value);
      return url.protocol === 'http:' || url.protocol === 'https:';
    } catch {
      return false;
    }
  }, 'the page URL must be an http(s) URL');

export const callContextSchema = z
  .object({
    contactName: printable(CALL_LIMITS.contactName, 'the contact name')
      .refine((v) => !/[\r\n]/.test(v), 'the contact name is one line')
      .optional(),
    pageUrl: httpUrlSchema.optional(),
    pageTitle: printable(CALL_LIMITS.pageTitle, 'the page title').optional(),
  })
  .strict() satisfies z.ZodType<CallContext>;

export const wrapupSchema = z
  .object({
    outcome: z
      .string()
      .trim()
      .min(1, 'the outcome is empty')
      .max(CALL_LIMITS.outcome, 'the outcome is too long')
      .nullable(),
    notes: printable(CALL_LIMITS.notes, 'the notes', 'are'),
    followUpOn: z.string().regex(DATE_ONLY, 'the follow-up date is YYYY-MM-DD').nullable(),
  })
  .strict() satisfies z.ZodType<Wrapup>;

export const dispositionsSchema = z.object({
  items: z.array(z.string()),
  requireOutcome: z.boolean(),
}) satisfies z.ZodType<Dispositions>;
