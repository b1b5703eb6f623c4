import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { type Db, openDatabase } from '../../src/db/client.js';
import { firstInstallationOf } from '../../src/db/owned.js';
import { openPostgresDatabase } from '../../src/db/pg/store.js';

/** What a harness's `databaseKey` names: a Postgres database (its URL) or a SQLite file. */
const isPostgresUrl = (databaseKey: string) => /^postgres(ql)?:\/\//.test(databaseKey);

/**
 * Opens the database a stopped harness kept (`stop({ keepDatabase: true })`), on its engine: for a test to change
 * what a restart finds, as a crash would have left it.
 */
export async function openKeptDatabase(databaseKey: string): Promise<{ db: Db; close(): Promise<void> }> {
  if (isPostgresUrl(databaseKey)) {
    const database = await openPostgresDatabase(databaseKey, { max: 1 });
    return { db: firstInstallationOf(database.db), close: database.close };
  }
  const database = openDatabase(databaseKey);
  return { db: firstInstallationOf(database.db), close: async () => database.close() };
}

/**
 * Removes what a harness kept for a restart: its SQLite file's folder. A Postgres database is left to the run's
 * throwaway server, which is removed with it.
 */
export function removeKeptDatabase(databaseKey: string): void {
  if (isPostgresUrl(databaseKey)) return;
  rmSync(dirname(databaseKey), { recursive: true, force: true });
}
