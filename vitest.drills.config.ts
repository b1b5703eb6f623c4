import { defineConfig } from 'vitest/config';

/**
 * `npm run drills`: the long runs CI does after `npm test`. The crash drill kills the built app many times, the
 * outage drill runs a sustained Slack outage at production pacing, the replica drill runs two and three copies of the
 * app on one Postgres (test/support/postgres.ts: Debian's postgresql, as `npm run test:pg`), the bench smoke run
 * drives `npm run bench` at toy sizes. One file at a time: each drill measures pacing or starts processes, and must not share the machine.
 */
export default defineConfig({
  test: {
    include: ['test/drills/**/*.test.ts'],
    globalSetup: ['test/globalSetup.ts'],
    maxWorkers: 1,
    fileParallelism: false,
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
  },
});
