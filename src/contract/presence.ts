// Agent presence as the extension and the backend share it: what an agent may choose, what the
// backend derives (on a call, offline), and the heartbeat that keeps a signed-in agent online.

/** What an agent sets (popup, keyboard command, or the extension after the machine goes idle). */
export const PRESENCE_CHOICES = ['available', 'away', 'dnd'] as const;
export type PresenceChoice = (typeof PRESENCE_CHOICES)[number];

/** What others see: the choice, or `on-call` while a call is live, or `offline`. */
export type Presence = PresenceChoice | 'on-call' | 'offline';

/** The extension repeats its presence this often while signed in (the heartbeat). */
export const PRESENCE_HEARTBEAT_MS = 30_000;
/** Without a heartbeat for this long the backend counts a signed-in agent as offline. */
export const PRESENCE_OFFLINE_AFTER_MS = 90_000;

/** `GET`/`PUT /api/presence`: the signed-in agent's own presence. */
export interface OwnPresence {
  /** What the agent chose. */
  choice: PresenceChoice;
  /** What routing and the admins see. */
  presence: Presence;
  /** When `choice` last changed (epoch ms). */
  since: number;
}

/** One agent's row for admins (`listPresence`). */
export interface AgentPresence {
  name: string;
  presence: Presence;
  /** When the agent's choice last changed, or when it was last seen for `offline` (epoch ms). */
  since: number;
  onCall: boolean;
}

export function isPresenceChoice(value: unknown): value is PresenceChoice {
  return (PRESENCE_CHOICES as readonly unknown[]).includes(value);
}
