// The offscreen channel: background → offscreen document (the call session). Its name, protocol
// map and schemas; the content script never imports it.
import { z } from 'zod';
import { DTMF_DIGITS } from '../call/provider';
import {
  callSnapshotSchema,
  providerStatusSchema,
  type CallSnapshot,
  type ProviderStatus,
} from '../call/state';
import type { CallContext } from '../contract/call';
import { callContextSchema, targetSchema } from '../contract/schemas';
import type { Target } from '../contract/target';
import { settingsSchema, type Settings } from '../settings/schema';
import type { Diagnostics } from './background';
import { defineChannel, type Schemas } from './channel';
import type { SendMessage } from './types';

export const OFFSCREEN_CHANNEL = 'c2c/offscreen';

export interface OffscreenConfig {
  /** Changes whenever anything below changes; lets the background skip re-configuring. */
  version: string;
  backendUrl: string;
  token: string;
  settings: Settings;
}
const offscreenConfigSchema = z.object({
  version: z.string().min(1).max(100),
  backendUrl: z.string().url(),
  token: z.string().min(1).max(4000),
  settings: settingsSchema,
});

export interface OffscreenState {
  configVersion: string | null;
  provider: ProviderStatus;
  call: CallSnapshot | null;
  waiting: CallSnapshot | null;
}
export const offscreenStateSchema = z.object({
  configVersion: z.string().nullable(),
  provider: providerStatusSchema,
  call: callSnapshotSchema.nullable(),
  waiting: callSnapshotSchema.nullable(),
});

export interface OffscreenProtocol {
  configure(data: { config: OffscreenConfig | null }): OffscreenState;
  startCall(data: {
    callId: string;
    target: Target;
    displayName?: string;
    /** Who and where the call was placed from, for the call record. */
    context?: CallContext;
    clickedAt?: number;
  }): null;
  hangup(data: { callId: string }): null;
  answer(data: { callId: string }): null;
  decline(data: { callId: string }): null;
  setMuted(data: { callId: string; muted: boolean }): null;
  sendDtmf(data: { callId: string; digits: string }): null;
  getState(data: Record<string, never>): OffscreenState;
  getDiagnostics(data: Record<string, never>): Omit<Diagnostics, 'extensionVersion'>;
}

const empty = z.object({}).strict();
const callRef = z.object({ callId: z.string().min(1).max(100) }).strict();

const offscreenSchemas: Schemas<OffscreenProtocol> = {
  configure: z.object({ config: offscreenConfigSchema.nullable() }).strict(),
  startCall: z
    .object({
      callId: z.string().min(8).max(100),
      target: targetSchema,
      displayName: z.string().max(200).optional(),
      context: callContextSchema.optional(),
      clickedAt: z.number().optional(),
    })
    .strict(),
  hangup: callRef,
  answer: callRef,
  decline: callRef,
  setMuted: callRef.extend({ muted: z.boolean() }).strict(),
  sendDtmf: callRef.extend({ digits: z.string().regex(DTMF_DIGITS) }).strict(),
  getState: empty,
  getDiagnostics: empty,
};

export const offscreenChannel = (send: SendMessage) =>
  defineChannel<OffscreenProtocol>(OFFSCREEN_CHANNEL, offscreenSchemas, send);
