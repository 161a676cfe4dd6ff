/* eslint-disable max-lines -- the bus's routing state (sockets here, stand-ins, forwarded and held calls) lives in one class; its types are in envelope.ts, the held-call table in heldCalls.ts */
// Carries the signalling relay across instances on PostgreSQL: which instance holds which address, and
// messages for a party whose socket is on another instance (LISTEN/NOTIFY, large payloads via a table).
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { CLOSE_REPLACED, type Address, type ClientMessage } from '../../src/call/signalling';
import { pgPoolConfig } from '../db/connect';
import type { Store } from '../db/store';
import type { Logger } from '../log';
import type { Envelope, Forward, PresenceRow } from './envelope';
import { HeldCalls } from './heldCalls';
import { closeOrphanedRecord } from './orphanedCall';
import { NOW_MS, PgChannel } from './pgChannel';
import type { Party, RelayHooks, SignalBus } from './signalBus';

/** How often an instance proves it is alive, and after how long without that it counts as dead. */
export const HEARTBEAT_MS = 2000;
export const INSTANCE_EXPIRY_MS = 8000;
/** A stored message nobody fetched (its instance died) is deleted after this long. */
const MESSAGE_TTL_MS = 60_000;

export class PgSignalBus implements SignalBus {
  readonly id = randomUUID().replace(/-/g, '');
  private hooks: RelayHooks | undefined;
  private readonly pool: pg.Pool;
  private readonly channel: PgChannel;
  private readonly held: HeldCalls;
  private readonly local = new Map<string, Party>();
  private readonly remotes = new Map<string, Party>();
  /** Each stand-in's instance. */
  private readonly instanceOf = new WeakMap<Party, string>();
  private readonly forwards = new Map<string, Forward>();
  private readonly advertised = new Map<string, number>();
  private live = new Set<string>();
  private heartbeat: NodeJS.Timeout | undefined;
  private beating: Promise<void> = Promise.resolve();
  private closed = false;
  private started = false;

  constructor(
    url: string,
    private readonly store: Store,
    private readonly log: Logger,
    private readonly timing = { heartbeatMs: HEARTBEAT_MS, expiryMs: INSTANCE_EXPIRY_MS },
  ) {
    this.pool = new pg.Pool({ ...pgPoolConfig(url), max: 4 });
    this.pool.on('error', () => {});
    this.channel = new PgChannel(
      url,
      this.id,
      (text, values) => this.query(text, values),
      log,
      (body) => this.receive(body),
    );
    this.held = new HeldCalls((text, values) => this.query(text, values), this.id, timing.expiryMs);
  }

  /** Listens, announces this instance, and starts the heartbeat. */
  async start(): Promise<void> {
    await this.channel.start();
    await this.beat();
    this.started = true;
    this.heartbeat = setInterval(() => {
      this.beating = this.beating.then(() => this.beat());
    }, this.timing.heartbeatMs);
    this.heartbeat.unref();
  }

  attach(hooks: RelayHooks): void {
    this.hooks = hooks;
  }

  async online(party: Party): Promise<void> {
    this.local.set(party.id, party);
    if (party.identity) await this.claim(party.identity, party);
  }

  async registered(party: Party, address: Address): Promise<void> {
    await this.claim(address, party);
    await this.query('update signal_presence set has_lines = 1, available = 0 where conn_id = $1', [
      party.id,
    ]);
  }

  async released(party: Party, address: Address): Promise<void> {
    await this.query('delete from signal_presence where address = $1 and conn_id = $2', [
      address,
      party.id,
    ]);
  }

  offline(party: Party, leaving = false): void {
    if (this.local.get(party.id) !== party) return;
    this.local.delete(party.id);
    this.advertised.delete(party.id);
    const owners = new Set<string>();
    for (const [callId, forward] of this.forwards) {
      if (forward.party !== party) continue;
      this.forwards.delete(callId);
      owners.add(forward.owner);
    }
    for (const owner of owners)
      this.publish(owner, {
        k: 'g',
        f: this.id,
        c: party.id,
        ...(leaving ? { a: 1 as const } : {}),
      });
    void this.query('delete from signal_presence where conn_id = $1', [party.id]);
  }

