import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { type AppDatabase, MIGRATIONS_FOLDER, openDatabase } from '../../src/db/client.js';

let template: string | undefined;

/**
 * A copy of a database file the real migrations built, once per test process: opening it applies nothing more.
 * Migrating a new file costs about 75 ms (55 migrations), copying one 9: the suite opens a few thousand (each
 * repository contract's test, each harness, each property run). The tests of migrating itself open files of their
 * own. The folder of `path` must exist.
 */
export function migratedCopy(path: string): string {
  if (!template) {
    template = join(mkdtempSync(join(tmpdir(), 'migrated-template-')), 'template.db');
    // Closing checkpoints the write-ahead log into the file, so the file alone is the whole database.
    openDatabase(template).close();
  }
  copyFileSync(template, path);
  return path;
}

/**
 * Fresh migrated SQLite files for property tests, one per run (handoff_events refuses DELETE, so no reuse), in a
 * directory made before the file's tests and removed after them. Call at the top level of a test file.
 */
export function scratchDatabases(prefix: string): <T>(fn: (database: AppDatabase) => T) => T {
  let dir = '';
  let runs = 0;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), prefix));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  return <T>(fn: (database: AppDatabase) => T): T => {
    runs += 1;
    const path = join(dir, `run-${runs}.db`);
    const database = openDatabase(migratedCopy(path));
    const close = () => {
      database.close();
      for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
    };
    let result: T;
    try {
      result = fn(database);
    } catch (error) {
      close();
      throw error;
    }
    // An async run (a service that awaits Slack) keeps its database until it settles.
    if (result instanceof Promise) return result.finally(close) as T;
    close();
    return result;
  };
}

/** A migration's last statement: where a migration that adds a derived table backfills it. */
export function lastStatementOf(migrationFile: string): string {
  return lastStatementsOf(migrationFile, 1)[0] ?? '';
}

/** The last `count` statements of a migration (hand-added backfills come last), in order. */
export function lastStatementsOf(migrationFile: string, count: number): string[] {
  const sql = readFileSync(join(MIGRATIONS_FOLDER, migrationFile), 'utf8');
  return sql
    .split('--> statement-breakpoint')
    .slice(-count)
    .map((statement) => statement.trim());
}
