/* eslint-disable max-lines -- one state machine: each signalling message's checks and routing read the same per-call state */
// The built-in provider's signalling relay: authenticates sockets, routes invites to line addresses
// and agents, relays call messages between the two parties of a call, and records every call.
import { randomUUID } from 'node:crypto';
import { setImmediate as yieldToIo } from 'node:timers/promises';
import {
  CLOSE_REPLACED,
  CLOSE_UNAUTHORIZED,
  clientMessageSchema,
  type Address,
  type ClientMessage,
  type ServerMessage,
} from '../../src/call/signalling';
import { hashToken } from '../agents';
import { answeredRecord, endedRecord, relayedCallRecord, saveCallRecord } from '../calls/builtin';
import { claimLongestIdle } from '../db/presenceStore';
import type { NewCall } from '../db/schema';
import type { Store } from '../db/store';
import { FINAL_STATUSES } from '../calls/status';
import { mayRegisterLine } from '../lines';
import type { Logger } from '../log';
import type { PresenceLink } from '../presence';
import { RateLimiter } from '../rateLimit';
import type { Party, SignalBus } from './signalBus';

export const AUTH_TIMEOUT_MS = 10_000;
/** An invite nobody answers is ended by the relay after this long. */
export const RING_TIMEOUT_MS = 60_000;
/** At shutdown, how many rounds of pending record writes are awaited before sockets close. */
const CLOSE_FLUSH_ROUNDS = 5;
/** How often live sockets' sessions are checked again. */
export const SESSION_RECHECK_MS = 30_000;
/** The session recheck yields to I/O after this long. */
const RECHECK_SLICE_MS = 2;
/**
 * After a backend restart, an answered call resumed by one side waits this long for the other side
 * to resume too (its signalling reconnects with backoff); then it ends as `disconnected`.
 */
export const RESUME_GRACE_MS = 30_000;

/** The transport the relay needs from a WebSocket. */
export interface SignalSocket {
  send(data: string): void;
  close(code: number, reason: string): void;
}

interface Conn extends Party {
  id: string;
  socket: SignalSocket;
  agent?: string;
  identity?: Address;
  tokenHash?: string;
  expiresAt?: number;
  lines: Set<Address>;
  calls: Set<string>;
  closed: boolean;
  authTimer?: NodeJS.Timeout;
  /** A resumed call's side that has not come back yet: what the relay sent it meanwhile. */
  held?: ServerMessage[];
}

/** At most this many messages are held for a side that has not resumed yet (the rest are dropped). */
const HELD_MAX = 200;

interface Call {
  id: string;
  caller: Conn;
  callee: Conn;
  from: Address;
  to: Address;
  answered: boolean;
  record: NewCall;
  /** Serialises the call's record writes. */
  writes: Promise<void>;
  ringTimer?: NodeJS.Timeout;
  /** A resumed call whose other side has not come back yet: ends it after RESUME_GRACE_MS. */
  graceTimer?: NodeJS.Timeout;
  /** Other instances can find this call (held for a side that is away). */
  shared?: boolean;
}

export interface SignalConnection {
  onMessage(data: string): void;
  onClose(): void;
}

export class SignalRelay {
  private readonly addresses = new Map<Address, Conn>();
  private readonly calls = new Map<string, Call>();
  private readonly conns = new Set<Conn>();
  private readonly invites = new RateLimiter(30, 60_000);
  /** Set at shutdown: answered calls are left to resume on the next instance, not ended. */
  private closing = false;

  private readonly recheck: NodeJS.Timeout;

  constructor(
    private readonly store: Store,
    private readonly log: Logger,
    recheckMs = SESSION_RECHECK_MS,
    private readonly resumeGraceMs = RESUME_GRACE_MS,
    /** Other instances (PostgreSQL); without it every party is on this instance. */
    private readonly bus?: SignalBus,
    /** Told when an agent's socket authenticates and closes: the connection is its heartbeat. */
    private readonly presence?: PresenceLink,
  ) {
    bus?.attach({
      message: (party, message) => {
        const { t } = message;
        if (t === 'auth' || t === 'register' || t === 'invite' || t === 'ping') return;
        this.inOrder(party, () => this.relay(party as Conn, message));
      },
      gone: (party, away) =>
        this.inOrder(party, () => (away ? this.hold(party as Conn) : this.drop(party as Conn))),
      resume: (party, callId) => this.inOrder(party, () => this.resume(party as Conn, callId)),
      adopt: (party, callId) => void this.adopt(party as Conn, callId),
      kick: (party, code, reason) => this.kick(party as Conn, code, reason),
    });
    // Sessions end elsewhere too (another instance, the admin CLI disabling an agent or rotating a key).
    this.recheck = setInterval(() => void this.recheckSessions(), recheckMs);
    this.recheck.unref();
  }

