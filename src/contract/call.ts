// A call record as the backend's `GET /api/calls` returns it (history items and live updates).

export interface CallRecord {
  uuid: string;
  provider: 'vonage' | 'builtin' | 'clevertap';
  direction: 'inbound' | 'outbound';
  status: string;
  /** Why the backend refused or ended it (`country-not-allowed`, …), if it did. */
  reason: string | null;
  agent: string | null;
  from: string | null;
  to: string | null;
  conversationUuid: string | null;
  parentUuid: string | null;
  createdAt: number;
  startedAt: number | null;
  answeredAt: number | null;
  /** Who answered: the agent whose connection answered (built-in), or as Vonage's legs tell. */
  answeredBy: string | null;
  endedAt: number | null;
  duration: number | null;
  price: string | null;
  rate: string | null;
  network: string | null;
  /** Who the call was with: the CRM row's display name, or the caller's name once known. */
  contactName?: string | null;
  /** The dialled number's extension (`x12`), digits only. */
  extension?: string | null;
  /** The CRM page (http(s) URL and title) the call was placed from. */
  pageUrl?: string | null;
  pageTitle?: string | null;
  /** Wrap-up: the outcome from the admin's disposition list, notes, a follow-up date (`YYYY-MM-DD`). */
  outcome?: string | null;
  notes?: string | null;
  followUpOn?: string | null;
}

/** One page of `GET /api/calls`, newest first; `nextCursor` asks for the next one. */
export interface CallsPage {
  items: CallRecord[];
  nextCursor: string | null;
}

/** Limits of the call's details and wrap-up, the same at every boundary (message, API, database). */
export const CALL_LIMITS = {
  contactName: 200,
  pageUrl: 2000,
  pageTitle: 300,
  /** One disposition's label. */
  outcome: 60,
  dispositions: 30,
  notes: 5000,
} as const;

/** `YYYY-MM-DD`. */
export const DATE_ONLY = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/** Where the agent placed an outbound call from (travels with the call's start). */
export interface CallContext {
  contactName?: string;
  pageUrl?: string;
  pageTitle?: string;
}

/** The wrap-up as the agent saves it (`PUT /api/calls/:id/wrapup`). */
export interface Wrapup {
  outcome: string | null;
  notes: string;
  followUpOn: string | null;
}

/** `GET /api/dispositions`: the outcomes an agent may choose and whether one is required. */
export interface Dispositions {
  items: string[];
  requireOutcome: boolean;
}

/** The dispositions a deployment starts with. */
export const DEFAULT_DISPOSITIONS: readonly string[] = [
  'Connected',
  'Left voicemail',
  'No answer',
  'Wrong number',
  'Not interested',
  'Follow up',
];
