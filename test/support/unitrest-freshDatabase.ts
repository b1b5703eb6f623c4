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

/**
 * SQLite's plan (`EXPLAIN QUERY PLAN`, one string a statement) of each statement `client` prepares whose text
 * `matches`, in `plans`; `restore` stops listening.
 */
export function queryPlans(client: AppDatabase['sqlite'], matches: (source: string) => boolean) {
  const prepare = client.prepare.bind(client);
  const plans: string[] = [];
  client.prepare = ((source: string) => {
    if (matches(source)) {
      const params = Array.from(source.match(/\?/g) ?? [], () => 0);
      const rows = prepare(`EXPLAIN QUERY PLAN ${source}`).all(...params) as { detail: string }[];
      plans.push(rows.map((r) => r.detail).join('\n'));
    }
    return prepare(source);
  }) as typeof client.prepare;
  return {
    plans,
    restore: () => {
      client.prepare = prepare;
    },
  };
}
