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
  },
});
