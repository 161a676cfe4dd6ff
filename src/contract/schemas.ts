// Zod schemas for the contract's types, for the side that receives them (never the content script:
// zod would more than double its size). Each one is checked against its zod-free definition.
import { z } from 'zod';
import type { AgentInfo } from './agent';
import type { CallRecord, CallsPage } from './call';
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
  provider: z.enum(['vonage', 'builtin']),
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
}) satisfies z.ZodType<CallRecord>;

export const callsPageSchema = z.object({
  items: z.array(callRecordSchema),
  nextCursor: nullableString,
}) satisfies z.ZodType<CallsPage>;
