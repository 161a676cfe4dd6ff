// The background channel's receiving side: its requests' schemas (zod, so never in the content script).
import { z } from 'zod';
import { DTMF_DIGITS } from '../call/provider';
import { callSnapshotSchema } from '../call/state';
import { E164 } from '../contract/ids';
import { PRESENCE_CHOICES } from '../contract/presence';
import { callContextSchema, targetSchema, wrapupSchema } from '../contract/schemas';
import { settingsSchema } from '../settings/schema';
import { BACKGROUND_CHANNEL, LEARN_BATCH_MAX, type BackgroundProtocol } from './background';
import { defineChannel, type Schemas } from './channel';
import type { SendMessage } from './types';

const empty = z.object({}).strict();
const httpUrl = z
  .string()
  .max(2000)
  .url()
  .refine((u) => /^https?:\/\//.test(u), 'an http(s) URL');
export const learnedContactSchema = z
  .object({
    number: z.string().regex(E164),
    name: z.string().trim().min(1).max(200),
    url: httpUrl,
    title: z.string().max(300),
  })
  .strict();
const displayName = z.string().max(200).optional();

const backgroundSchemas: Schemas<BackgroundProtocol> = {
  startCall: z
    .object({
      target: targetSchema,
      displayName,
      pageTitle: callContextSchema.shape.pageTitle,
      clickedAt: z.number().optional(),
    })
    .strict(),
  hangup: empty,
  answer: empty,
  decline: empty,
  setMuted: z.object({ muted: z.boolean() }).strict(),
  sendDtmf: z
    .object({ digits: z.string().regex(DTMF_DIGITS, 'digits 0-9, * and # only') })
    .strict(),
  getState: empty,
  signIn: z
    .object({
      backendUrl: settingsSchema.shape.backendUrl.unwrap().optional(),
      accessKey: z.string().trim().min(8, 'the access key is too short').max(200),
    })
    .strict(),
  signOut: empty,
  getDiagnostics: empty,
  recentCalls: z.object({ limit: z.number().int().min(1).max(50) }).strict(),
  dispositions: empty,
  wrapupDraft: z
    .object({ callId: z.string().min(8).max(100), draft: wrapupSchema.nullable().optional() })
    .strict(),
  saveWrapup: z.object({ callId: z.string().min(8).max(100), wrapup: wrapupSchema }).strict(),
  getSettings: empty,
  getEarlySettings: empty,
  numberTypes: empty,
  setPresence: z.object({ presence: z.enum([...PRESENCE_CHOICES, 'next']) }).strict(),
  seenMissed: empty,
  callBarPosition: z
    .object({
      position: z.object({ right: z.number().finite(), bottom: z.number().finite() }).optional(),
    })
    .strict(),
  learnContacts: z
    .object({ entries: z.array(learnedContactSchema).min(1).max(LEARN_BATCH_MAX) })
    .strict(),
  learnedContacts: z.object({ clear: z.boolean().optional() }).strict(),
  searchContacts: z.object({ query: z.string().max(100) }).strict(),
  openRecord: z.object({ callId: callSnapshotSchema.shape.callId }).strict(),
};

export const backgroundChannel = (send: SendMessage) =>
  defineChannel<BackgroundProtocol>(BACKGROUND_CHANNEL, backgroundSchemas, send);
