import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Suites start their own simulator and gateway on ephemeral ports, so files can run in parallel.
    pool: 'forks',
  },
});
