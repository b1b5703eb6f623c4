import { sql } from 'drizzle-orm';
import type { Executor } from './client.js';

/**
 * A query built once per database connection instead of on every call. drizzle turns a query builder into SQL each
 * time it runs (column lists, parameter encoders, entity checks): under a load of Accepts, that building took about
 * as much CPU as SQLite's own work. A prepared query only binds its placeholders (`sql.placeholder`), which
 * drizzle still encodes through the column types.
 *
 * Keyed by drizzle's session, which the database and every transaction on it share (one better-sqlite3 connection),
 * so the same prepared query serves both, inside and outside transactions.
 */
export function preparedFor<T>(build: (exec: Executor) => T): (exec: Executor) => T {
  const bySession = new WeakMap<object, T>();
  return (exec) => {
    // `session` is internal to drizzle (not in its types) but set on every database and transaction object.
    const session = (exec as unknown as { session: object }).session;
    let query = bySession.get(session);
    if (query === undefined) {
      query = build(exec);
      bySession.set(session, query);
    }
    return query;
  };
}

/**
 * A placeholder in an update's `set`: drizzle accepts one there at run time and binds it through the column's
 * encoder (as in insert values; a placeholder in a where clause is bound as given), but its types only list values
 * and SQL.
 */
export const setTo = <T>(name: string): T => sql.placeholder(name) as unknown as T;

/**
 * A placeholder bound exactly as given, without the column's encoder: for nullable timestamps and JSON, whose
 * encoders do not accept null when they bind a placeholder (drizzle skips them only for literal nulls). Pass what
 * SQLite stores: epoch milliseconds, JSON text, or null.
 */
export const stored = (name: string) => sql`${sql.placeholder(name)}`;