  async find(address: Address): Promise<Party | undefined> {
    const rows = await this.query<PresenceRow>(
      `select p.* from signal_presence p join signal_instances i on i.id = p.instance
        where p.address = $1 and p.instance <> $2 and i.heartbeat_at > ${NOW_MS} - $3`,
      [address, this.id, this.timing.expiryMs],
    );
    const row = rows[0];
    return row ? this.standIn(row) : undefined;
  }

  async freeAgents(): Promise<Party[]> {
    const rows = await this.query<PresenceRow>(
      `select p.* from signal_presence p join signal_instances i on i.id = p.instance
        where p.address like 'agent:%' and p.has_lines = 0 and p.available = 1
          and p.instance <> $1 and i.heartbeat_at > ${NOW_MS} - $2`,
      [this.id, this.timing.expiryMs],
    );
    // A stand-in already in one of this instance's calls is busy even if its row does not say so yet.
    return rows.map((row) => this.standIn(row)).filter((party) => party.calls.size === 0);
  }

  forward(party: Party, message: ClientMessage): boolean {
    if (!('callId' in message)) return false;
    const forward = this.forwards.get(message.callId);
    if (!forward || forward.party !== party) return false;
    if (message.t === 'answer') forward.answered = true;
    if (message.t === 'hangup') {
      this.forwards.delete(message.callId);
      party.calls.delete(message.callId);
    }
    this.publish(forward.owner, { k: 'c', f: this.id, c: party.id, m: message });
    return true;
  }

  hold(callId: string, graceUntil: number): Promise<boolean> {
    return this.held.hold(callId, graceUntil);
  }

  release(callId: string): void {
    this.held.release(callId);
  }

  async resume(party: Party, callId: string): Promise<boolean> {
    if (this.local.get(party.id) !== party || !party.identity) return false;
    const owner = await this.held.holder(callId);
    if (!owner || party.closed) return false;
    this.log.debug('resuming a call another instance holds', { callId, owner });
    this.forwards.set(callId, { owner, party, answered: true });
    party.calls.add(callId);
    this.publish(owner, {
      k: 'r',
      f: this.id,
      c: party.id,
      i: callId,
      g: party.agent ?? '',
      l: [...party.lines],
    });
    return true;
  }

  handover(remote: Party, callId: string): void {
    const instance = this.instanceOf.get(remote);
    if (instance) this.publish(instance, { k: 'h', f: this.id, c: remote.id, i: callId });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    await this.beating;
    await this.channel.flush();
    // Leaving on purpose: the others need not wait for the expiry to forget this instance.
    await this.query('delete from signal_presence where instance = $1', [this.id]);
    await this.query('delete from signal_instances where id = $1', [this.id]);
    await this.channel.close();
    await this.pool.end().catch(() => {});
  }

  // ---- presence ----

  private async claim(address: Address, party: Party): Promise<void> {
    const rows = await this.query<{ instance: string; conn_id: string }>(
      `with old as (select instance, conn_id from signal_presence where address = $1),
       up as (insert into signal_presence (address, instance, conn_id, agent, has_lines, available)
              values ($1, $2, $3, $4, $5, $6)
              on conflict (address) do update set instance = excluded.instance,
                conn_id = excluded.conn_id, agent = excluded.agent,
                has_lines = excluded.has_lines, available = excluded.available)
       select instance, conn_id from old`,
      [
        address,
        this.id,
        party.id,
        party.agent ?? '',
        party.lines.size > 0 ? 1 : 0,
        party.lines.size === 0 && party.calls.size === 0 ? 1 : 0,
      ],
    );
    const old = rows[0];
    if (old && old.conn_id !== party.id && old.instance !== this.id)
      this.publish(old.instance, {
        k: 'x',
        f: this.id,
        c: old.conn_id,
        code: CLOSE_REPLACED,
        reason: address.startsWith('agent:')
          ? 'replaced by a newer connection'
          : `${address} registered by a newer connection`,
      });
    // The socket may have closed while the row was written: do not leave it claimed.
    if (party.closed)
      await this.query('delete from signal_presence where conn_id = $1', [party.id]);
  }

