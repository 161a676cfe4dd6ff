import { describe, expect, it } from 'vitest';
import { engines } from '../backend/testing/support';
import { postgresNotice } from './globalSetup';

describe('the PostgreSQL notice', () => {
  it.each([
    [{}, true],
    [{ TEST_DATABASE_URL: '' }, true],
    [{ TEST_DATABASE_URL: 'postgres://localhost:55444/postgres' }, false],
    [{ CI: 'true' }, false],
  ])('env %o: printed %s', (env, printed) => {
    const notice = postgresNotice(env);
    expect(notice !== undefined).toBe(printed);
    if (notice) {
      expect(notice).not.toContain('\n');
      expect(notice).toContain('TEST_DATABASE_URL is not set');
      expect(notice).toContain('bash .ci/run');
    }
  });

  it('is printed exactly when the PostgreSQL suites are skipped', () => {
    const pgAvailable = engines().find((e) => e.name === 'pg')!.available;
    expect(postgresNotice(process.env) === undefined).toBe(pgAvailable);
  });
});
