// The outbox across a kill -9 of a real backend process (the benchmark runs it at 10,000 calls).
import { afterAll, describe, expect, it } from 'vitest';
import { outboxKillNineScenario } from '../../test/bench/outbox-scenario';
import { forEachEngine, freshPgDatabase } from '../testing/support';

forEachEngine((engine) => {
  describe('outbox across kill -9', () => {
    const drops: (() => Promise<void>)[] = [];
    afterAll(async () => {
      for (const drop of drops) await drop();
    });

    it('a flaky receiver gets every call once (same key on repeats) after kill -9 and restart', async () => {
      let databaseUrl: string | undefined;
      if (engine === 'pg') {
        const db = await freshPgDatabase();
        drops.push(db.drop);
        databaseUrl = db.url;
      }
      const result = await outboxKillNineScenario({
        calls: 300,
        killAfterDeliveries: 60,
        budgetMs: 75_000,
        ...(databaseUrl ? { databaseUrl } : {}),
      });
      expect(result.finished).toBe(true);
      expect(result.acked).toBe(300);
      expect(result.lost).toBe(0);
      expect(result.duplicatedEvents).toBe(0);
      expect(result.badSignatures).toBe(0);
      expect(result.injectedFailures).toBeGreaterThan(0);
      expect(result.deliveredBeforeKill).toBeGreaterThan(0);
      expect(result.deliveredBeforeKill).toBeLessThan(300);
      expect(result.outboxPending).toBe(0);
      expect(result.outboxRows).toBe(300);
    }, 120_000);
  });
});
