import type { TestProject } from 'vitest/node';
import { startPostgres } from '../support/postgres.js';

/**
 * The `integration-pg` project (vitest.pg.config.ts): the Slack entry points' integration tests, with the harness
 * starting the app on Postgres (test/support/harnessEngine.ts), each harness on a new database of one throwaway server.
 */
export default async function setup(project: TestProject): Promise<() => void> {
  const server = await startPostgres();
  project.provide('postgresUrl', server.url);
  project.provide('harnessEngine', 'postgres');
  return server.stop;
}
