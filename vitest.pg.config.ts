import { defineConfig } from 'vitest/config';

/**
 * `npm run test:pg` (issue 34): the `postgres` project, not part of `npm test`, so a machine without Postgres still runs
 * `npm test`; .ci/run installs Debian's postgresql when missing and runs this after `npm test`. One throwaway server
 * per run (test/postgres/globalSetup.ts), one database per test file: the Postgres schema and migrations, and their
 * parity with SQLite's.
 */
export default defineConfig({
  test: {
    name: 'postgres',
    include: ['test/postgres/**/*.test.ts'],
    globalSetup: ['test/postgres/globalSetup.ts'],
    // The type-level parity (rowTypes.test.ts) is checked by `npm run typecheck`; here it only has to compile.
    testTimeout: 20_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