  /**
   * What a party on another instance sends is handled in the order it came, as a local socket's is:
   * its `resume` (which may rebuild the call, with database round trips) before the ICE it sent
   * right after, which otherwise found it not yet in the call ("unknown-call") and was lost.
   */
  private readonly remoteQueues = new WeakMap<Party, Promise<void>>();

  private inOrder(party: Party, work: () => void | Promise<void>): void {
    const next = (this.remoteQueues.get(party) ?? Promise.resolve()).then(work).catch((error) => {
      this.log.error('signalling handler failed', { error, conn: party.id });
    });
    this.remoteQueues.set(party, next);
  }

  private async recheckSessions(): Promise<void> {
    const now = Date.now();
    let slice = performance.now();
    for (const conn of [...this.conns]) {
      // SQLite answers synchronously: thousands of sockets checked in one go would hold the event
      // loop (a webhook waiting behind them) for a hundred milliseconds or more. Let I/O in often.
      if (performance.now() - slice > RECHECK_SLICE_MS) {
        await yieldToIo();
        slice = performance.now();
      }
      if (!conn.tokenHash || conn.closed) continue;
      try {
        if (!(await this.store.getSession(conn.tokenHash, now))) {
          this.error(conn, 'unauthorized', 'Session ended: sign in again');
          this.kick(conn, CLOSE_UNAUTHORIZED, 'session ended');
          continue;
        }
        // A line the admin removed or bound to someone else stops ringing here.
        for (const line of [...conn.lines]) {
          if ((await mayRegisterLine(this.store, conn.agent!, line)) || conn.closed) continue;
          conn.lines.delete(line);
          if (this.addresses.get(line) === conn) this.addresses.delete(line);
          await this.bus?.released(conn, line);
          this.error(conn, 'address-taken', `${line} is no longer bound to you`);
        }
      } catch {
        // database briefly unavailable: check again next time
      }
    }
  }

  /** Called for every accepted WebSocket; returns the handlers for its messages and close. */
  connect(socket: SignalSocket): SignalConnection {
    const conn: Conn = {
      id: randomUUID(),
      socket,
      lines: new Set(),
      calls: new Set(),
      closed: false,
    };
    this.conns.add(conn);
    conn.authTimer = setTimeout(() => {
      if (!conn.identity) this.kick(conn, CLOSE_UNAUTHORIZED, 'auth timeout');
    }, AUTH_TIMEOUT_MS);
    let queue = Promise.resolve();
    return {
      // Messages are handled in order even though authentication is asynchronous.
      onMessage: (data) => {
        queue = queue
          .then(() => this.handle(conn, data))
          .catch((error) => {
            this.log.error('signalling handler failed', { error, conn: conn.id });
          });
      },
      onClose: () => {
        queue = queue.then(() => this.drop(conn));
      },
    };
  }

  /** Closes every socket signed in with this session (sign-out). */
  revokeSession(tokenHash: string): void {
    for (const conn of this.conns)
      if (conn.tokenHash === tokenHash) this.kick(conn, CLOSE_UNAUTHORIZED, 'signed out');
  }

  /**
   * Closes every socket (shutdown; clients reconnect). Answered calls are not ended: their media is
   * peer to peer, and both sides resume them on the next instance. Calls still ringing end.
   * Resolves when call records are written.
   */
  async close(): Promise<void> {
    clearInterval(this.recheck);
    // The records first. A side that reconnects elsewhere, and the instance a call is handed over
    // to, rebuild the call from its record: they must read what this instance knows. An answer just
    // relayed, still on its way to the database, read back as ringing: the rebuilt call ended as
    // never answered. Sockets close only once no write is pending (a few rounds at most: on a busy
    // instance new ones keep coming; the handovers below wait for their own call's writes too).
    for (let round = 0; round < CLOSE_FLUSH_ROUNDS && this.pendingWrites.size > 0; round++)
      await Promise.all([...this.pendingWrites]);
    this.closing = true;
    for (const conn of [...this.conns]) {
      try {
        conn.socket.close(1001, 'server shutting down');
      } catch {
        // already closed
      }
      this.drop(conn);
    }
    await Promise.all([...this.pendingWrites]);
  }

