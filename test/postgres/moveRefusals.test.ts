import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DatabaseNewerError } from '../../src/db/migrationsCheck.js';
import { PG_MIGRATIONS_FOLDER } from '../../src/db/pg/migrations.js';
import {
  CopyFailedError,
  CopyMismatchError,
  MoveRefusedError,
  PostgresNewerError,
  PostgresUnavailableError,
  SourceShapeError,
  TargetNotEmptyError,
  UnstorableCharacterError,
} from '../../src/db/pg/moveErrors.js';
import { tablePairs } from '../../src/db/pg/moveTables.js';
import { moveToPostgres } from '../../src/db/pg/moveToPostgres.js';
import { DatabaseNeedsMigrationError } from '../../src/db/readOnly.js';
import { freePort } from '../support/ports.js';
import { createDatabase } from '../support/postgres.js';
import { generatedSource, pgCounts, type SourceFile, sqliteCounts, triggerStates } from './moveSource.js';

/**
 * What `npm run migrate-to-postgres` refuses before it copies (a target holding rows, a source of another version or
 * shape, a target of a newer version, a URL that is not Postgres's), and what it undoes after: a copy that does not
 * read back the same, or a row Postgres refuses midway, rolls everything back. The differences are provoked in the
 * real target (rules, a constraint), as a hand-made change to a production database would make them.
 */

const EMPTY = Object.fromEntries(tablePairs().map(({ name }) => [name, 0]));
const ALL_ON = {
  'handoff_events.handoff_events_first_accepts': 'O',
  'handoff_events.handoff_events_metric_facts': 'O',
  'handoff_events.handoff_events_no_delete': 'O',
  'handoff_events.handoff_events_no_truncate': 'O',
  'handoff_events.handoff_events_no_update': 'O',
  'handoff_events.handoff_events_people_only_erased': 'O',
  'outbox.outbox_bell': 'O',
};

