import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { addAgent, hashToken } from './agents';
import { LiveSessions } from './liveSessions';
import { eventually, forEachEngine, makeTestApp, type TestApp } from './testing/support';

forEachEngine((engine) => {
  describe('live sessions of open streams', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await makeTestApp(engine);
    });
    afterAll(() => t.close());

    /** `count` sessions of a new agent, inserted directly; returns their hashes in order. */
    async function sessions(name: string, count: number, expiresAt: number): Promise<string[]> {
      await addAgent(t.store, name);
      const agent = (await t.store.getAgentByName(name))!;
      const rows = Array.from({ length: count }, () => ({
        token_hash: hashToken(randomBytes(32).toString('base64url')),
        agent_id: agent.id,
        created_at: Date.now(),
        expires_at: expiresAt,
        revoked_at: null,
      }));
      await t.store.db.insertInto('sessions').values(rows).execute();
      return rows.map((r) => r.token_hash);
    }

    it('answers exactly for hundreds of sessions, across chunk edges and a short last chunk', async () => {
      const now = Date.now();
      const live = await sessions('chunky', 230, now + 3600_000);
      const expired = await sessions('expired', 3, now - 1);
      const disabled = await sessions('benched', 5, now + 3600_000);
      // Disabled in the database only (as another instance's admin CLI might), sessions unrevoked.
      await t.store.updateAgent('benched', { disabled: 1 });
      const revoked = [0, 99, 100, 199, 229].map((i) => live[i]!);
      for (const hash of revoked) await t.store.revokeSession(hash, now);
      const unknown = hashToken('never issued');
      // Mixed order, so every kind falls in several chunks; the last chunk is short (padded).
      const asked = [...live.slice(0, 120), ...expired, unknown, ...disabled, ...live.slice(120)];
      const answer = await t.store.liveSessionHashes(asked, now);
      expect([...answer].sort()).toEqual(live.filter((h) => !revoked.includes(h)).sort());
      expect(await t.store.liveSessionHashes([], now)).toEqual(new Set());
      expect(await t.store.liveSessionHashes([live[1]!], now)).toEqual(new Set([live[1]]));
    });

    it('ends the streams of a session revoked in the database, and only those', async () => {
      const hashes = await sessions('streamy', 150, Date.now() + 3600_000);
      const live = new LiveSessions(t.store, { pollMs: 20 });
      const ended = new Set<string>();
      const handles = hashes.map((h) => live.open(h, () => ended.add(h))!);
      await t.store.revokeSession(hashes[140]!, Date.now());
      await eventually(() => ended.has(hashes[140]!));
      await new Promise((r) => setTimeout(r, 60)); // a few more polls
      expect([...ended]).toEqual([hashes[140]]);
      for (const h of handles) h.release();
    });
  });
});
