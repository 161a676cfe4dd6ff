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
    mockReset: true,
    restoreMocks: true,
  },
});
