// Runs once before the unit and backend tests: says why the PostgreSQL half is skipped, if it is.

/** The one line printed when the PostgreSQL tests will be skipped (see `engines()` in backend/testing). */
export function postgresNotice(env: Record<string, string | undefined>): string | undefined {
  if (env.TEST_DATABASE_URL || env.CI === 'true') return undefined;
  return (
    'PostgreSQL tests skipped: TEST_DATABASE_URL is not set. To run them: `bash .ci/run` (starts a ' +
    'throwaway PostgreSQL), or `bash scripts/start-postgres.sh` and export the TEST_DATABASE_URL it prints.'
  );
}

export default function setup(): void {
  const notice = postgresNotice(process.env);
  if (notice) console.log(notice);
}
