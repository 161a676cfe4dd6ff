// A call record as the backend's `GET /api/calls` returns it (history items and live updates).

export interface CallRecord {
  uuid: string;
  provider: 'vonage' | 'builtin';
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
}

/** One page of `GET /api/calls`, newest first; `nextCursor` asks for the next one. */
export interface CallsPage {
  items: CallRecord[];
  nextCursor: string | null;
}
