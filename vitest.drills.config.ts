import { defineConfig } from 'vitest/config';

/**
 * `npm run drills`: the long runs CI does after `npm test`. The crash drill kills the built app many times, the
 * outage drill runs a sustained Slack outage at production pacing, the replica drill runs two and three copies of the
 * app on one Postgres (test/support/postgres.ts: Debian's postgresql, as `npm run test:pg`), the bench smoke run
 * drives `npm run bench` at toy sizes. One file at a time: each drill starts processes of its own.
 *
 * DRILLS=paced runs only the drills that time the app (PACED_DRILLS: latency under a flood, pacing through an
 * outage), which must have the machine to themselves; DRILLS=others runs the rest, which judge what happened, not how
 * fast, and may share the machine (.ci/run runs them beside `npm run test:pg`). Unset: all of them.
 */
export const PACED_DRILLS = ['flood', 'outage'];

const paced = PACED_DRILLS.map((name) => `test/drills/${name}.test.ts`);
const chosen = process.env.DRILLS || undefined;
if (chosen !== undefined && chosen !== 'paced' && chosen !== 'others')
  throw new Error(`DRILLS is "paced", "others" or unset (all the drills), not "${chosen}"`);

export default defineConfig({
  test: {
    include: chosen === 'paced' ? paced : ['test/drills/**/*.test.ts'],
    exclude: chosen === 'others' ? [...paced, '**/node_modules/**'] : ['**/node_modules/**'],
    globalSetup: ['test/globalSetup.ts'],
    maxWorkers: 1,
    fileParallelism: false,
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
  },
});
