import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getTableName, is, Table } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as pgSchema from '../../src/db/pg/schema.js';
import { createDatabase } from '../support/postgres.js';
import { PG_MIGRATIONS_FOLDER } from './engines.js';

/** What a migration run leaves in a database: tables and columns, indexes, constraints, triggers and functions. */
async function catalog(pool: pg.Pool) {
  const query = async (text: string) => (await pool.query(text)).rows;
  return {
    columns: await query(`select table_name, column_name, data_type, is_nullable, column_default, is_identity
      from information_schema.columns where table_schema = 'public' order by table_name, column_name`),
    indexes: await query(`select tablename, indexname, indexdef from pg_indexes where schemaname = 'public'
      order by tablename, indexname`),
    constraints:
      await query(`select conrelid::regclass::text as table_name, conname, pg_get_constraintdef(oid) as def
      from pg_constraint where connamespace = 'public'::regnamespace order by 1, 2`),
    triggers: await query(`select tgrelid::regclass::text as table_name, tgname, pg_get_triggerdef(oid) as def
      from pg_trigger where not tgisinternal order by 1, 2`),
    functions: await query(`select proname, prosrc from pg_proc where pronamespace = 'public'::regnamespace
      order by proname`),
  };
}

const journal = JSON.parse(readFileSync(join(PG_MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as {
  entries: { tag: string }[];
};

describe('the Postgres migrations (migrations-pg/) on a real server', () => {
  let pool: pg.Pool;
  beforeAll(async () => {
    pool = new pg.Pool({ connectionString: await createDatabase('migrations'), max: 2 });
  });
  afterAll(() => pool.end());

  it('apply to an empty database, and a second run is a no-op', async () => {
    const db = drizzle(pool);
    expect((await catalog(pool)).columns).toEqual([]);

    await migrate(db, { migrationsFolder: PG_MIGRATIONS_FOLDER });
    const applied = (
      await pool.query('select hash, created_at from drizzle.__drizzle_migrations order by id')
    ).rows;
    expect(applied).toHaveLength(journal.entries.length);
    const after = await catalog(pool);
    const tables = [...new Set(after.columns.map((column) => column.table_name as string))];
    const declared = (Object.values(pgSchema) as unknown[])
      .filter((value): value is Table => is(value, Table))
      .map(getTableName);
    expect(tables.sort()).toEqual(declared.sort());

    await migrate(db, { migrationsFolder: PG_MIGRATIONS_FOLDER });
    expect(
      (await pool.query('select hash, created_at from drizzle.__drizzle_migrations order by id')).rows,
    ).toEqual(applied);
    expect(await catalog(pool)).toEqual(after);
  });

  it('add the hand-written triggers: 0001 (the touch log, first_accepts, metric_facts), 0028 (the outbox bell)', async () => {
    const triggers = (await catalog(pool)).triggers.map((t) => `${t.table_name}.${t.tgname}`);
    expect(triggers).toEqual([
      'handoff_events.handoff_events_first_accepts',
      'handoff_events.handoff_events_metric_facts',
      'handoff_events.handoff_events_no_delete',
      'handoff_events.handoff_events_no_truncate',
      'handoff_events.handoff_events_no_update',
      'handoff_events.handoff_events_people_only_erased',
      'outbox.outbox_bell',
    ]);
  });
});
