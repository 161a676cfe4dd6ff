import { defineConfig } from 'vitest/config';

// Browser-level tests: each file launches Chromium with the built test extension, so run files one
// at a time (2 cores) with generous timeouts.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    environment: 'node',
    fileParallelism: false,
    testTimeout: 90_000,
    hookTimeout: 60_000,
    retry: 0,
  },
});
