import { defineConfig } from 'vitest/config';

/**
 * `npm run test:pg` (issue 34), not part of `npm test`, so a machine without Postgres still runs `npm test`; .ci/run
 * installs Debian's postgresql when missing and runs this after `npm test`. Two projects, each with one throwaway
 * server per run (test/support/postgres.ts):
 * - postgres: the Postgres schema and migrations, their parity with SQLite's, the repositories' contracts, the move.
 * - integration-pg: the integration tests of the Slack entry points, the harness starting the real app on Postgres
 *   (one database per harness). The files listed are those that read the database only through the repositories or
 *   engine-neutral queries; the others read SQLite's connection and run on SQLite (`npm test`).
 */
export const INTEGRATION_ON_POSTGRES = [
  'acceptPath',
  'declinePath',
  'races',
  'authorization',
  'authorizationMatrix',
  'aeFindings',
  'crmAttribution',
  'crmPastedUnlisted',
  'crmServerErrors',
  'datesAndHolidays',
  'findAndView',
  'heldBack',
  'holidaySettingReview',
  'holidaysPerPerson',
  'movesTold',
  'oneNoticePerSweep',
  'policyMoves',
  'review',
  'wording',
];

export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'postgres',
          include: ['test/postgres/**/*.test.ts'],
          globalSetup: ['test/postgres/globalSetup.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration-pg',
          include: INTEGRATION_ON_POSTGRES.map((name) => `test/integration/${name}.test.ts`),
          globalSetup: ['test/postgres/integrationSetup.ts'],
          isolate: false,
        },
      },
    ],
  },
});
