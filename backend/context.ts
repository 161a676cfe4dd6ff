// What the app's handlers share: configuration, storage, logging, and the Hono environment type.
import type { KeyObject } from 'node:crypto';
import type { Config } from './config';
import type { AgentRow } from './db/schema';
import type { Store } from './db/store';
import type { Ingestor } from './ingest';
import type { Logger } from './log';

export interface AppDeps {
  config: Config;
  store: Store;
  ingestor: Ingestor;
  log: Logger;
  /** The Vonage application's private key, when Vonage is configured. */
  vonageKey?: KeyObject;
  /** Aborted at shutdown: long-lived responses (SSE) end so the server can close. */
  shutdown?: AbortSignal;
  /** Aborted when shutdown begins, before `shutdown`: `/readyz` fails so load balancers move away. */
  draining?: AbortSignal;
  /** Called after sign-out so live sockets of that session close. */
  onSessionRevoked?: (tokenHash: string) => void;
}

export interface AppEnv {
  Variables: {
    requestId: string;
    agent: AgentRow;
    tokenHash: string;
  };
}
