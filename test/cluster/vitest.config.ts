import { defineConfig } from 'vitest/config';

// Several real backend instances on one PostgreSQL behind HAProxy: one file at a time, generous
// timeouts (the scenarios wait for heartbeats to expire and instances to restart).
export default defineConfig({
  test: {
    include: ['test/cluster/**/*.test.ts'],
    environment: 'node',
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    retry: 0,
  },
});