  /** Whether an agent is connected and free (for tests and diagnostics). */
  isAvailable(agent: string): boolean {
    const conn = this.addresses.get(`agent:${agent}` as Address);
    return !!conn && conn.calls.size === 0;
  }

  private readonly pendingWrites = new Set<Promise<void>>();

  private send(conn: Conn, message: ServerMessage): void {
    if (conn.held) {
      if (conn.held.length < HELD_MAX) conn.held.push(message);
      return;
    }
    if (conn.closed) return;
    try {
      conn.socket.send(JSON.stringify(message));
    } catch {
      // the close handler cleans up
    }
  }

  private error(
    conn: Conn,
    code: Extract<ServerMessage, { t: 'error' }>['code'],
    message: string,
    callId?: string,
  ) {
    this.send(conn, callId ? { t: 'error', callId, code, message } : { t: 'error', code, message });
  }

  private kick(conn: Conn, code: number, reason: string) {
    try {
      conn.socket.close(code, reason);
    } catch {
      // already closed
    }
    this.drop(conn);
  }

  private async handle(conn: Conn, data: string): Promise<void> {
    if (conn.closed) return;
    let message: ClientMessage;
    try {
      const parsed = clientMessageSchema.safeParse(JSON.parse(data));
      if (!parsed.success) throw new Error(parsed.error.issues[0]?.message ?? 'invalid');
      message = parsed.data;
    } catch (error) {
      if (!conn.identity) {
        this.error(conn, 'unauthorized', 'The first message must be {"t":"auth","token":…}');
        this.kick(conn, CLOSE_UNAUTHORIZED, 'auth required');
        return;
      }
      const callId = safeCallId(data);
      this.error(
        conn,
        'bad-message',
        `Bad message: ${(error as Error).message}`.slice(0, 500),
        callId,
      );
      return;
    }
    if (!conn.identity) {
      if (message.t !== 'auth') {
        this.error(conn, 'unauthorized', 'The first message must be {"t":"auth","token":…}');
        this.kick(conn, CLOSE_UNAUTHORIZED, 'auth required');
        return;
      }
      await this.auth(conn, message.token);
      return;
    }
    if (conn.expiresAt !== undefined && Date.now() > conn.expiresAt) {
      this.error(conn, 'unauthorized', 'Session expired: sign in again');
      this.kick(conn, CLOSE_UNAUTHORIZED, 'session expired');
      return;
    }
    switch (message.t) {
      case 'auth':
        this.error(conn, 'bad-message', 'Already authenticated');
        return;
      case 'ping':
        this.send(conn, { t: 'pong', id: message.id });
        return;
      case 'register':
        await this.register(conn, message.address);
        return;
      case 'invite':
        await this.invite(conn, message);
        return;
      case 'resume':
        await this.resume(conn, message.callId);
        return;
      default:
        this.relay(conn, message);
    }
  }

  private async auth(conn: Conn, token: string): Promise<void> {
    const tokenHash = hashToken(token);
    const session = await this.store.getSession(tokenHash, Date.now());
    if (conn.closed) return;
    if (!session) {
      this.error(conn, 'unauthorized', 'Invalid, expired or revoked session token');
      this.kick(conn, CLOSE_UNAUTHORIZED, 'invalid token');
      return;
    }
    clearTimeout(conn.authTimer);
    const identity = `agent:${session.agent.name}` as Address;
    const older = this.addresses.get(identity);
    if (older && older !== conn) this.kick(older, CLOSE_REPLACED, 'replaced by a newer connection');
    conn.agent = session.agent.name;
    conn.identity = identity;
    conn.tokenHash = tokenHash;
    conn.expiresAt = session.expiresAt;
    this.addresses.set(identity, conn);
    this.presence?.opened(conn.agent);
    await this.bus?.online(conn);
    this.send(conn, { t: 'ready', identity });
  }

