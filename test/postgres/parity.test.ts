import type Database from 'better-sqlite3';
import { type Column, getTableColumns, getTableName, is, Table } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppDatabase } from '../../src/db/client.js';
import * as pgSchema from '../../src/db/pg/schema.js';
import * as sqliteSchema from '../../src/db/schema.js';
import { openPostgres, openSqlite, type PgDatabase } from './engines.js';

/**
 * The schema each engine holds after its own migrations (SQLite's by the app's openDatabase, Postgres's from
 * migrations-pg/), as the engine itself reports it: the same tables, columns (nullability, default), primary keys,
 * indexes (unique or not, columns in order, partial ones' condition) and foreign keys. Column types differ by design
 * and are checked against the mapping of src/db/pg/schema.ts.
 */

interface Shape {
  columns: Record<string, { nullable: boolean; default: string | null }>;
  primaryKey: string[];
  indexes: Record<string, { unique: boolean; columns: string[]; where: string | null }>;
  foreignKeys: string[];
}

/** A condition or default as both engines would agree on it: lower case, no quotes, parentheses, casts or tables. */
function normalize(text: string | null): string | null {
  if (text === null) return null;
  return text
    .replace(/::[a-z ]+/g, '')
    .replace(/["`()]/g, '')
    .replace(/\b[a-z_]+\./g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}

const SQLITE_ON_DELETE: Record<string, string> = {
  'NO ACTION': 'a',
  RESTRICT: 'r',
  CASCADE: 'c',
  'SET NULL': 'n',
};

function sqliteShapes(sqlite: Database.Database): Record<string, Shape> {
  const all = <T>(sql: string, ...params: unknown[]) => sqlite.prepare(sql).all(...params) as T[];
  const tables = all<{ name: string }>(
    "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name <> '__drizzle_migrations'",
  );
  return Object.fromEntries(
    tables.map(({ name }) => {
      const info = all<{ name: string; notnull: number; dflt_value: string | null; pk: number }>(
        'select * from pragma_table_info(?)',
        name,
      );
      const indexes = all<{ name: string; unique: number; origin: string; partial: number }>(
        'select * from pragma_index_list(?)',
        name,
      ).filter((index) => index.origin !== 'pk');
      const indexSql = (index: string) =>
        all<{ sql: string }>("select sql from sqlite_master where type = 'index' and name = ?", index)[0]
          ?.sql ?? '';
      const fks = all<{ id: number; table: string; from: string; to: string; on_delete: string }>(
        'select * from pragma_foreign_key_list(?) order by id, seq',
        name,
      );
      const shape: Shape = {
        columns: Object.fromEntries(
          info.map((c) => [c.name, { nullable: c.notnull === 0, default: normalize(c.dflt_value) }]),
        ),
        primaryKey: info
          .filter((c) => c.pk > 0)
          .sort((a, b) => a.pk - b.pk)
          .map((c) => c.name),
        indexes: Object.fromEntries(
          indexes.map((index) => [
            index.name,
            {
              unique: index.unique === 1,
              columns: all<{ name: string }>(
                'select name from pragma_index_info(?) order by seqno',
                index.name,
              ).map((c) => c.name),
              where:
                index.partial === 1 ? normalize(indexSql(index.name).replace(/^.*\bwhere\b/is, '')) : null,
            },
          ]),
        ),
        foreignKeys: fks
          .map(
            (fk) =>
              `${fk.from} → ${fk.table}.${fk.to} on delete ${SQLITE_ON_DELETE[fk.on_delete] ?? fk.on_delete}`,
          )
          .sort(),
      };
      return [name, shape];
    }),
  );
}

const ATTRIBUTES = (array: string, table: string) =>
  `array(select a.attname::text from unnest(${array}) with ordinality k(num, ord)
    join pg_attribute a on a.attrelid = ${table} and a.attnum = k.num order by k.ord)`;

async function pgShapes(database: PgDatabase): Promise<Record<string, Shape>> {
  const rows = async <T>(text: string) => (await database.pool.query(text)).rows as T[];
  const columns = await rows<{
    table_name: string;
    column_name: string;
    is_nullable: string;
    column_default: string;
  }>("select * from information_schema.columns where table_schema = 'public'");
  const indexes = await rows<{
    table: string;
    name: string;
    unique: boolean;
    primary: boolean;
    where: string | null;
    columns: string[];
  }>(`
    select t.relname as table, i.relname as name, x.indisunique as unique, x.indisprimary as primary,
      pg_get_expr(x.indpred, x.indrelid) as where, ${ATTRIBUTES('x.indkey', 'x.indrelid')} as columns
    from pg_index x join pg_class i on i.oid = x.indexrelid join pg_class t on t.oid = x.indrelid
    where t.relnamespace = 'public'::regnamespace`);
  const fks = await rows<{
    table: string;
    columns: string[];
    ref: string;
    ref_columns: string[];
    on_delete: string;
  }>(`
    select c.conrelid::regclass::text as table, c.confrelid::regclass::text as ref, c.confdeltype as on_delete,
      ${ATTRIBUTES('c.conkey', 'c.conrelid')} as columns, ${ATTRIBUTES('c.confkey', 'c.confrelid')} as ref_columns
    from pg_constraint c where c.contype = 'f' and c.connamespace = 'public'::regnamespace`);
  const shapes: Record<string, Shape> = {};
  for (const c of columns) {
    const shape = shapes[c.table_name] ?? { columns: {}, primaryKey: [], indexes: {}, foreignKeys: [] };
    shapes[c.table_name] = shape;
    shape.columns[c.column_name] = {
      nullable: c.is_nullable === 'YES',
      default: normalize(c.column_default),
    };
  }
  for (const index of indexes) {
    const shape = shapes[index.table];
    if (!shape) continue;
    if (index.primary) shape.primaryKey = index.columns;
    else
      shape.indexes[index.name] = {
        unique: index.unique,
        columns: index.columns,
        where: normalize(index.where),
      };
  }
  for (const fk of fks)
    shapes[fk.table]?.foreignKeys.push(
      `${fk.columns.join(',')} → ${fk.ref}.${fk.ref_columns.join(',')} on delete ${fk.on_delete}`,
    );
  for (const shape of Object.values(shapes)) shape.foreignKeys.sort();
  return shapes;
}

/** The Postgres type each kind of SQLite column is stored as (src/db/pg/schema.ts). */
const PG_TYPE_OF: Record<string, string> = {
  SQLiteInteger: 'integer',
  SQLiteTimestamp: 'timestamp with time zone',
  SQLiteBoolean: 'boolean',
  SQLiteText: 'text',
  SQLiteTextJson: 'jsonb',
  SQLiteReal: 'double precision',
  SQLiteCustomColumn: 'text',
};

const tablesOf = (schema: Record<string, unknown>) =>
  Object.values(schema).filter((value): value is Table => is(value, Table));

describe('schema parity: Postgres after migrations-pg/ = SQLite after migrations/', () => {
  let sqlite: AppDatabase;
  let postgres: PgDatabase;
  let sqliteShape: Record<string, Shape>;
  let pgShape: Record<string, Shape>;
  beforeAll(async () => {
    sqlite = openSqlite();
    postgres = await openPostgres('parity');
    sqliteShape = sqliteShapes(sqlite.sqlite);
    pgShape = await pgShapes(postgres);
  });
  afterAll(async () => {
    sqlite?.close();
    await postgres?.close();
  });

  it('has the same tables', () => {
    expect(Object.keys(pgShape).sort()).toEqual(Object.keys(sqliteShape).sort());
    expect(Object.keys(sqliteShape).length).toBeGreaterThan(20);
  });

  it('has, in every table, the same columns, nullability, defaults, primary key, indexes and foreign keys', () => {
    // Soft: every table that differs is reported, each diff naming its table.
    for (const [table, shape] of Object.entries(sqliteShape))
      expect.soft({ table, ...pgShape[table] }).toEqual({ table, ...shape });
  });

  it('keeps the partial indexes partial, on the same condition', () => {
    const partial = Object.values(pgShape).flatMap((shape) =>
      Object.entries(shape.indexes).filter(([, index]) => index.where !== null),
    );
    // Each partial on its last column being set, unless it says otherwise.
    const on = (columns: string[], where = `${columns.at(-1)} is not null`) => ({
      unique: false,
      columns,
      where,
    });
    expect(Object.fromEntries(partial)).toEqual({
      handoffs_stalled_idx: on(['last_activity_at'], 'stall_nudged_at is not null'),
      handoffs_crm_record_idx: on(['crm_system', 'crm_record_id']),
      // Issue 32: an outbox row without a surface or a record key (a lifecycle change) writes no entry.
      outbox_surface_key_status_idx: on(['surface_key', 'status'], 'surface_key is not null'),
      outbox_record_as_idx: on(['record_as']),
      // Issue 32: the sweep's indexes hold a handoff only while its time is set; a decision clears two of them.
      handoffs_status_next_reminder_at_idx: on(['status', 'next_reminder_at']),
      handoffs_status_next_escalation_at_idx: on(['status', 'next_escalation_at']),
      handoffs_status_next_stall_nudge_at_idx: on(['status', 'next_stall_nudge_at']),
      // Issue 51: the clocks an AE's question paused, until the pause's longest.
      handoffs_status_pause_ends_at_idx: on(['status', 'pause_ends_at']),
      // Issue 51: the first steps' checks still owed.
      handoffs_status_next_step_check_at_idx: on(['status', 'next_step_check_at']),
    });
  });

  it('stores each column in the Postgres type its SQLite kind maps to', async () => {
    const types = await postgres.pool.query(
      "select table_name, column_name, data_type from information_schema.columns where table_schema = 'public'",
    );
    const actual = Object.fromEntries(
      types.rows.map((r) => [`${r.table_name}.${r.column_name}`, r.data_type]),
    );
    const expected = Object.fromEntries(
      tablesOf(sqliteSchema).flatMap((table) =>
        Object.values(getTableColumns(table)).map((column: Column) => [
          `${getTableName(table)}.${column.name}`,
          PG_TYPE_OF[column.columnType] ?? column.columnType,
        ]),
      ),
    );
    expect(actual).toEqual(expected);
    expect(tablesOf(pgSchema).map(getTableName).sort()).toEqual(
      tablesOf(sqliteSchema).map(getTableName).sort(),
    );
  });
});
