import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockDatabase } from '../../src/db/lock.js';
import { ROOT } from '../support/buildDist.js';
import { createDatabase } from '../support/postgres.js';
import { PG_MIGRATIONS_FOLDER } from './engines.js';
import { generatedSource, pgCounts, type SourceFile, sqliteCounts } from './moveSource.js';

/**
 * The built command (`npm run migrate-to-postgres` runs dist/migrateToPostgres.js, built for this run by
 * test/postgres/globalSetup.ts) as a process: what it prints and its exit codes.
 */

const COMMAND = join(ROOT, 'dist', 'migrateToPostgres.js');

describe('npm run migrate-to-postgres (dist/migrateToPostgres.js)', () => {
  let source: SourceFile;
  beforeAll(async () => {
    source = await generatedSource(100);
  });
  afterAll(() => source?.remove());

  /** Runs the command in the source's folder (no .env there), with only the given DATABASE_URL. */
  function run(args: string[], databaseUrl?: string) {
    const { DATABASE_URL: _url, DATABASE_PATH: _path, ...env } = process.env;
    return spawnSync(process.execPath, [COMMAND, ...args], {
      cwd: source.dir,
      env: databaseUrl ? { ...env, DATABASE_URL: databaseUrl } : env,
      encoding: 'utf8',
      timeout: 60_000,
    });
  }

  it('copies, prints each table with its rows and what it checked, exits 0; a second run exits 1 saying why', async () => {
    const url = await createDatabase('move_cli', 'mover');
    const first = run(['handoff.db'], url);
    expect(first.stderr).not.toMatch(/Note: the app is running/);
    expect(first.status).toBe(0);
    const known = (
      JSON.parse(readFileSync(join(PG_MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as {
        entries: unknown[];
      }
    ).entries.length;
    expect(first.stdout).toMatch(
      new RegExp(
        `^Copied handoff\\.db into postgres://mover@127\\.0\\.0\\.1:\\d+/move_cli \\(applied ${known} of ${known} migrations first\\):\n`,
      ),
    );
    const counts = sqliteCounts(source.path);
    for (const [table, rows] of Object.entries(counts))
      expect(first.stdout).toMatch(new RegExp(`\\n {2}${table} +${rows} +${rows}\\n`));
    const total = Object.values(counts).reduce((sum, rows) => sum + rows, 0);
    expect(first.stdout).toMatch(new RegExp(`\\n {2}total +${total} +${total}\\n`));
    expect(first.stdout).toMatch(
      new RegExp(
        `the row counts of all ${Object.keys(counts).length} tables are equal, and \\d+ sampled rows .* read back equal on both engines`,
      ),
    );
    expect(first.stdout).toMatch(
      /The 7 triggers of handoff_events, outbox were off during the copy and are on again\./,
    );
    // What is true since the app runs on Postgres (issue 50 item 11): start it there next, never "SQLite only".
    expect(first.stdout).toMatch(
      /Next: start the app with DATABASE_URL set to this database \(and DATABASE_PATH and BACKUP_DIR unset\): it then runs on Postgres, as one process or several replicas/,
    );
    expect(first.stdout).not.toMatch(/SQLite only|nothing reads DATABASE_URL/);
    expect(first.stderr).toMatch(/^copied handoffs: 101 rows$/m);
    const pool = new pg.Pool({ connectionString: url, max: 1 });
    try {
      expect(await pgCounts(pool)).toEqual(counts);
    } finally {
      await pool.end();
    }

    const second = run(['handoff.db'], url);
    expect(second.status).toBe(1);
    expect(second.stdout).toBe('');
    const filled = Object.values(counts).filter((n) => n > 0).length;
    expect(second.stderr).toMatch(
      new RegExp(
        `^The Postgres database postgres://mover@.* already holds data \\(\\d+ rows in ${filled} tables`,
      ),
    );
    expect(second.stderr).not.toMatch(/\n\s+at /);
  });

  it('exits 2 on a wrong command line, and 1 with what to do without DATABASE_URL, the file, or this version', async () => {
    const url = await createDatabase('move_cli_refusals', 'mover');
    const none = run([], url);
    expect([none.status, none.stderr]).toEqual([
      2,
      expect.stringMatching(/^Give exactly one SQLite file.*\nUsage:/),
    ]);
    expect(run(['a.db', 'b.db'], url).status).toBe(2);
    expect(run(['--force', 'handoff.db'], url).status).toBe(2);
    const help = run(['--help']);
    expect([help.status, help.stdout]).toEqual([
      0,
      expect.stringMatching(/^Usage: npm run migrate-to-postgres/),
    ]);

    const noUrl = run(['handoff.db']);
    expect([noUrl.status, noUrl.stderr]).toEqual([
      1,
      expect.stringMatching(/^Set DATABASE_URL to the Postgres/),
    ]);
    const missing = run(['nothing.db'], url);
    expect([missing.status, missing.stderr]).toEqual([
      1,
      'There is no SQLite file at nothing.db. Nothing was copied.\n',
    ]);

    const newer = source.copy('newer.db');
    const sqlite = new Database(newer);
    sqlite.exec(
      "insert into __drizzle_migrations (hash, created_at) select 'later', max(created_at) + 1 from __drizzle_migrations",
    );
    sqlite.close();
    const refused = run(['newer.db'], url);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/^The SQLite file newer\.db was migrated by a newer version of this app/);
    expect(refused.stderr).not.toMatch(/\n\s+at /);
    // Several runs of the built command, one after another: seconds each on a loaded two-core machine.
  }, 90_000);

  it('warns that what the app writes afterwards is not copied when the app is running on the file, and copies', async () => {
    const url = await createDatabase('move_cli_running', 'mover');
    const live = source.copy('live.db');
    // The lock an app holds while it runs on the file (this process stands in for it).
    const lock = lockDatabase(live);
    try {
      const result = run(['live.db'], url);
      expect(result.stderr).toMatch(
        new RegExp(
          `^Note: the app is running on live\\.db \\(pid ${process.pid}, since [^)]+\\)\\. This copies the database as it is now; what the app writes afterwards will not be in Postgres\\. For the move itself, stop the app first\\.\\n`,
        ),
      );
      expect(result.status).toBe(0);
    } finally {
      lock.release();
    }
  });
});