  private async register(conn: Conn, address: Address): Promise<void> {
    if (address.startsWith('agent:')) {
      this.error(conn, 'bad-message', 'Only tel: and contact: addresses can be registered');
      return;
    }
    // Only the agent an admin bound the line to may hold it: anyone else would receive its invites.
    const allowed = await mayRegisterLine(this.store, conn.agent!, address);
    if (conn.closed) return;
    if (!allowed) {
      // The same answer whether another agent owns it or nobody does: no probing who owns what.
      this.log.warn('line registration refused', { agent: conn.agent, address });
      this.error(
        conn,
        'address-taken',
        `${address} is not bound to you: an admin binds it with npm run admin -- line add ${address} ${conn.agent}`,
      );
      return;
    }
    // The same agent's newer connection (a reloaded softphone) takes the line over.
    const older = this.addresses.get(address);
    if (older && older !== conn)
      this.kick(older, CLOSE_REPLACED, `${address} registered by a newer connection`);
    conn.lines.add(address);
    this.addresses.set(address, conn);
    await this.bus?.registered(conn, address);
    this.send(conn, { t: 'registered', address });
  }

  /** The sender's own address: its first registered line, else its agent identity. */
  private addressOf(conn: Conn): Address {
    const [line] = conn.lines;
    return line ?? conn.identity!;
  }

  /**
   * For `agent:*`: of the agents free on any instance (connected, no lines, not in a call), the
   * Available one that waited longest, claimed in the database so no other invite gets it too.
   */
  private async pickAgent(exclude: Conn): Promise<Party | undefined> {
    const free = new Map<string, Party>();
    for (const party of (await this.bus?.freeAgents()) ?? []) free.set(party.agent!, party);
    for (const [address, c] of this.addresses) {
      if (address.startsWith('agent:') && c !== exclude && c.lines.size === 0 && c.calls.size === 0)
        free.set(c.agent!, c);
    }
    free.delete(exclude.agent!);
    if (free.size === 0) return undefined;
    const name = await this.store.write(
      (trx) =>
        claimLongestIdle(
          trx,
          this.store.handle.dialect,
          [...free.keys()],
          Date.now(),
          RING_TIMEOUT_MS,
        ),
      { durable: false },
    );
    return name === undefined ? undefined : free.get(name);
  }

  private async invite(
    conn: Conn,
    message: Extract<ClientMessage, { t: 'invite' }>,
  ): Promise<void> {
    const { callId } = message;
    if (this.invites.hit(conn.agent!) > 0) {
      this.error(conn, 'rate-limited', 'Too many calls: wait a minute', callId);
      return;
    }
    if (this.calls.has(callId)) {
      this.error(conn, 'bad-message', 'callId already in use', callId);
      return;
    }
    const from = this.addressOf(conn);
    const callee: Conn | undefined =
      message.to === 'agent:*'
        ? ((await this.pickAgent(conn)) as Conn | undefined)
        : (this.addresses.get(message.to) ?? (await this.bus?.find(message.to)));
    if (conn.closed) return;
    const to = callee ? (message.to === 'agent:*' ? callee.identity! : message.to) : message.to;
    const record = relayedCallRecord({
      callId,
      callerAgent: conn.agent!,
      callerHasLines: conn.lines.size > 0,
      ...(callee ? { callee: { agent: callee.agent!, hasLines: callee.lines.size > 0 } } : {}),
      from,
      to,
      now: Date.now(),
      ...(message.ext ? { ext: message.ext } : {}),
      ...(message.context ? { context: message.context } : {}),
    });
    if (!callee || callee === conn) {
      const why =
        message.to === 'agent:*'
          ? 'Nobody is available to take the call right now'
          : `${message.to} is not connected`;
      this.error(conn, 'unreachable', why, callId);
      this.write(record, { ...record, status: 'failed', reason: 'unreachable' }, [conn.agent]);
      return;
    }
    if (callee.calls.size > 0) {
      this.error(conn, 'busy', `${to} is on another call`, callId);
      this.write(record, { ...record, status: 'busy', reason: 'busy' }, [conn.agent, callee.agent]);
      return;
    }
    const call: Call = {
      id: callId,
      caller: conn,
      callee,
      from,
      to,
      answered: false,
      record,
      writes: Promise.resolve(),
    };
    this.calls.set(callId, call);
    conn.calls.add(callId);
    callee.calls.add(callId);
    call.ringTimer = setTimeout(() => this.end(call, undefined, 'no-answer'), RING_TIMEOUT_MS);
    this.persist(call, record);
    const invite: ServerMessage = { t: 'invite', callId, from, to, sdp: message.sdp };
    if (message.displayName !== undefined) invite.displayName = message.displayName;
    this.send(callee, invite);
  }

