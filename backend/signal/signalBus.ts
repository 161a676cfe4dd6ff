// The relay's view of other instances: what a call's party is, and what the relay and the bus ask of each other.
import type { Address, ClientMessage } from '../../src/call/signalling';

/** One side of a call as the relay sees it: a local socket, or a stand-in for one on another instance. */
export interface Party {
  id: string;
  socket: { send(data: string): void; close(code: number, reason: string): void };
  agent?: string;
  identity?: Address;
  lines: Set<Address>;
  calls: Set<string>;
  closed: boolean;
}

/** What the bus asks of the relay for messages that arrive from other instances. */
export interface RelayHooks {
  /** A client message from a party on another instance, for a call this instance holds. */
  message(party: Party, message: ClientMessage): void;
  /**
   * A party on another instance is gone; `away` when its instance is stopping or died (the side
   * will resume elsewhere, so its answered calls are held), not when its socket closed.
   */
  gone(party: Party, away?: boolean): void;
  /** A party on another instance resumes a call this instance holds. */
  resume(party: Party, callId: string): void;
  /** The instance holding a local party's call is stopping or died: this instance holds it now. */
  adopt(party: Party, callId: string): void;
  /** A local party was replaced by a newer connection on another instance. */
  kick(party: Party, code: number, reason: string): void;
}

/**
 * The relay's view of the other instances. A call lives on the caller's instance; the callee on
 * another instance is a stand-in `Party` there whose socket publishes to the callee's instance, and
 * the callee's instance forwards that party's messages for the call back to the caller's.
 */
export interface SignalBus {
  attach(hooks: RelayHooks): void;
  /** A local socket signed in: its identity is now reachable from every instance. */
  online(party: Party): Promise<void>;
  /** A local socket registered a line address. */
  registered(party: Party, address: Address): Promise<void>;
  /** A local socket no longer holds a line (the admin unbound it). */
  released(party: Party, address: Address): Promise<void>;
  /** A local socket closed (stand-ins are ignored); `leaving` when this instance is stopping. */
  offline(party: Party, leaving?: boolean): void;
  /** The party holding `address` on another live instance. */
  find(address: Address): Promise<Party | undefined>;
  /** The free agents (no lines, not in a call) on other live instances, for `agent:*`. */
  freeAgents(): Promise<Party[]>;
  /** Sends a local party's message for a call held by another instance; false if it is not one. */
  forward(party: Party, message: ClientMessage): boolean;
  /**
   * This instance holds an answered call for a side that is away, until `graceUntil`; false when
   * another live instance already holds it.
   */
  hold(callId: string, graceUntil: number): Promise<boolean>;
  /** The held call has both sides again, or ended. */
  release(callId: string): void;
  /**
   * A local party resumes a call another live instance holds: joins it there (true), or false when
   * no other instance holds it.
   */
  resume(party: Party, callId: string): Promise<boolean>;
  /** This instance is stopping: the instance of `remote` (a stand-in) holds the call from now on. */
  handover(remote: Party, callId: string): void;
  close(): Promise<void>;
}
