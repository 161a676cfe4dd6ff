// What instances send each other on the signal bus, and the rows and records the bus keeps.
import type { Address, ClientMessage } from '../../src/call/signalling';
import type { Party } from './signalBus';

export type Envelope =
  /** Deliver the server message `d` to local socket `c`. */
  | { k: 'd'; f: string; c: string; d: string }
  /** Client message `m` from socket `c` on instance `f`. */
  | { k: 'c'; f: string; c: string; m: ClientMessage }
  /** Socket `c` on instance `f` is gone (`a`: its instance is stopping, the side will resume). */
  | { k: 'g'; f: string; c: string; a?: 1 }
  /** Socket `c` on instance `f` (agent `g`, lines `l`) resumes call `i` held here. */
  | { k: 'r'; f: string; c: string; i: string; g: string; l: Address[] }
  /** Instance `f` is stopping: hold call `i` for local socket `c` from now on. */
  | { k: 'h'; f: string; c: string; i: string }
  /** Close local socket `c`. */
  | { k: 'x'; f: string; c: string; code: number; reason: string };

export interface Forward {
  owner: string;
  party: Party;
  peer?: Address;
  answered: boolean;
}

export interface PresenceRow {
  address: string;
  instance: string;
  conn_id: string;
  agent: string;
  has_lines: number;
}
