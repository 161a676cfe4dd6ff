import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { WxtVitest } from 'wxt/testing/vitest-plugin';

// Unit and backend tests. Browser-level tests have their own config in test/e2e/.
export default defineConfig({
  plugins: [WxtVitest()],
  test: {
    include: [
      'src/**/*.test.{ts,tsx}',
      'backend/**/*.test.ts',
      'scripts/**/*.test.ts',
      'test/*.test.ts',
    ],
    environment: 'node',
    // Prints one line when the PostgreSQL tests are skipped, and how to run them.
    globalSetup: ['test/globalSetup.ts'],
    setupFiles: ['test/setupNumberTypes.ts'],
    testTimeout: 20_000,
    // Vitest's default is one worker fewer than the cores: one worker on a 2-core CI machine. Most
    // files here wait on servers, sockets and timers, so two share two cores well (6.3 → 3.7 min).
    maxWorkers: Math.max(2, availableParallelism()),
    mockReset: true,
    restoreMocks: true,
  },
});
