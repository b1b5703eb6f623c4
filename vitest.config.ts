import { defineConfig } from 'vitest/config';

/**
 * `npm test`: three projects.
 * - unit: pure code, services on a scratch SQLite file, the fake Slack itself. No build step.
 * - integration: the real Bolt app through its HTTP receiver against the fake Slack; the files that start the built
 *   app (dist/) share one build, made once by globalSetup.
 * - browser: the sandbox page in headless Chromium, one browser for the run (test/e2e/globalSetup.ts).
 * The long drills (crash, outage at production pacing, the bench smoke run) are `npm run drills`
 * (vitest.drills.config.ts), which CI runs after `npm test`.
 */
export default defineConfig({
  test: {
    // Most integration time is I/O between two local servers, not CPU: more workers than cores keeps both busy.
    maxWorkers: 4,
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Integration tests each start a real HTTP server and a fake Slack server on free ports.
    pool: 'forks',
    projects: [
      {
        extends: true,
        // Pure code and scratch databases: test files may share a worker's module cache (a third of the time).
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'], isolate: false },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          // Each file builds its own app, fake Slack and database; sharing the module cache (Bolt, drizzle, the app)
          // saves a fifth of the run. Nothing in these files mocks modules or changes globals.
          isolate: false,
          globalSetup: ['test/globalSetup.ts'],
        },
      },
      {
        extends: true,
        // Each file starts its own sandbox and browser page; they share the worker's module cache (the sandbox, the
        // app, playwright), as the integration files do. Nothing in them mocks modules or changes globals.
        test: {
          name: 'browser',
          include: ['test/e2e/**/*.test.ts'],
          isolate: false,
          // One Chromium for the run, which each file connects to.
          globalSetup: ['test/e2e/globalSetup.ts'],
        },
      },
    ],
  },
});