describe('migrate-to-postgres refuses, and rolls back', () => {
  let source: SourceFile;
  const pools: pg.Pool[] = [];
  beforeAll(async () => {
    source = await generatedSource(200);
  });
  afterEach(async () => {
    await Promise.all(pools.splice(0).map((pool) => pool.end()));
  });
  afterAll(() => source?.remove());

  /** A new database owned by a role that is not a superuser, migrated by this version unless `migrated` is false. */
  async function target(name: string, migrated = true): Promise<{ url: string; pool: pg.Pool }> {
    const url = await createDatabase(name, 'mover');
    const pool = new pg.Pool({ connectionString: url, max: 1 });
    pools.push(pool);
    if (migrated) await migrate(drizzle(pool), { migrationsFolder: PG_MIGRATIONS_FOLDER });
    return { url, pool };
  }

  /** What a database holds in the public schema: nothing at all for a database the move never touched. */
  const tablesIn = async (pool: pg.Pool) =>
    (await pool.query("select count(*)::int as n from pg_tables where schemaname in ('public', 'drizzle')"))
      .rows[0].n;

  /** A copy of the source changed by `statements` (run with SQLite as a person would, outside the app). */
  function changedSource(name: string, statements: string): string {
    const path = source.copy(name);
    const sqlite = new Database(path);
    sqlite.exec(statements);
    sqlite.close();
    return path;
  }

  it('refuses a target that already holds rows, naming them, and changes nothing', async () => {
    const { url, pool } = await target('move_not_empty');
    await pool.query(
      "insert into covers (ae_user_id, cover_user_id, until, set_at) values ('U1', 'U2', '2026-12-01', now())",
    );
    const move = moveToPostgres({ sourcePath: source.path, targetUrl: url });
    await expect(move).rejects.toThrow(TargetNotEmptyError);
    await expect(move).rejects.toThrow(
      /already holds data \(1 row in 1 table: covers 1 row\), so nothing was copied/,
    );
    expect(await pgCounts(pool)).toEqual({ ...EMPTY, covers: 1 });
  });

  it('refuses a SQLite file a newer version migrated, or an older one left behind, before touching Postgres', async () => {
    const { url, pool } = await target('move_versions', false);
    const newer = changedSource(
      'newer.db',
      `insert into __drizzle_migrations (hash, created_at)
        select 'a-later-migration', max(created_at) + 60000 from __drizzle_migrations`,
    );
    await expect(moveToPostgres({ sourcePath: newer, targetUrl: url })).rejects.toThrow(DatabaseNewerError);
    const behind = changedSource(
      'behind.db',
      'delete from __drizzle_migrations where created_at = (select max(created_at) from __drizzle_migrations)',
    );
    const older = moveToPostgres({ sourcePath: behind, targetUrl: url });
    await expect(older).rejects.toThrow(DatabaseNeedsMigrationError);
    await expect(older).rejects.toMatchObject({ pending: 1 });
    expect(await tablesIn(pool)).toBe(0);
  });

  it('refuses a SQLite file with a table or a column this version does not know', async () => {
    const { url, pool } = await target('move_shape', false);
    const path = changedSource(
      'shape.db',
      "create table notes (id integer primary key, body text); alter table covers add column note text default 'x';",
    );
    const move = moveToPostgres({ sourcePath: path, targetUrl: url });
    await expect(move).rejects.toThrow(SourceShapeError);
    await expect(move).rejects.toMatchObject({ unknown: ['covers.note', 'notes'] });
    await expect(move).rejects.toThrow(
      /does not know, which the copy would leave behind: covers\.note, notes\./,
    );
    expect(await tablesIn(pool)).toBe(0);
  });

  it('refuses a Postgres database a newer version migrated', async () => {
    const { url, pool } = await target('move_pg_newer');
    await pool.query(
      "insert into drizzle.__drizzle_migrations (hash, created_at) select 'later', max(created_at) + 60000 from drizzle.__drizzle_migrations",
    );
    const move = moveToPostgres({ sourcePath: source.path, targetUrl: url });
    await expect(move).rejects.toThrow(PostgresNewerError);
    await expect(move).rejects.toThrow(
      /was migrated by a newer version of this app .* so nothing was copied/,
    );
    expect(await pgCounts(pool)).toEqual(EMPTY);
  });

  it('refuses a DATABASE_URL that is not Postgres without echoing it, and says when Postgres is not there', async () => {
    const notPostgres = moveToPostgres({ sourcePath: source.path, targetUrl: 'mysql://u:s3cret@db/handoff' });
    await expect(notPostgres).rejects.toThrow(MoveRefusedError);
    await expect(notPostgres).rejects.toThrow(/must be a postgres:\/\/ URL .*not mysql:\/\/…$/);
    await expect(notPostgres).rejects.not.toThrow(/s3cret/);
    const port = await freePort();
    const nobody = moveToPostgres({
      sourcePath: source.path,
      targetUrl: `postgres://u:s3cret@127.0.0.1:${port}/x`,
    });
    await expect(nobody).rejects.toThrow(PostgresUnavailableError);
    await expect(nobody).rejects.toThrow(
      new RegExp(
        `^Could not connect to Postgres \\(postgres://u@127\\.0\\.0\\.1:${port}/x\\): .*ECONNREFUSED`,
      ),
    );
    await expect(nobody).rejects.not.toThrow(/s3cret/);
  });

  it('rolls everything back when a table reads back with fewer rows (a rule drops them), and runs once it is gone', async () => {
    const { url, pool } = await target('move_rule_drops');
    await pool.query('create rule covers_vanish as on insert to covers do instead nothing');
    const move = moveToPostgres({ sourcePath: source.path, targetUrl: url });
    await expect(move).rejects.toThrow(CopyMismatchError);
    await expect(move).rejects.toThrow(
      /\n {2}covers: 1 rows in SQLite, 1 copied, 0 in Postgres after the copy\n/,
    );
    await expect(move).rejects.toThrow(/so it was rolled back: nothing was kept in Postgres/);
    expect(await pgCounts(pool)).toEqual(EMPTY);
    expect(await triggerStates(pool)).toEqual(ALL_ON);

    await pool.query('drop rule covers_vanish on covers');
    const report = await moveToPostgres({ sourcePath: source.path, targetUrl: url });
    expect(report.migrations.applied).toBe(0);
    expect(await pgCounts(pool)).toEqual(sqliteCounts(source.path));
  });

  it('rolls everything back when rows are changed as they are written (a rule), which only the samples show', async () => {
    const { url, pool } = await target('move_rule_changes');
    await pool.query(
      'create rule partners_shout as on insert to partners do also update partners set name = upper(new.name) where id = new.id',
    );
    const move = moveToPostgres({ sourcePath: source.path, targetUrl: url });
    await expect(move).rejects.toThrow(CopyMismatchError);
    await expect(move).rejects.toThrow(
      /\n {2}partners \(id 1\): name is "Partner Firm \d+" in SQLite, "PARTNER FIRM \d+" in Postgres\n/,
    );
    // The counts agreed: only the sampled rows differ.
    await expect(move).rejects.not.toThrow(/rows in SQLite/);
    expect(await pgCounts(pool)).toEqual(EMPTY);
    expect(await triggerStates(pool)).toEqual(ALL_ON);
  });

  it('names a row holding a NUL character and the statement that removes it; the fixed copy moves', async () => {
    // SQLite stores U+0000, Postgres refuses it (22021 in text, 22P05 in JSON): the move names the table, the row and
    // the column, and how to fix a copy, one row at a time.
    const { url, pool } = await target('move_nul');
    const path = changedSource(
      'nul.db',
      `update handoffs set account_name = 'North' || char(0) || 'wind' where id = (select min(id) from handoffs);
       update outbox set payload = json_set(payload, '$.text', 'a' || char(0) || 'b')
         where id = (select min(id) from outbox);`,
    );
    const ids = new Database(path, { readonly: true });
    const handoffId = (ids.prepare('select min(id) as id from handoffs').get() as { id: number }).id;
    const outboxId = (ids.prepare('select min(id) as id from outbox').get() as { id: number }).id;
    ids.close();
    const fixes: string[] = [];
    // In the order the move copies them, foreign keys first: the outbox refers to handoffs.
    for (const expected of [
      { table: 'handoffs', row: { id: handoffId }, column: 'account_name' },
      { table: 'outbox', row: { id: outboxId }, column: 'payload' },
    ]) {
      const move = moveToPostgres({ sourcePath: path, targetUrl: url });
      await expect(move).rejects.toThrow(UnstorableCharacterError);
      const error = (await move.catch((e: unknown) => e)) as UnstorableCharacterError;
      expect(error).toMatchObject(expected);
      expect(error.message).toContain(
        `The row of ${expected.table} where id = ${expected.row.id} holds a NUL character (U+0000) in its column ${expected.column}`,
      );
      expect(await pgCounts(pool)).toEqual(EMPTY);
      // The statement it gives, run on the copy as an admin would.
      const statement = /sqlite3 COPY\.db "(.*)"\. Then run this again/.exec(error.message)?.[1] ?? '';
      fixes.push(statement);
      const sqlite = new Database(path);
      expect(sqlite.prepare(statement).run().changes).toBe(1);
      sqlite.close();
    }
    expect(fixes.find((f) => f.startsWith('update handoffs'))).toBe(
      `update handoffs set account_name = 'Northwind' where id = ${handoffId}`,
    );
    expect(fixes.find((f) => f.startsWith('update outbox'))).toBe(
      `update outbox set payload = replace(payload, '\\u0000', '') where id = ${outboxId}`,
    );
    await moveToPostgres({ sourcePath: path, targetUrl: url });
    const [row] = (await pool.query('select account_name from handoffs where id = $1', [handoffId])).rows;
    expect(row.account_name).toBe('Northwind');
  });

  it('names a row holding a lone surrogate and the statement that removes it; the fixed copy moves', async () => {
    // JSON text keeps a lone UTF-16 surrogate as its escape (JSON.stringify's \ud83d), which SQLite
    // stores and Postgres's jsonb refuses; a whole emoji (its pair, as itself) beside it moves as it is.
    const { url, pool } = await target('move_surrogate');
    const path = changedSource(
      'surrogate.db',
      `update outbox set payload = replace(json_set(payload, '$.text', 'x'), '"text":"x"', '"text":"a\\ud83db 😀"')
         where id = (select min(id) from outbox);`,
    );
    const ids = new Database(path, { readonly: true });
    const outboxId = (ids.prepare('select min(id) as id from outbox').get() as { id: number }).id;
    ids.close();
    const move = moveToPostgres({ sourcePath: path, targetUrl: url });
    await expect(move).rejects.toThrow(UnstorableCharacterError);
    const error = (await move.catch((e: unknown) => e)) as UnstorableCharacterError;
    expect(error).toMatchObject({ table: 'outbox', row: { id: outboxId }, column: 'payload' });
    expect(error.message).toContain(
      `The row of outbox where id = ${outboxId} holds a lone surrogate (U+D83D, half of a character) in its column payload`,
    );
    expect(await pgCounts(pool)).toEqual(EMPTY);
    expect(await triggerStates(pool)).toEqual(ALL_ON);
    const statement = /sqlite3 COPY\.db "(.*)"\. Then run this again/.exec(error.message)?.[1] ?? '';
    expect(statement).toBe(
      `update outbox set payload = replace(payload, '\\ud83d', '') where id = ${outboxId}`,
    );
    const sqlite = new Database(path);
    expect(sqlite.prepare(statement).run().changes).toBe(1);
    sqlite.close();
    await moveToPostgres({ sourcePath: path, targetUrl: url });
    const [row] = (await pool.query('select payload from outbox where id = $1', [outboxId])).rows;
    expect(row.payload.text).toBe('ab 😀');
  });

  it('rolls everything back when Postgres refuses a row midway (a constraint added by hand)', async () => {
    const { url, pool } = await target('move_refused_row');
    await pool.query("alter table handoff_events add constraint no_expiry check (type <> 'expired')");
    const move = moveToPostgres({ sourcePath: source.path, targetUrl: url });
    await expect(move).rejects.toThrow(CopyFailedError);
    await expect(move).rejects.toThrow(
      /^Copying the table handoff_events failed: .*"no_expiry".* \[23514\]\. The copy was rolled back/,
    );
    // The tables copied before it (the partners, the handoffs) are gone with the rest.
    expect(await pgCounts(pool)).toEqual(EMPTY);
    expect(await triggerStates(pool)).toEqual(ALL_ON);
  });
});
