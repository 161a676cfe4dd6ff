// The background channel, zod-free (the content script imports it): UI contexts → service worker.
// Its name, its protocol map, what it returns, and the client every UI sends with. The receiver's
// schemas are in background.schemas.ts, which only the service worker imports.
import { browser } from 'wxt/browser';
import type { AgentInfo } from '../contract/agent';
import type { CallRecord, Dispositions, Wrapup } from '../contract/call';
import type { Presence, PresenceChoice } from '../contract/presence';
import type { Settings } from '../contract/settings';
import type { Target } from '../contract/target';
import type { CallStats } from '../call/provider';
import type { CallError, CallSnapshot, ProviderStatus } from '../call/state';
import type { NumberTypesData } from '../detect/phoneMetadata';
import { createClient } from './client';

export const BACKGROUND_CHANNEL = 'c2c/background';
/** storage.session key of the published AppState, for extension pages (content scripts cannot read it). */
export const APP_STATE_KEY = 'appState';
/** Background → a tab's content script: `{ channel, state }`, that tab's view of the AppState. */
export const TAB_STATE_CHANNEL = 'c2c/tab-state';

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
  /** The agent's presence (src/background/presence.ts). */
  presence?: PresenceView;
  /** Inbound calls that rang here unanswered since the agent last opened the popup. */
  unseenMissed?: number;
}

export interface PresenceView {
  /** What the agent chose (or idleness set: `auto`). */
  choice: PresenceChoice;
  /** What the badge shows: also `on-call` and, signed out, `offline`. */
  shown: Presence;
  /** Away because the machine went idle or locked; back to Available on return. */
  auto: boolean;
}

export interface Diagnostics {
  extensionVersion: string;
  provider: ProviderStatus;
  signallingRttMs: number | null;
  call: (CallStats & { callId: string }) | null;
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
export type RecentCall = Pick<
  CallRecord,
  'uuid' | 'direction' | 'status' | 'createdAt' | 'answeredAt' | 'endedAt'
> & {
  contactName: string | null;
  extension: string | null;
  duration: number | null;
  outcome: string | null;
  notes: string | null;
  followUpOn: string | null;
  /** The other party's address (`tel:+E164`, `contact:<id>`), if known. */
  remote: string | null;
};

/** A number a CRM page showed, with its row's name, the record it links to and the page's title. */
export interface LearnedContact {
  /** E.164 with the leading `+`. */
  number: string;
  name: string;
  url: string;
  title: string;
}

/** At most this many entries per `learnContacts` message. */
export const LEARN_BATCH_MAX = 100;

export interface BackgroundProtocol {
  startCall(data: {
    target: Target;
    displayName?: string;
    /** The CRM page's title (its URL comes from the message's sender). */
    pageTitle?: string;
    clickedAt?: number;
  }): { callId: string };
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
  /** The outcomes to choose from after a call (the admin's list) and whether one is required. */
  dispositions(data: Record<string, never>): Dispositions;
  /**
   * The wrap-up draft of a call, kept in storage.local by the background (it outlives the tab and
   * the worker); with `draft`, saves that (null forgets it).
   */
  wrapupDraft(data: { callId: string; draft?: Wrapup | null }): { draft: Wrapup | null };
  /** Saves the wrap-up on the call's record; the draft is forgotten once the backend has it. */
  saveWrapup(data: { callId: string; wrapup: Wrapup }): WrapupSaved;
  /** For content scripts, which cannot read storage.local: the merged settings. */
  getSettings(data: Record<string, never>): Settings;
  /**
   * Without waiting for policy: the merged settings if policy is known (`confirmed`), else local
   * settings alone; a content script decorates with them and dials only after `getSettings` agrees.
   */
  getEarlySettings(data: Record<string, never>): { settings: Settings; confirmed: boolean };
  /**
   * The number types (full validity) for a content script: one message arrives while a large page
   * is still parsing, where the packaged file's body can take seconds (content/main.ts).
   */
  numberTypes(data: Record<string, never>): NumberTypesData;
  /** The agent sets their presence (`next`: the keyboard command's cycle). */
  setPresence(data: { presence: PresenceChoice | 'next' }): { choice: PresenceChoice };
  /** The agent has seen their missed calls (popup opened): the badge count and notifications clear. */
  seenMissed(data: Record<string, never>): null;
  /** The call bar's remembered position on the sender's site; with `position`, remembers that. */
  callBarPosition(data: { position?: { right: number; bottom: number } }): {
    right: number;
    bottom: number;
  } | null;
  /** From content scripts: numbers their page showed with a name (stored locally, see directory.ts). */
  learnContacts(data: { entries: LearnedContact[] }): null;
  /** The options page: how many numbers were learned; with `clear`, forgets them all first. */
  learnedContacts(data: { clear?: boolean }): { count: number };
  /** The dial pad: learned contacts whose name starts with `query`. */
  searchContacts(data: { query: string }): { items: LearnedContact[] };
  /** Focuses the tab showing the call's record, else opens it (the URL is the background's own). */
  openRecord(data: { callId: string }): null;
}

/** A saved wrap-up, or why the backend refused it (its message, for the agent). */
export type WrapupSaved = { ok: true; call: RecentCall } | { ok: false; error: string };

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
  'getEarlySettings',
  'numberTypes',
  'callBarPosition',
  'dispositions',
  'wrapupDraft',
  'saveWrapup',
  'learnContacts',
  'openRecord',
] as const);

/**
 * What a content script in a frame of its page may ask (src/content/frames.ts): it only has call
 * buttons. The call bar, with the call's controls and details, is the top document's.
 */
export const FRAME_METHODS: ReadonlySet<keyof BackgroundProtocol> = new Set([
  'startCall',
  'getSettings',
  'getEarlySettings',
  'numberTypes',
  'learnContacts',
] as const);

/** Background → a tab's top content script: `{ channel, error }`, why a frame's click did not call. */
export const CALL_ERROR_CHANNEL = 'c2c/call-error';

/** The client every UI (pages and content scripts) calls the background with. */
export const background = createClient<BackgroundProtocol>(BACKGROUND_CHANNEL, (m) =>
  browser.runtime.sendMessage(m),
);
