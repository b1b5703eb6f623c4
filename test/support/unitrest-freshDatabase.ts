import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AppDatabase, openDatabase } from '../../src/db/client.js';
import { migratedCopy } from './scratchDb.js';

/** A fresh migrated SQLite file in a folder of its own (named from `prefix`); closing it removes the folder too. */
export function freshDatabase(prefix: string): AppDatabase {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const database = openDatabase(migratedCopy(join(dir, 'handoff.db')));
  return {
    ...database,
    close: () => {
      database.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