  private relay(
    conn: Conn,
    message: Exclude<ClientMessage, { t: 'auth' | 'register' | 'invite' | 'ping' }>,
  ): void {
    const call = this.calls.get(message.callId);
    if (!call || (call.caller !== conn && call.callee !== conn)) {
      if (this.bus?.forward(conn, message)) return;
      this.error(conn, 'unknown-call', 'No such call on this connection', message.callId);
      return;
    }
    const other = call.caller === conn ? call.callee : call.caller;
    const from = call.caller === conn ? call.from : call.to;
    switch (message.t) {
      case 'ringing':
        if (conn !== call.callee)
          return this.error(conn, 'bad-message', 'Only the callee rings', call.id);
        this.send(other, { t: 'ringing', callId: call.id, from });
        return;
      case 'answer': {
        if (conn !== call.callee)
          return this.error(conn, 'bad-message', 'Only the callee answers', call.id);
        if (call.answered) return this.error(conn, 'bad-message', 'Already answered', call.id);
        call.answered = true;
        clearTimeout(call.ringTimer);
        call.record = answeredRecord(call.record, conn.agent ?? null, Date.now());
        this.persist(call, call.record);
        this.send(other, { t: 'answer', callId: call.id, from, sdp: message.sdp });
        return;
      }
      case 'ice':
        this.send(other, { t: 'ice', callId: call.id, from, candidate: message.candidate });
        return;
      case 'dtmf':
        this.send(other, { t: 'dtmf', callId: call.id, from, digits: message.digits });
        return;
      case 'renegotiate':
        // An ICE restart: the caller (who made the first offer) offers, the callee answers.
        if (!call.answered || (message.kind === 'offer') !== (conn === call.caller))
          return this.error(
            conn,
            'bad-message',
            'Only the caller re-offers, and only the callee answers it, in an answered call',
            call.id,
          );
        this.send(other, {
          t: 'renegotiate',
          callId: call.id,
          from,
          kind: message.kind,
          sdp: message.sdp,
        });
        return;
      case 'hangup':
        this.end(call, conn, message.reason);
        return;
    }
  }

  /** Ends a call: tells the other party (or both, when the relay ends it) and finalises the record. */
  private end(
    call: Call,
    by: Conn | undefined,
    reason: Extract<ClientMessage, { t: 'hangup' }>['reason'],
  ): void {
    if (!this.calls.has(call.id)) return;
    this.log.debug('call ended', {
      callId: call.id,
      reason,
      by: by ? (by === call.caller ? 'caller' : 'callee') : 'relay',
    });
    this.calls.delete(call.id);
    clearTimeout(call.ringTimer);
    clearTimeout(call.graceTimer);
    if (call.shared) this.bus?.release(call.id);
    call.caller.calls.delete(call.id);
    call.callee.calls.delete(call.id);
    if (by) {
      const other = by === call.caller ? call.callee : call.caller;
      this.send(other, {
        t: 'hangup',
        callId: call.id,
        from: by === call.caller ? call.from : call.to,
        reason,
      });
    } else {
      this.send(call.caller, { t: 'hangup', callId: call.id, from: call.to, reason });
      this.send(call.callee, { t: 'hangup', callId: call.id, from: call.from, reason });
    }
    call.record = endedRecord(call.record, {
      answered: call.answered,
      reason,
      byCallee: by === call.callee,
      now: Date.now(),
    });
    this.persist(call, call.record);
  }

  private persist(call: Call, record: NewCall): void {
    call.writes = call.writes.then(() => this.save(record, [call.caller.agent, call.callee.agent]));
    this.track(call.writes);
  }

  private write(_initial: NewCall, record: NewCall, agents: (string | undefined)[]): void {
    this.track(this.save(record, agents));
  }

  private track(p: Promise<void>) {
    this.pendingWrites.add(p);
    void p.finally(() => this.pendingWrites.delete(p));
  }

  private async save(record: NewCall, agents: (string | undefined)[]): Promise<void> {
    try {
      await saveCallRecord(this.store, record, agents);
    } catch (error) {
      this.log.error('call record write failed', { error, uuid: record.uuid });
    }
  }

