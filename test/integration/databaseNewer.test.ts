import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS_FOLDER, openDatabase } from '../../src/db/client.js';
import { DatabaseNewerError, databaseReadyMessage, readJournal } from '../../src/db/migrationsCheck.js';
import { openDatabaseReadOnly } from '../../src/db/readOnly.js';
import { spawnApp } from '../support/appProcess.js';

/**
 * A rollback of the code without the data: a database migrated by a newer version of the app than the one starting.
 * drizzle's migrator applies only migrations newer than the last one recorded, so it would carry on silently, and
 * this version would read and write tables whose newest columns it does not know.
 */
describe('a database migrated by a newer version', () => {
  let dir: string;
  let path: string;
  const latest = () => Math.max(...readJournal(MIGRATIONS_FOLDER).map((e) => e.when));

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'newer-db-'));
    path = join(dir, 'handoff.db');
    // This version's database, then one migration this version does not have (as a newer version would record it).
    const database = openDatabase(path);
    database.sqlite
      .prepare('insert into __drizzle_migrations (hash, created_at) values (?, ?)')
      .run('a-later-migration', latest() + 60_000);
    database.close();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is refused by the app and by the read-only tools, naming what to do, and nothing is written', () => {
    const before = openDatabaseReadOnlyCount();
    expect(() => openDatabase(path)).toThrow(DatabaseNewerError);
    expect(() => openDatabase(path)).toThrow(/migrated by a newer version of this app/);
    expect(() => openDatabaseReadOnly(path)).toThrow(DatabaseNewerError);
    expect(openDatabaseReadOnlyCount()).toBe(before);
  });

  it('stops `npm start` (dist/main.js) with that message and exit code 1', async () => {
    const app = spawnApp({
      SLACK_BOT_TOKEN: 'xoxb-test',
      SLACK_SIGNING_SECRET: 'secret',
      SLACK_API_URL: 'http://127.0.0.1:9/api/',
      DATABASE_PATH: path,
      PORT: '0',
    });
    expect(await app.exited).toBe(1);
    expect(app.err()).toContain('was migrated by a newer version of this app');
    expect(app.err()).toContain('restore the backup taken before the upgrade');
  });

  it('a database of this version opens as before: every migration applied on a new file, none when opened again, and the start says which', () => {
    const other = join(dir, 'current.db');
    const tags = readJournal(MIGRATIONS_FOLDER).map((entry) => entry.tag);
    const first = openDatabase(other);
    expect(first.migrations).toEqual({ applied: tags, known: tags.length });
    first.close();
    const again = openDatabase(other);
    expect(again.migrations).toEqual({ applied: [], known: tags.length });
    expect(again.sqlite.prepare('select count(*) as n from __drizzle_migrations').get()).toEqual({
      n: tags.length,
    });
    again.close();
    // The "database ready" line of a start that applied none (the built app's, that applied them all: process.test.ts).
    expect(databaseReadyMessage(again.migrations)).toBe(
      `database ready: all ${tags.length} of this version's migrations were already applied`,
    );
  });

  /** The migrations the database records, read past the app's checks (a refused open may add none). */
  function openDatabaseReadOnlyCount(): number {
    const database = new Database(path, { readonly: true });
    try {
      return (database.prepare('select count(*) as n from __drizzle_migrations').get() as { n: number }).n;
    } finally {
      database.close();
    }
  }
});
