// The ids that cross a boundary (extension ↔ backend ↔ softphone) and the one pattern for each.

/** Unanchored sources, for composing (`tel:` URIs, signalling addresses). */
export const ID_SOURCES = {
  /** E.164 digits without the `+` (Vonage's number format). */
  e164Digits: String.raw`[1-9]\d{6,14}`,
  e164: String.raw`\+[1-9]\d{6,14}`,
  ext: String.raw`\d{1,10}`,
  /** Contact ids come from CRM records and vendor user names: printable, no spaces, bounded. */
  contactId: String.raw`[A-Za-z0-9][A-Za-z0-9_.@:-]{0,127}`,
  agentName: String.raw`[A-Za-z0-9][A-Za-z0-9_.-]{0,63}`,
} as const;

const whole = (source: string) => new RegExp(`^(?:${source})$`);

/** `+` and 7–15 digits. */
export const E164 = whole(ID_SOURCES.e164);
/** E.164 without the leading `+`. */
export const E164_DIGITS = whole(ID_SOURCES.e164Digits);
/** A phone extension: 1–10 digits. */
export const EXT = whole(ID_SOURCES.ext);
/** A CRM contact id, and a Vonage user name (app-to-app calls dial one). */
export const CONTACT_ID = whole(ID_SOURCES.contactId);
/** An agent's login name. */
export const AGENT_NAME = whole(ID_SOURCES.agentName);
/**
 * A signalling address: `tel:+E164` and `contact:<id>` are softphone lines, `agent:<name>` is an
 * agent, `agent:*` asks the backend for any available agent.
 */
export const ADDRESS = whole(
  `tel:${ID_SOURCES.e164}|contact:${ID_SOURCES.contactId}|agent:(?:\\*|${ID_SOURCES.agentName})`,
);
