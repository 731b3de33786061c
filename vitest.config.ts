import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // graphql 16 ships CJS (`main`) and ESM (`module`) copies. Node loads the CJS one for every
    // package; Vite would hand our sources the ESM one, and `instanceof GraphQLError` would then
    // fail across the two. Pin the one Node uses.
    alias: { graphql: 'graphql/index.js' },
  },
  test: {
    include: [
      'server/**/*.test.ts',
      'migrations/**/*.test.ts',
      'widget/**/*.test.ts',
      'inbox/**/*.test.ts',
    ],
    // The server serves dist/ and never builds: build what is missing or stale, once.
    globalSetup: ['test/build-setup.ts'],
    // Each file starts its own server and database; PGlite takes seconds to boot.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