  private standIn(row: PresenceRow, lines?: Address[]): Party {
    const key = `${row.instance}/${row.conn_id}`;
    const known = this.remotes.get(key);
    if (known) return known;
    const address = row.address as Address;
    const party: Party = {
      id: row.conn_id,
      socket: {
        send: (d) => this.publish(row.instance, { k: 'd', f: this.id, c: row.conn_id, d }),
        close: (code, reason) =>
          this.publish(row.instance, { k: 'x', f: this.id, c: row.conn_id, code, reason }),
      },
      agent: row.agent,
      identity: `agent:${row.agent}` as Address,
      lines: new Set(lines ?? (address.startsWith('agent:') && !row.has_lines ? [] : [address])),
      calls: new Set(),
      closed: false,
    };
    this.remotes.set(key, party);
    this.instanceOf.set(party, row.instance);
    return party;
  }

  // ---- transport ----

  private async query<R = unknown>(text: string, values: unknown[]): Promise<R[]> {
    try {
      return (await this.pool.query(text, values)).rows as R[];
    } catch (error) {
      if (!this.closed)
        this.log.warn('signal bus query failed', { error: (error as Error).message });
      return [];
    }
  }

  private publish(instance: string, envelope: Envelope): void {
    this.channel.publish(instance, JSON.stringify(envelope));
  }

  /** Answers the call's instance on behalf of local socket `connId`. */
  private reply(owner: string, connId: string, m: ClientMessage): void {
    this.publish(owner, { k: 'c', f: this.id, c: connId, m });
  }

  private receive(body: string): void {
    let envelope: Envelope;
    try {
      envelope = JSON.parse(body) as Envelope;
    } catch {
      return;
    }
    this.dispatch(envelope);
  }

  private dispatch(envelope: Envelope): void {
    switch (envelope.k) {
      case 'd':
        return this.deliver(envelope.f, envelope.c, envelope.d);
      case 'c': {
        const party = this.remotes.get(`${envelope.f}/${envelope.c}`);
        if (party && !party.closed) this.hooks?.message(party, envelope.m);
        return;
      }
      case 'g': {
        const key = `${envelope.f}/${envelope.c}`;
        const party = this.remotes.get(key);
        this.remotes.delete(key);
        if (party) this.hooks?.gone(party, envelope.a === 1);
        return;
      }
      case 'r': {
        const party = this.standIn(
          {
            address: `agent:${envelope.g}`,
            instance: envelope.f,
            conn_id: envelope.c,
            agent: envelope.g,
            has_lines: 0,
          },
          envelope.l,
        );
        if (!party.closed) this.hooks?.resume(party, envelope.i);
        return;
      }
      case 'h': {
        const forward = this.forwards.get(envelope.i);
        if (!forward || forward.owner !== envelope.f || forward.party.id !== envelope.c) return;
        this.log.debug('call handed over by its stopping instance', {
          callId: envelope.i,
          owner: envelope.f,
        });
        this.forwards.delete(envelope.i);
        if (!forward.party.closed) this.hooks?.adopt(forward.party, envelope.i);
        return;
      }
      case 'x': {
        const party = this.local.get(envelope.c);
        if (party) this.hooks?.kick(party, envelope.code, envelope.reason);
        return;
      }
    }
  }

  /** A server message from the instance holding a call, for a socket here. */
  private deliver(owner: string, connId: string, data: string): void {
    const party = this.local.get(connId);
    if (!party || party.closed) {
      this.publish(owner, { k: 'g', f: this.id, c: connId });
      return;
    }
    const message = JSON.parse(data) as { t: string; callId?: string; from?: Address };
    const callId = message.callId;
    if (message.t === 'invite' && callId) {
      const to = (message as { to?: Address }).to;
      if (to !== party.identity && !(to && party.lines.has(to))) {
        // Stale presence (the line was unbound or moved): this socket must not get its invites.
        return this.reply(owner, connId, { t: 'hangup', callId, reason: 'disconnected' });
      }
      if (party.calls.size > 0) {
        return this.reply(owner, connId, { t: 'hangup', callId, reason: 'busy' });
      }
      this.forwards.set(callId, {
        owner,
        party,
        answered: false,
        ...(message.from ? { peer: message.from } : {}),
      });
      party.calls.add(callId);
    } else if (message.t === 'hangup' && callId) {
      this.forwards.delete(callId);
      party.calls.delete(callId);
    }
    party.socket.send(data);
  }

