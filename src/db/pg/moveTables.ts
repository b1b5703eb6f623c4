import type Database from 'better-sqlite3';
import { type Column, getTableColumns, getTableName, is, Table } from 'drizzle-orm';
import { type PgTable, getTableConfig as pgTableConfig } from 'drizzle-orm/pg-core';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import type pg from 'pg';
import * as sqliteSchema from '../schema.js';
import * as pgSchema from './schema.js';

/**
 * What the move to Postgres copies (src/db/pg/moveToPostgres.ts): every table of the SQLite schema (src/db/schema.ts)
 * with its Postgres twin (./schema.ts) of the same SQL name, column by column under the same property keys (the two
 * schemas infer the same row types: test/postgres/rowTypes.test.ts), each with its primary key.
 */
export interface TablePair {
  /** The SQL name, the same on both engines. */
  name: string;
  sqlite: SQLiteTable;
  pg: PgTable;
  /** The columns in declaration order: property key, and each engine's column (SQL name, encoder and decoder). */
  columns: { key: string; sqlite: Column; pg: Column }[];
  /** The property keys of the primary key, in its order: rows are read, sampled and found again by it. */
  primaryKey: string[];
}

const tablesOf = <T extends Table>(schema: Record<string, unknown>) =>
  Object.values(schema).filter((value): value is T => is(value, Table));

/** The primary key's property keys: one column's `primaryKey()`, or the table's composite `primaryKey({...})`. */
function primaryKeyOf(table: PgTable, columns: Record<string, Column>): string[] {
  const keyOf = new Map(Object.entries(columns).map(([key, column]) => [column.name, key]));
  const single = Object.entries(columns).filter(([, column]) => column.primary);
  if (single.length > 0) return single.map(([key]) => key);
  const composite = pgTableConfig(table).primaryKeys[0];
  return (composite?.columns ?? []).map((column) => keyOf.get(column.name) ?? column.name);
}

/** Every table of the SQLite schema with its Postgres twin; a table or column without one is a programming error. */
export function tablePairs(): TablePair[] {
  const pgTables = new Map(tablesOf<PgTable>(pgSchema).map((table) => [getTableName(table), table]));
  return tablesOf<SQLiteTable>(sqliteSchema).map((sqlite) => {
    const name = getTableName(sqlite);
    const twin = pgTables.get(name);
    if (!twin) throw new Error(`src/db/pg/schema.ts has no table ${name}`);
    const pgColumns = getTableColumns(twin) as Record<string, Column>;
    const columns = Object.entries(getTableColumns(sqlite) as Record<string, Column>).map(([key, column]) => {
      const pgColumn = pgColumns[key];
      if (!pgColumn || pgColumn.name !== column.name)
        throw new Error(`src/db/pg/schema.ts: ${name}.${key} has no twin named ${column.name}`);
      return { key, sqlite: column, pg: pgColumn };
    });
    const primaryKey = primaryKeyOf(twin, pgColumns);
    if (primaryKey.length === 0) throw new Error(`src/db/pg/schema.ts: ${name} has no primary key`);
    return { name, sqlite, pg: twin, columns, primaryKey };
  });
}

/** A SQL name quoted for either engine. */
export const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * The tables and columns of the SQLite file that the schema does not declare (made by hand, or by another version),
 * as `table` or `table.column`: the copy would leave them behind. SQLite's own tables and drizzle's are not data.
 */
export function undeclaredInSource(sqlite: Database.Database, pairs: TablePair[]): string[] {
  const declared = new Map(pairs.map((pair) => [pair.name, new Set(pair.columns.map((c) => c.sqlite.name))]));
  const tables = sqlite
    .prepare(
      "select name from sqlite_master where type = 'table' and name not like 'sqlite\\_%' escape '\\' and name <> '__drizzle_migrations' order by name",
    )
    .pluck()
    .all() as string[];
  return tables.flatMap((table) => {
    const columns = declared.get(table);
    if (!columns) return [table];
    const present = sqlite.prepare('select name from pragma_table_info(?)').pluck().all(table) as string[];
    return present.filter((column) => !columns.has(column)).map((column) => `${table}.${column}`);
  });
}

/**
 * The tables in an order that satisfies the target's foreign keys (as Postgres holds them, pg_constraint): each after
 * every table it references, otherwise by name. A table referencing itself needs no order; a cycle is an error.
 */
export async function foreignKeyOrder(client: pg.Client, pairs: TablePair[]): Promise<TablePair[]> {
  const references = await client.query<{ child: string; parent: string }>(
    `select c.relname as child, p.relname as parent from pg_constraint k
      join pg_class c on c.oid = k.conrelid join pg_class p on p.oid = k.confrelid
      where k.contype = 'f' and c.relnamespace = current_schema()::regnamespace`,
  );
  const needs = new Map(pairs.map((pair) => [pair.name, new Set<string>()]));
  for (const { child, parent } of references.rows)
    if (child !== parent && needs.has(parent)) needs.get(child)?.add(parent);
  const ordered: TablePair[] = [];
  const left = [...pairs].sort((a, b) => a.name.localeCompare(b.name));
  while (left.length > 0) {
    const done = new Set(ordered.map((pair) => pair.name));
    const next = left.findIndex((pair) => [...(needs.get(pair.name) ?? [])].every((name) => done.has(name)));
    if (next < 0)
      throw new Error(`foreign keys form a cycle among ${left.map((pair) => pair.name).join(', ')}`);
    ordered.push(...left.splice(next, 1));
  }
  return ordered;
}
