// Calls an instance holds for a side that is away (its instance stopped), in PostgreSQL so that the
// side's `resume` on any instance finds the instance holding the call.
import { NOW_MS } from './pgChannel';

type Query = <R = unknown>(text: string, values: unknown[]) => Promise<R[]>;

export class HeldCalls {
  constructor(
    private readonly query: Query,
    private readonly self: string,
    private readonly expiryMs: number,
  ) {}

  /** Claims the call for this instance; false when another live instance holds it. */
  async hold(callId: string, graceUntil: number): Promise<boolean> {
    const rows = await this.query<{ owner: string }>(
      `insert into signal_calls (call_id, owner, grace_until) values ($1, $2, $3)
       on conflict (call_id) do update set owner = excluded.owner, grace_until = excluded.grace_until
         where signal_calls.owner = $2 or signal_calls.owner not in
           (select id from signal_instances where heartbeat_at > ${NOW_MS} - $4)
       returning owner`,
      [callId, this.self, graceUntil, this.expiryMs],
    );
    return rows.length > 0;
  }

  release(callId: string): void {
    void this.query('delete from signal_calls where call_id = $1 and owner = $2', [
      callId,
      this.self,
    ]);
  }

  /** The other live instance holding the call, if any. */
  async holder(callId: string): Promise<string | undefined> {
    const rows = await this.query<{ owner: string }>(
      `select c.owner from signal_calls c join signal_instances i on i.id = c.owner
        where c.call_id = $1 and c.owner <> $2 and i.heartbeat_at > ${NOW_MS} - $3`,
      [callId, this.self, this.expiryMs],
    );
    return rows[0]?.owner;
  }

  /** Forgets the calls of instances that are gone. */
  async prune(): Promise<void> {
    await this.query(
      'delete from signal_calls where owner not in (select id from signal_instances)',
      [],
    );
  }
}
