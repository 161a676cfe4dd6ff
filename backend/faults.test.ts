// Fault tests (also part of `npm run bench:backend` at larger sizes): kill -9 during ingest, fuzzing.
import { afterAll, describe, expect, it } from 'vitest';
import { fuzzScenario, killNineScenario } from '../test/bench/backend-scenarios';
import { forEachEngine, freshPgDatabase } from './testing/support';

forEachEngine((engine) => {
  describe('faults', () => {
    const drops: (() => Promise<void>)[] = [];
    afterAll(async () => {
      for (const drop of drops) await drop();
    });
    const databaseUrl = async () => {
      if (engine !== 'pg') return undefined;
      const db = await freshPgDatabase();
      drops.push(db.drop);
      return db.url;
    };

    it('kill -9 mid-burst: every acknowledged event is stored once; retries complete the store', async () => {
      const url = await databaseUrl();
      const result = await killNineScenario({ legs: 150, ...(url ? { databaseUrl: url } : {}) });
      expect(result.acked).toBeGreaterThan(0);
      expect(result.ackedMissing).toBe(0);
      expect(result.duplicateRows).toBe(0);
      expect(result.storedRows).toBeGreaterThanOrEqual(result.acked);
      expect(result.afterRetryRows).toBe(result.unique);
      expect(result.callRecords).toBe(150);
    }, 90_000);

    it('fuzzed webhook bodies and headers get 4xx, never 5xx, and the server survives', async () => {
      const url = await databaseUrl();
      const result = await fuzzScenario({
        seed: 20261121,
        count: 600,
        ...(url ? { databaseUrl: url } : {}),
      });
      expect(result.serverErrors).toEqual([]);
      expect(result.alive).toBe(true);
      // The corpus is hostile: nothing but a few valid answers may succeed.
      expect(Object.keys(result.byStatus).every((s) => Number(s) < 500)).toBe(true);
    }, 90_000);
  });
});