  /** Drops a call from memory only (shutdown): its record stays as it is, for the next instance. */
  private forget(call: Call): void {
    this.calls.delete(call.id);
    clearTimeout(call.ringTimer);
    clearTimeout(call.graceTimer);
    call.caller.calls.delete(call.id);
    call.callee.calls.delete(call.id);
  }

  /**
   * A side that reconnected says it is still in a call. Joins it to the call this instance knows, or
   * to the one another instance holds for it, or rebuilds the call from its record (a restarted
   * backend).
   */
  private async resume(conn: Conn, callId: string): Promise<void> {
    let call = this.calls.get(callId);
    // Another instance holds it for this side (the side's previous instance stopped).
    if (!call && (await this.bus?.resume(conn, callId))) return;
    if (conn.closed) return;
    call = this.calls.get(callId);
    if (!call) {
      await this.rebuild(conn, callId);
      return;
    }
    if (call.caller === conn || call.callee === conn) return; // already in it
    const side = this.sideOf(conn, call.from, call.to);
    const slot = side === 'caller' ? call.caller : side === 'callee' ? call.callee : undefined;
    // The side's earlier socket is gone, or was on another instance (which may have died before
    // anyone noticed): the side's newer connection takes its place.
    if (!side || !slot || (!slot.closed && this.conns.has(slot))) {
      this.error(conn, 'unknown-call', 'No such call on this connection', callId);
      return;
    }
    slot.calls.delete(callId);
    if (side === 'caller') call.caller = conn;
    else call.callee = conn;
    conn.calls.add(callId);
    // What the other side sent before this one came back (ICE, keypad digits) is not lost.
    for (const message of slot.held ?? []) this.send(conn, message);
    if (!call.caller.closed && !call.callee.closed) {
      clearTimeout(call.graceTimer);
      if (call.shared) this.bus?.release(callId);
      call.shared = false;
    }
  }

  /**
   * The instance holding a local side's call is stopping: hold the call here for the other side
   * (rebuilt from its record, as after a restart) until it resumes or the grace ends.
   */
  private async adopt(conn: Conn, callId: string): Promise<void> {
    if (conn.closed) return;
    // The other side resumed here already (its instance died): join it.
    if (this.calls.has(callId)) return this.resume(conn, callId);
    await this.rebuild(conn, callId);
  }

  /**
   * Rebuilds a call from its record for the side that came back; a call the record says has ended
   * is reconciled with a hangup, one that was not answered ends, an answered one waits for the
   * other side.
   */
  private async rebuild(conn: Conn, callId: string): Promise<void> {
    const row = await this.store.getCall(callId).catch(() => undefined);
    if (conn.closed) return;
    if (this.calls.has(callId)) return this.resume(conn, callId); // the other side came meanwhile
    const side =
      row?.provider === 'builtin'
        ? this.sideOf(conn, row.from_addr ?? '', row.to_addr ?? '')
        : undefined;
    if (!row || !side) {
      this.error(conn, 'unknown-call', 'No such call on this connection', callId);
      return;
    }
    const from = row.from_addr as Address;
    const to = row.to_addr as Address;
    if (FINAL_STATUSES.has(row.status)) {
      // It ended while this side was away: tell it now.
      this.log.debug('resumed call had ended', { callId, side, status: row.status });
      conn.calls.delete(callId);
      this.send(conn, {
        t: 'hangup',
        callId,
        from: side === 'caller' ? to : from,
        reason: 'hangup',
      });
      return;
    }
    // Both sides may resume at once on different instances: one holds the call, the other joins it.
    const answered = row.status === 'answered';
    const claimed = answered && this.bus ? await this.bus.hold(callId, this.graceEnd()) : true;
    if (conn.closed) return;
    if (this.calls.has(callId)) return this.resume(conn, callId);
    if (!claimed && (await this.bus?.resume(conn, callId))) return;
    if (this.calls.has(callId) || conn.closed) return;
    const record: NewCall = { ...row };
    const call: Call = {
      id: callId,
      caller: side === 'caller' ? conn : this.away(callId, from),
      callee: side === 'callee' ? conn : this.away(callId, to),
      from,
      to,
      answered,
      record,
      writes: Promise.resolve(),
      shared: claimed && !!this.bus,
    };
    this.calls.set(callId, call);
    conn.calls.add(callId);
    this.log.debug('call rebuilt from its record', { callId, side, status: row.status, claimed });
    if (!call.answered) {
      this.end(call, undefined, 'disconnected');
      return;
    }
    this.graceTimer(call);
  }

