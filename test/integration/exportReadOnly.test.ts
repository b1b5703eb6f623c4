import {
  chmodSync,
  chownSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unreadableMessage } from '../../src/cliExport.js';
import { type AppDatabase, MIGRATIONS_FOLDER, openDatabase } from '../../src/db/client.js';
import { firstInstallationOf } from '../../src/db/owned.js';
import { openDatabaseReadOnly } from '../../src/db/readOnly.js';
import { addEvent, addHandoff } from '../contract/seed.js';
import { folderSnapshot, runBuilt } from '../support/builtCli.js';
import { csvObjects } from '../support/revopsFlow.js';
// The unprivileged user for the read-only cases: root may write any file.
import { asRoot, NOBODY, type UnprivilegedApp, unprivilegedApp } from '../support/unprivileged.js';

/**
 * `npm run export` (dist/export.js, built once by test/globalSetup.ts) only reads: it neither migrates nor writes
 * the database, its -wal or -shm, nor creates any file beside it; it reads a database it may not write; and it refuses
 * a database that needs migrating with one line and exit code 1, leaving it as it was.
 */
describe('npm run export reads the database and writes nothing', () => {
  let dir: string;
  /** The built app as the unprivileged user can run it (a copy when the checkout is in a private folder). */
  let nobodyApp: UnprivilegedApp;
  beforeAll(() => {
    nobodyApp = unprivilegedApp();
    dir = mkdtempSync(join(tmpdir(), 'handoff-export-ro-'));
    // The unprivileged user may reach the databases in it.
    chmodSync(dir, 0o755);
  }, 120_000);
  afterAll(() => {
    nobodyApp?.dispose();
    // Folders made read-only below: writable again so they can be removed.
    for (const entry of readdirSync(dir)) chmodSync(join(dir, entry), 0o755);
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  // In the test's folder: no .env of the repository is read.
  const cli = (databasePath: string, nobody?: UnprivilegedApp) =>
    runBuilt('export', ['--since', '2026-01-01'], { cwd: dir, env: { DATABASE_PATH: databasePath }, nobody });

  /** Handoffs sent on 2026-03-0n, each with its `sent` event, in an open database (migrated). */
  async function addHandoffs(database: AppDatabase, accounts: string[]): Promise<void> {
    const db = firstInstallationOf(database.db);
    for (const [i, accountName] of accounts.entries()) {
      const at = new Date(`2026-03-0${i + 1}T10:00:00Z`);
      const handoffId = await addHandoff(db, at, { sourceViewId: `V${accountName}`, accountName });
      await addEvent(db, { handoffId, type: 'sent', at });
    }
  }

  /** A migrated database with two handoffs in its own folder, closed (its -wal checkpointed and removed). */
  async function closedDatabase(name: string): Promise<string> {
    const folder = join(dir, name);
    mkdirSync(folder);
    const path = join(folder, 'handoff.db');
    const database = openDatabase(path);
    await addHandoffs(database, ['Alpha Freight', 'Bravo Freight']);
    database.close();
    return path;
  }

  const accounts = (csv: string) => csvObjects(csv).rows.map((r) => r.account);

  it('changes no file in the database folder: no migration, no health probe row, no -wal or -shm', async () => {
    const path = await closedDatabase('untouched');
    const before = folderSnapshot(join(dir, 'untouched'));
    expect(Object.keys(before)).toEqual(['handoff.db']);

    const result = cli(path);
    expect(result.status, result.stderr).toBe(0);
    expect(accounts(result.stdout)).toEqual(['Alpha Freight', 'Bravo Freight']);
    expect(result.stderr).toBe('');
    expect(folderSnapshot(join(dir, 'untouched'))).toEqual(before);
  });

  it.runIf(asRoot)(
    'reads a read-only database file in a read-only folder (as an unprivileged user)',
    async () => {
      const path = await closedDatabase('readonly');
      chmodSync(path, 0o444);
      chmodSync(join(dir, 'readonly'), 0o555);
      const before = folderSnapshot(join(dir, 'readonly'));

      const result = cli(path, nobodyApp);
      expect(result.status, result.stderr).toBe(0);
      expect(accounts(result.stdout)).toEqual(['Alpha Freight', 'Bravo Freight']);
      expect(result.stderr).not.toMatch(/\n\s+at /);
      expect(folderSnapshot(join(dir, 'readonly'))).toEqual(before);
    },
  );

  it.runIf(asRoot)(
    'reads what is still in the -wal of a running app, through read-only -wal and -shm files (as an unprivileged user)',
    async () => {
      const folder = join(dir, 'live');
      mkdirSync(folder);
      const path = join(folder, 'handoff.db');
      // The app, running as another user: its connection open, a handoff committed to the -wal, not checkpointed.
      const app = openDatabase(path);
      try {
        await addHandoffs(app, ['Alpha Freight']);
        app.sqlite.pragma('wal_autocheckpoint = 0');
        await addHandoffs(app, ['In The Log']);
        // The app makes its files 0600 (db/privateFiles.ts): the operator lets the unprivileged user's group read
        // them, and nothing more, as they would for a reporting account.
        for (const name of ['handoff.db', 'handoff.db-shm', 'handoff.db-wal']) {
          expect(statSync(join(folder, name)).mode & 0o777).toBe(0o600);
          chownSync(join(folder, name), process.getuid?.() ?? 0, NOBODY);
          chmodSync(join(folder, name), 0o640);
        }
        chmodSync(folder, 0o555);
        const before = folderSnapshot(folder);
        expect(Object.keys(before)).toEqual(['handoff.db', 'handoff.db-shm', 'handoff.db-wal']);

        const result = cli(path, nobodyApp);
        expect(result.status, result.stderr).toBe(0);
        expect(accounts(result.stdout)).toEqual(['Alpha Freight', 'In The Log']);
        expect(folderSnapshot(folder)).toEqual(before);
      } finally {
        app.close();
      }
    },
  );

  it('reads beside a running app it may write: the database and its -wal are left as they were, no file is added', async () => {
    const folder = join(dir, 'beside');
    mkdirSync(folder);
    const path = join(folder, 'handoff.db');
    const app = openDatabase(path);
    try {
      app.sqlite.pragma('wal_autocheckpoint = 0');
      await addHandoffs(app, ['In The Log']);
      const before = folderSnapshot(folder);
      const result = cli(path);
      expect(result.status, result.stderr).toBe(0);
      expect(accounts(result.stdout)).toEqual(['In The Log']);
      const after = folderSnapshot(folder);
      // The -shm is the readers' and writers' shared memory: a reader may write it, as every connection does.
      expect(Object.keys(after)).toEqual(Object.keys(before));
      expect(after['handoff.db']).toBe(before['handoff.db']);
      expect(after['handoff.db-wal']).toBe(before['handoff.db-wal']);
    } finally {
      app.close();
    }
  });

  it('refuses a database that needs migrating with one line and exit code 1, and leaves it as it was; words a file that is not a database in one line', () => {
    // A database as an older version of the app left it: the first twelve migrations (no health probe table).
    const oldMigrations = join(dir, 'old-migrations');
    cpSync(MIGRATIONS_FOLDER, oldMigrations, { recursive: true });
    const journalPath = join(oldMigrations, 'meta', '_journal.json');
    const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { tag: string }[] };
    const pending = journal.entries.length - 12;
    expect(pending).toBeGreaterThan(0);
    journal.entries = journal.entries.slice(0, 12);
    writeFileSync(journalPath, JSON.stringify(journal));
    mkdirSync(join(dir, 'old'));
    const path = join(dir, 'old', 'handoff.db');
    const sqlite = new Database(path);
    sqlite.pragma('journal_mode = WAL');
    migrate(drizzle(sqlite), { migrationsFolder: oldMigrations });
    sqlite.close();
    const before = folderSnapshot(join(dir, 'old'));

    const result = cli(path);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines, result.stderr).toHaveLength(1);
    expect(lines[0]).toBe(
      `The database at ${path} needs migrating (${pending} migrations of this version are not applied): start the app on it once (npm start), then export again.`,
    );
    expect(folderSnapshot(join(dir, 'old'))).toEqual(before);

    // A file that is not a database is worded in one line too, as the command prints it.
    mkdirSync(join(dir, 'garbage'));
    const garbage = join(dir, 'garbage', 'handoff.db');
    writeFileSync(garbage, 'not a database, but long enough to have a header of one. '.repeat(20));
    const refused = (() => {
      try {
        openDatabaseReadOnly(garbage).close();
      } catch (error) {
        return unreadableMessage(garbage, error);
      }
      return 'opened';
    })();
    expect(refused).toBe(
      `Could not read the database at ${garbage}: file is not a database (SQLITE_NOTADB).`,
    );
  });
});
