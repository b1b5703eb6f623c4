import { defineConfig } from 'vitest/config';

/**
 * `npm run drills`: the long runs CI does after `npm test`. The crash drill kills the built app many times, the
 * outage drill runs a sustained Slack outage at production pacing, the replica drill runs two and three copies of the
 * app on one Postgres (test/support/postgres.ts: Debian's postgresql, as `npm run test:pg`), the bench smoke run
 * drives `npm run bench` at toy sizes. One file at a time: each drill starts processes of its own.
 *
 * DRILLS chooses a group (DRILL_GROUPS) for CI, which runs them side by side with other work (.ci/run):
 * - paced: the drills that time the app (latency under a flood, pacing through an outage), which must have the
 *   machine to themselves;
 * - afterPg: drills that mostly wait (on processes and Postgres), run after `npm run test:pg` in its lane;
 * - others: every other drill, a new one included, run beside `npm run test:pg`.
 * Unset: all of them.
 */
export const DRILL_GROUPS = {
  paced: ['flood', 'outage'],
  afterPg: ['replicas', 'singleProcess'],
} as const;

const files = (names: readonly string[]) => names.map((name) => `test/drills/${name}.test.ts`);
const chosen = process.env.DRILLS || undefined;
if (chosen !== undefined && chosen !== 'others' && !(chosen in DRILL_GROUPS))
  throw new Error(
    `DRILLS is one of ${[...Object.keys(DRILL_GROUPS), 'others'].join(', ')}, or unset (all), not "${chosen}"`,
  );
const named =
  chosen === undefined || chosen === 'others' ? undefined : DRILL_GROUPS[chosen as keyof typeof DRILL_GROUPS];

export default defineConfig({
  test: {
    include: named ? files(named) : ['test/drills/**/*.test.ts'],
    exclude: [
      '**/node_modules/**',
      ...(chosen === 'others' ? Object.values(DRILL_GROUPS).flatMap((names) => files(names)) : []),
    ],
    globalSetup: ['test/globalSetup.ts'],
    maxWorkers: 1,
    fileParallelism: false,
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
  },
});
