import { defineConfig } from 'vitest/config';

/**
 * `npm run test:pg` (issue 34), not part of `npm test`, so a machine without Postgres still runs `npm test`; .ci/run
 * installs Debian's postgresql when missing and runs this after `npm test`. Two projects, each with one throwaway
 * server per run (test/support/postgres.ts):
 * - postgres: the Postgres schema and migrations, their parity with SQLite's, the repositories' contracts, the move.
 * - integration-pg: the integration tests of the Slack entry points, the harness starting the real app on Postgres
 *   (one database per harness). The files listed are those that read the database only through the repositories or
 *   engine-neutral queries (`h.tables`, awaited); each also runs on SQLite in `npm test`, but replicaClocks, replicaBell,
 *   programReplicas and oauthReplicas (two apps on one database: SQLite's file is locked to one process).
 *
 * Left on SQLite alone, because they test SQLite itself: the backups and their schedule (backupRestore,
 * backupSchedule: pg_dump is the backup on Postgres), the WAL checkpoints (checkpointer), the one-process lock and
 * the process's start and stop on a file (process), unwritable files and storage faults injected into the file
 * (unwritableDatabase, storageFaults), the refusal of a database file newer than the app (databaseNewer), the export
 * CLI reading the file (exportCsv, exportReadOnly), migrations of old SQLite files and their backfills
 * (surfacesMigration, removedChannelsMigration, firstAccepts.property, metricFacts.property), the raw-SQL prepared
 * statements (preparedQueries) and the doctor on a file (doctor). Not the harness's app on either engine: chartFiles
 * (a service on its own SQLite file; the chartFiles repository's contract runs on Postgres), manifestCli, and the
 * sandbox's (sandboxClock, sandboxSlackSide: the sandbox runs on a SQLite file), the metrics services on a file of
 * their own (metricsSeeded, metricsSnapshots, metricsWindowEnds: the metrics repository's contract runs on Postgres)
 * and revopsHomeSnapshots (its thousands of handoffs are seeded by raw SQL into the SQLite file).
 *
 * Not now, for what it found on Postgres once (green on SQLite, and in every earlier Postgres run): partnerDirectory,
 * whose held partner channel, released by the re-check once Slack answered, did not post the held update within 8 s
 * in one CI run of 2026-11-23 (not reproduced in 6 runs of the test alone). To be looked at with the row's writes
 * logged, as outboxParking's was (docs/architecture.md "What the Postgres runs found last").
 */
export const INTEGRATION_ON_POSTGRES = [
  'oauthReplicas',
  'dataRetention',
  'uninstallData',
  'erasure',
  'acceptWithStep',
  'firstStepChecks',
  'afterAcceptLife',
  'askBeforeDeciding',
  'races',
  'authorization',
  'authorizationMatrix',
  'aeFindings',
  'crmAttribution',
  'crmServerErrors',
  'datesAndHolidays',
  'findAndView',
  'heldBack',
  'policyMoves',
  'review',
  'wording',
  'packetForm',
  'validation',
  'edit',
  'surfaces',
  'partnerLoop',
  'appHome',
  'signature',
  'slackEventsStatus',
  'nulBytes',
  'foreignInstallation',
  'helpRequests',
  'addToHandoff',
  'handOffShortcut',
  'ownerActions',
  'responseWindow',
  'lifecycle.property',
  'partnerIsolation.property',
  'partnerView.property',
  'hostile/blockActions.property',
  'hostile/malformed.property',
  'hostile/slashCommand.property',
  'hostile/viewSubmissions.property',
  'absenceAndCover',
  // Issue 77 item 11: scheduled messages held in the outbox for their reader's working hours.
  'reachHours',
  'clockSteps',
  'crmCreatedDay',
  'crmHubspot',
  // Issue 54: money read back and its figures, review items, the score check, HubSpot's validation refusals.
  'crmMoney',
  'crmClosedDealsHome',
  'crmAttributionReview',
  'scoreCheck',
  'crmSalesforce',
  'echoEscaping',
  'escalationPolicies',
  'eventLog',
  'internalChannelTargets',
  'logLevel',
  'outage',
  'outboxRetention',
  'rateLimits',
  'receiverLimits',
  'reviewDraftParse',
  'slackEventsChannels',
  'slackEventsRevoked',
  'oauthInstall',
  'orgWideInstall',
  'installationKeys',
  'twoWorkspaces',
  'digest',
  'outboxParking',
  'revopsHome',
  'lateAnswers',
  'replicaClocks',
  'replicaBell',
  'programReplicas',
  'followers',
  'programAdmin',
  'programSettings',
  'channelSharingOrder',
  'scorecardsRollingUpgrade',
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
