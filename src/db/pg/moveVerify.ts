import { isDeepStrictEqual } from 'node:util';
import type Database from 'better-sqlite3';
import { and, asc, type Column, eq } from 'drizzle-orm';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';
import type pg from 'pg';
import { quoted, type TablePair } from './moveTables.js';

/**
 * The checks after the copy, inside its transaction (src/db/pg/moveToPostgres.ts): every table's rows counted on both
 * sides, and a sample of rows (the first, the last and some evenly spaced between, by primary key) read back through
 * drizzle with each engine's schema. Both schemas infer the same row types (test/postgres/rowTypes.test.ts), so a row
 * copied faithfully reads back as a deep-equal object: same Dates to the millisecond, booleans, JSON values, the null
 * partner channel.
 */

/** One table after the copy: its rows in the SQLite snapshot, written by the copy, and in Postgres. */
export interface TableCount {
  table: string;
  sqlite: number;
  copied: number;
  postgres: number;
  /** Rows read back from both sides and compared. */
  sampled: number;
}

export interface Verification {
  tables: TableCount[];
  /** What differed, one line each (empty: the copy matches). */
  differences: string[];
}

/** Rows compared per table: the first, the last, and evenly spaced between them. */
export const SAMPLE_POINTS = 10;

/** Where the sampled rows are, as offsets in primary key order, for a table of `count` rows. */
export function sampleOffsets(count: number, points = SAMPLE_POINTS): number[] {
  if (count <= 0) return [];
  if (count <= points) return Array.from({ length: count }, (_, index) => index);
  const offsets = Array.from({ length: points }, (_, i) => Math.round((i * (count - 1)) / (points - 1)));
  return [...new Set(offsets)];
}

/** A value as a person reads it in a difference: JSON, dates as ISO, cut at 80 characters. */
function show(value: unknown): string {
  const text = value instanceof Date ? value.toISOString() : JSON.stringify(value);
  if (text === undefined) return String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** The fields where two rows differ, as one line (undefined: equal). */
export function rowDifference(
  where: string,
  fromSqlite: Record<string, unknown>,
  fromPg: Record<string, unknown> | undefined,
): string | undefined {
  if (!fromPg) return `${where}: in SQLite, missing in Postgres`;
  if (isDeepStrictEqual(fromSqlite, fromPg)) return undefined;
  const keys = [...new Set([...Object.keys(fromSqlite), ...Object.keys(fromPg)])];
  const fields = keys
    .filter((key) => !isDeepStrictEqual(fromSqlite[key], fromPg[key]))
    .map((key) => `${key} is ${show(fromSqlite[key])} in SQLite, ${show(fromPg[key])} in Postgres`);
  return `${where}: ${fields.join('; ')}`;
}

type SqliteDb = Omit<BaseSQLiteDatabase<'sync', unknown, Record<string, unknown>>, 'transaction'>;

/** Reads the sampled rows of one table from both sides and describes each that differs. */
async function compareSample(
  source: SqliteDb,
  target: NodePgDatabase,
  pair: TablePair,
  count: number,
): Promise<{ sampled: number; differences: string[] }> {
  const column = (key: string, side: 'sqlite' | 'pg'): Column => {
    const found = pair.columns.find((c) => c.key === key);
    if (!found) throw new Error(`${pair.name} has no column ${key}`);
    return found[side];
  };
  const differences: string[] = [];
  const offsets = sampleOffsets(count);
  for (const offset of offsets) {
    const row = source
      .select()
      .from(pair.sqlite)
      .orderBy(...pair.primaryKey.map((key) => asc(column(key, 'sqlite'))))
      .limit(1)
      .offset(offset)
      .get() as Record<string, unknown> | undefined;
    if (!row) {
      differences.push(`${pair.name}: row ${offset + 1} of ${count} is gone from the SQLite snapshot`);
      continue;
    }
    const key = pair.primaryKey.map((k) => `${k} ${show(row[k])}`).join(', ');
    const [twin] = (await target
      .select()
      .from(pair.pg)
      .where(and(...pair.primaryKey.map((k) => eq(column(k, 'pg'), row[k]))))) as Record<string, unknown>[];
    const difference = rowDifference(`${pair.name} (${key})`, row, twin);
    if (difference) differences.push(difference);
  }
  return { sampled: offsets.length, differences };
}

/** Counts and samples every copied table (see above). `copied`: the rows the copy wrote, per table. */
export async function verifyCopy(
  source: { sqlite: Database.Database; db: SqliteDb },
  target: { client: pg.Client; db: NodePgDatabase },
  pairs: TablePair[],
  copied: Map<string, number>,
): Promise<Verification> {
  const tables: TableCount[] = [];
  const differences: string[] = [];
  for (const pair of pairs) {
    const inSqlite = Number(
      source.sqlite
        .prepare(`select count(*) from ${quoted(pair.name)}`)
        .pluck()
        .get(),
    );
    const counted = await target.client.query<{ n: string }>(
      `select count(*)::bigint as n from ${quoted(pair.name)}`,
    );
    const inPg = Number(counted.rows[0]?.n ?? 0);
    const written = copied.get(pair.name) ?? 0;
    if (inSqlite !== inPg || written !== inSqlite)
      differences.push(
        `${pair.name}: ${inSqlite} rows in SQLite, ${written} copied, ${inPg} in Postgres after the copy`,
      );
    const sample = await compareSample(source.db, target.db, pair, inSqlite);
    differences.push(...sample.differences);
    tables.push({
      table: pair.name,
      sqlite: inSqlite,
      copied: written,
      postgres: inPg,
      sampled: sample.sampled,
    });
  }
  return { tables, differences };
}
