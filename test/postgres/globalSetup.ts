import type { TestProject } from 'vitest/node';
import { startPostgres } from '../support/postgres.js';

/** One throwaway Postgres server for the whole `postgres` run (test/support/postgres.ts); each file makes its database. */
export default async function setup(project: TestProject): Promise<() => void> {
  const server = await startPostgres();
  project.provide('postgresUrl', server.url);
  return server.stop;
}