  // ---- liveness ----

  private async beat(): Promise<void> {
    if (this.closed) return;
    const mine = await this.query<{ inserted: boolean }>(
      `insert into signal_instances (id, started_at, heartbeat_at) values ($1, ${NOW_MS}, ${NOW_MS})
       on conflict (id) do update set heartbeat_at = excluded.heartbeat_at
       returning (xmax = 0) as inserted`,
      [this.id],
    );
    // Declared dead while paused (the others removed its rows): claim this instance's sockets again.
    if (this.started && mine[0]?.inserted)
      for (const party of this.local.values()) {
        if (party.identity) await this.claim(party.identity, party);
        for (const line of party.lines) await this.claim(line, party);
      }
    const rows = await this.query<{ id: string }>(
      `select id from signal_instances where heartbeat_at > ${NOW_MS} - $1`,
      [this.timing.expiryMs],
    );
    if (mine.length === 0 || rows.length === 0) return; // database unreachable: judge nobody
    this.live = new Set(rows.map((r) => r.id));
    await this.query(`delete from signal_instances where heartbeat_at <= ${NOW_MS} - $1`, [
      this.timing.expiryMs,
    ]);
    await this.query(
      'delete from signal_presence where instance not in (select id from signal_instances)',
      [],
    );
    await this.held.prune();
    await this.query(`delete from signal_messages where created_at < ${NOW_MS} - $1`, [
      MESSAGE_TTL_MS,
    ]);
    for (const [key, party] of this.remotes) {
      const instance = key.slice(0, key.indexOf('/'));
      if (!this.live.has(instance)) {
        this.remotes.delete(key);
        // Its instance died (SIGKILL, crash): the side reconnects through the balancer and resumes,
        // so its answered calls are held for it as when its instance stops on purpose.
        this.hooks?.gone(party, true);
      } else if (party.calls.size === 0) this.remotes.delete(key);
    }
    for (const [callId, forward] of this.forwards) {
      if (this.live.has(forward.owner)) continue;
      if (forward.answered) this.adoptOrphan(callId, forward);
      else await this.orphaned(callId, forward);
    }
    await this.advertise();
  }

  /**
   * The instance holding an answered call died: this instance holds the call for the side here
   * from now on (rebuilt from its record), and the other side resumes it on any instance.
   */
  private adoptOrphan(callId: string, forward: Forward): void {
    this.log.debug('instance holding an answered call is gone: adopting it', {
      callId,
      owner: forward.owner,
    });
    this.forwards.delete(callId);
    // Rebuilding puts the call back on the party, unless its record says it is gone.
    forward.party.calls.delete(callId);
    if (!forward.party.closed) this.hooks?.adopt(forward.party, callId);
  }

  /** The instance holding an unanswered call died: end it for the side here, close its record. */
  private async orphaned(callId: string, forward: Forward): Promise<void> {
    this.log.debug('instance holding an unanswered call is gone: ending it', {
      callId,
      owner: forward.owner,
    });
    this.forwards.delete(callId);
    forward.party.calls.delete(callId);
    forward.party.socket.send(
      JSON.stringify({
        t: 'hangup',
        callId,
        from: forward.peer ?? forward.party.identity,
        reason: 'disconnected',
      }),
    );
    try {
      await closeOrphanedRecord(this.store, callId, forward.party.agent);
    } catch (error) {
      this.log.error('call record write failed', { error, uuid: callId });
    }
  }

  /** Keeps each local agent's "free for agent:*" flag current for the other instances. */
  private async advertise(): Promise<void> {
    for (const party of this.local.values()) {
      if (!party.identity || party.closed) continue;
      const available = party.lines.size === 0 && party.calls.size === 0 ? 1 : 0;
      if (this.advertised.get(party.id) === available) continue;
      this.advertised.set(party.id, available);
      await this.query(
        'update signal_presence set available = $1 where address = $2 and conn_id = $3',
        [available, party.identity, party.id],
      );
    }
  }
}

/** Starts the bus for a PostgreSQL database (SQLite runs one instance: no bus). */
export async function startSignalBus(url: string, store: Store, log: Logger): Promise<PgSignalBus> {
  const bus = new PgSignalBus(url, store, log);
  await bus.start();
  return bus;
}
