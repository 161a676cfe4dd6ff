// An agent as the backend shows it: to the signed-in extension (`/api/session`) and to admins (CLI).

/** What the extension knows of its signed-in agent. */
export interface AgentInfo {
  name: string;
  admin: boolean;
  /** The agent's Vonage user name (Vonage provider). */
  vonageUser?: string;
  /** The agent's CleverTap Signed Call cuid (CleverTap provider). */
  cuid?: string;
}

/** The admin's view (CLI): also whether the account is disabled; a disabled agent cannot sign in. */
export interface AgentAccount extends AgentInfo {
  disabled: boolean;
}
