import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // Node (and so `npm start`) loads graphql's CommonJS build for a bare `graphql` import, as do
    // yoga and Pothos; vite would pick the ES build for our sources and make two graphql realms.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Suites start their own simulator and gateway on ephemeral ports, so files can run in parallel.
    pool: 'forks',
    // Two files at a time: vitest's default on a 2-core machine is one (cores - 1), while most of
    // a suite's time is spent waiting (poll intervals, timeouts, sockets): 2 halves the wall time
    // of the whole suite here (278 s → 150 s), which CI runs on three Node versions.
    maxWorkers: 2,
  },
});
