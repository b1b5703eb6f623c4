import type { TestProject } from 'vitest/node';
import { buildDist } from '../support/buildDist.js';
import { startPostgres } from '../support/postgres.js';

/**
 * One throwaway Postgres server for the whole `postgres` run (test/support/postgres.ts); each file makes its database.
 * dist/ is built first, as test/globalSetup.ts does, for the file that runs the built `migrate-to-postgres`.
 */
export default async function setup(project: TestProject): Promise<() => void> {
  await buildDist();
  const server = await startPostgres();
  project.provide('postgresUrl', server.url);
  return server.stop;
}