  private graceEnd(): number {
    return Date.now() + this.resumeGraceMs;
  }

  /** A slot for a side that is away: what the relay sends it is held until it resumes. */
  private away(callId: string, address: Address): Conn {
    return {
      id: `away:${callId}`,
      socket: { send: () => {}, close: () => {} },
      ...(address.startsWith('agent:') ? { agent: address.slice(6) } : {}),
      lines: new Set(),
      calls: new Set([callId]),
      closed: true,
      held: [],
    };
  }

  /** Ends the call after the grace unless both sides are back. */
  private graceTimer(call: Call): void {
    clearTimeout(call.graceTimer);
    call.graceTimer = setTimeout(() => {
      if (call.caller.closed || call.callee.closed) this.end(call, undefined, 'disconnected');
    }, this.resumeGraceMs);
    call.graceTimer.unref?.();
  }

  /** Holds the call for a side that is away: other instances find it, it ends after the grace. */
  private async holdForAway(call: Call): Promise<void> {
    this.graceTimer(call);
    if (!this.bus) return;
    call.shared = true;
    if (await this.bus.hold(call.id, this.graceEnd())) return;
    // The away side was quicker: it resumed on another instance, which holds the call now (its
    // instance died before this one noticed). The side here joins it there.
    const here = [call.caller, call.callee].find((party) => this.conns.has(party));
    if (!here || this.calls.get(call.id) !== call) return;
    call.shared = false;
    this.forget(call);
    if (!(await this.bus.resume(here, call.id)) && !here.closed) await this.rebuild(here, call.id);
  }

  /**
   * A side on another instance is away because its instance is stopping: its answered calls wait
   * for it to resume (on any instance); the rest end.
   */
  private hold(party: Conn): void {
    for (const callId of [...party.calls]) {
      const call = this.calls.get(callId);
      if (!call || !call.answered || this.closing) continue;
      this.log.debug('holding a call for a side whose instance stopped', { callId });
      party.calls.delete(callId);
      if (call.caller === party) call.caller = this.away(callId, call.from);
      else call.callee = this.away(callId, call.to);
      void this.holdForAway(call);
    }
    this.drop(party);
  }

  /** Which party of a call (by its addresses) a connection is, if any. */
  private sideOf(conn: Conn, from: string, to: string): 'caller' | 'callee' | undefined {
    const owns = (address: string) =>
      conn.identity === address || conn.lines.has(address as Address);
    if (owns(from)) return 'caller';
    if (owns(to)) return 'callee';
    return undefined;
  }

  /** Forgets a socket: its calls end with `disconnected`, its addresses are freed. */
  private drop(conn: Conn): void {
    if (conn.closed) return;
    conn.closed = true;
    clearTimeout(conn.authTimer);
    // Only this instance's own sockets count for presence (not stand-ins for other instances').
    if (this.conns.delete(conn) && conn.identity) this.presence?.closed(conn.agent!, this.closing);
    for (const callId of [...conn.calls]) {
      const call = this.calls.get(callId);
      if (call && this.closing && call.answered) {
        // The other side on a live instance holds the call from now on.
        const other = call.caller === conn ? call.callee : call.caller;
        // After this call's record writes: the other instance rebuilds the call from the record.
        if (!other.closed && !this.conns.has(other))
          this.track(call.writes.then(() => this.bus?.handover(other, call.id)));
        this.forget(call);
      } else if (call) this.end(call, conn, 'disconnected');
    }
    if (conn.identity && this.addresses.get(conn.identity) === conn)
      this.addresses.delete(conn.identity);
    for (const line of conn.lines)
      if (this.addresses.get(line) === conn) this.addresses.delete(line);
    this.bus?.offline(conn, this.closing);
  }
}

function safeCallId(data: string): string | undefined {
  try {
    const value: unknown = JSON.parse(data);
    const callId = (value as { callId?: unknown } | null)?.callId;
    return typeof callId === 'string' && /^[A-Za-z0-9-]{8,64}$/.test(callId) ? callId : undefined;
  } catch {
    return undefined;
  }
}
