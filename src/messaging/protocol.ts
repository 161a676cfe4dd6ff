// The extension's channels: UI contexts → background, background → offscreen, offscreen → background.
import { z } from 'zod';
import {
  callSnapshotSchema,
  providerStatusSchema,
  type CallError,
  type CallSnapshot,
  type ProviderStatus,
} from '../call/state';
import { targetSchema, type Target } from '../call/target';
import { settingsSchema, type Settings } from '../settings/schema';
import { DTMF_DIGITS } from '../call/provider';
import { defineChannel, type Envelope, type Schemas } from './channel';
import { BACKGROUND_CHANNEL, OFFSCREEN_CHANNEL, OFFSCREEN_EVENTS_CHANNEL } from './client';

export interface AgentInfo {
  name: string;
  admin: boolean;
  vonageUser?: string;
  cuid?: string;
}
export const agentInfoSchema = z.object({
  name: z.string(),
  admin: z.boolean(),
  vonageUser: z.string().optional(),
  cuid: z.string().optional(),
});

/** What every UI shows: who is signed in, the provider's session, the live call. */
export interface AppState {
  agent: AgentInfo | null;
  backendUrl: string;
  provider: ProviderStatus;
  call: CallSnapshot | null;
  /** An incoming call that arrived during `call` (call waiting). */
  waiting: CallSnapshot | null;
  /** The last failure that did not belong to a call (sign-in, start-up), cleared by the next success. */
  lastError: CallError | null;
}

export interface Diagnostics {
  extensionVersion: string;
  provider: ProviderStatus;
  signallingRttMs: number | null;
  call: {
    callId: string;
    connectionState: string;
    bytesSent: number;
    bytesReceived: number;
    packetsLost: number;
    jitterMs: number | null;
    roundTripMs: number | null;
  } | null;
  microphone: 'granted' | 'denied' | 'prompt' | 'unknown';
  /** Latency of the last outbound call, from the agent's click (epoch ms with sub-ms precision). */
  lastCallTiming: CallTiming | null;
}

export interface CallTiming {
  /** Click → the provider's startCall invoked (the number this product promises). */
  clickToProviderMs: number;
  /** Click → the provider reported the call placed (e.g. the invite sent, serverCall returned). */
  clickToPlacedMs: number;
}

/** One row of the agent's call history (`GET /api/calls`), as the popup shows it. */
export interface RecentCall {
  uuid: string;
  direction: 'inbound' | 'outbound';
  status: string;
  /** The other party's address (`tel:+E164`, `contact:<id>`), if known. */
  remote: string | null;
  createdAt: number;
  answeredAt: number | null;
  endedAt: number | null;
}
export const recentCallSchema = z.object({
  uuid: z.string(),
  direction: z.enum(['inbound', 'outbound']),
  status: z.string(),
  remote: z.string().nullable(),
  createdAt: z.number(),
  answeredAt: z.number().nullable(),
  endedAt: z.number().nullable(),
});

const empty = z.object({}).strict();
const displayName = z.string().max(200).optional();

export interface BackgroundProtocol {
  startCall(data: { target: Target; displayName?: string; clickedAt?: number }): { callId: string };
  hangup(data: Record<string, never>): null;
  answer(data: Record<string, never>): null;
  decline(data: Record<string, never>): null;
  setMuted(data: { muted: boolean }): null;
  sendDtmf(data: { digits: string }): null;
  getState(data: Record<string, never>): AppState;
  signIn(data: { backendUrl?: string; accessKey: string }): AgentInfo;
  signOut(data: Record<string, never>): null;
  getDiagnostics(data: Record<string, never>): Diagnostics;
  /** The signed-in agent's latest calls, fetched by the background (the token never leaves it). */
  recentCalls(data: { limit: number }): { items: RecentCall[] };
  /** For content scripts, which cannot read storage.local: the merged settings. */
  getSettings(data: Record<string, never>): Settings;
  /** The call bar's remembered position on the sender's site; with `position`, remembers that. */
  callBarPosition(data: { position?: { right: number; bottom: number } }): {
    right: number;
    bottom: number;
  } | null;
}
const backgroundSchemas: Schemas<BackgroundProtocol> = {
  startCall: z
    .object({ target: targetSchema, displayName, clickedAt: z.number().optional() })
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
  getSettings: empty,
  callBarPosition: z
    .object({
      position: z.object({ right: z.number().finite(), bottom: z.number().finite() }).optional(),
    })
    .strict(),
};

/** Methods a content script (CRM page) may call; the rest are for extension pages only. */
export const CONTENT_SCRIPT_METHODS: ReadonlySet<keyof BackgroundProtocol> = new Set([
  'startCall',
  'hangup',
  'answer',
  'decline',
  'setMuted',
  'sendDtmf',
  'getState',
  'getSettings',
  'callBarPosition',
] as const);

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

const callRef = z.object({ callId: z.string().min(1).max(100) }).strict();

export interface OffscreenProtocol {
  configure(data: { config: OffscreenConfig | null }): OffscreenState;
  startCall(data: {
    callId: string;
    target: Target;
    displayName?: string;
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
const offscreenSchemas: Schemas<OffscreenProtocol> = {
  configure: z.object({ config: offscreenConfigSchema.nullable() }).strict(),
  startCall: z
    .object({
      callId: z.string().min(8).max(100),
      target: targetSchema,
      displayName,
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

export interface OffscreenEventsProtocol {
  stateChanged(data: { state: OffscreenState; reason?: string }): null;
}
const offscreenEventSchemas: Schemas<OffscreenEventsProtocol> = {
  stateChanged: z
    .object({ state: offscreenStateSchema, reason: z.string().max(100).optional() })
    .strict(),
};

type Send = (message: Envelope) => Promise<unknown>;

export const backgroundChannel = (send: Send) =>
  defineChannel<BackgroundProtocol>(BACKGROUND_CHANNEL, backgroundSchemas, send);
export const offscreenChannel = (send: Send) =>
  defineChannel<OffscreenProtocol>(OFFSCREEN_CHANNEL, offscreenSchemas, send);
export const offscreenEventsChannel = (send: Send) =>
  defineChannel<OffscreenEventsProtocol>(OFFSCREEN_EVENTS_CHANNEL, offscreenEventSchemas, send);

export { APP_STATE_KEY } from './client';
