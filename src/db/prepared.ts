import { sql } from 'drizzle-orm';
import type { AnyExecutor, Executor } from './client.js';
import { changed, isPostgres, type Tables, tablesOf } from './engine.js';
import { ownedBy } from './owned.js';
import { idleWriterOf } from './store.js';

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

/**
 * A prepared statement is built once and run by every installation's executor: it is built on an executor whose
 * `installationId` is the placeholder `installationId` (what `own` and `ownRow` name, db/owned.ts), which every run
 * binds to its executor's installation.
 */
const withInstallation = (exec: Executor, params: Record<string, unknown>) => ({
  installationId: exec.installationId,
  ...params,
});

/** `exec` across installations, as one installation whose key is the placeholder each run binds. */
const forEveryInstallation = (exec: AnyExecutor): Executor =>
  ownedBy(exec, sql.placeholder('installationId') as unknown as number);

/** A query builder that can be prepared (drizzle's, on either engine). */
interface Preparable {
  prepare(name?: string): unknown;
}

/** What either engine's prepared query offers: SQLite's run at once, Postgres's through `execute`. */
interface PreparedOnEither {
  all?(params: Record<string, unknown>): unknown;
  run?(params: Record<string, unknown>): unknown;
  execute(params: Record<string, unknown>): unknown;
}

/**
 * The same prepared query on another node-postgres client (drizzle's `NodePgPreparedQuery` keeps its SQL, its
 * parameters' encoders and its row mapping in fields, and runs on `client`): the pool's, or a transaction's.
 */
function onClient(template: PreparedOnEither, client: unknown): PreparedOnEither {
  return Object.assign(
    Object.create(Object.getPrototypeOf(template) as object) as PreparedOnEither,
    template,
    {
      client,
    },
  );
}

/**
 * A query prepared once per connection, for both engines (db/engine.ts): `build` gets the executor's tables and uses
 * `sql.placeholder`s, which each engine binds through the column's encoder (`stored()` above is SQLite's alone).
 * SQLite keeps the statement by connection. On Postgres every transaction is a drizzle session of its own (on a
 * client of the pool), so the query is built once and bound to each session's client; node-postgres prepares it by
 * `name` once on each client of the pool.
 */
export function preparedQuery<Q extends Preparable>(name: string, build: (exec: Executor, t: Tables) => Q) {
  const bySession = new WeakMap<object, PreparedOnEither>();
  let pgTemplate: PreparedOnEither | undefined;
  const preparedOn = (exec: AnyExecutor): PreparedOnEither => {
    const session = (exec as unknown as { session: { client?: unknown } }).session;
    let query = bySession.get(session);
    if (query === undefined) {
      if (isPostgres(exec)) {
        pgTemplate ??= build(forEveryInstallation(exec), tablesOf(exec)).prepare(name) as PreparedOnEither;
        query = onClient(pgTemplate, session.client);
      } else query = build(forEveryInstallation(exec), tablesOf(exec)).prepare() as PreparedOnEither;
      bySession.set(session, query);
    }
    return query;
  };
  // A read outside a transaction runs on SQLite's writing connection while no transaction is open on it: its page cache
  // is warm, where the read-only connection's is dropped at every commit (store.ts `idleWriterOf`). A statement that
  // writes (a `returning`) stays where it was asked, so a write outside a transaction still fails there. `stmt` is
  // drizzle's better-sqlite3 statement (internal, not in its types): without it, reads stay on the read-only connection.
  const readOn = (exec: Executor): PreparedOnEither => {
    const idle = idleWriterOf(exec) as AnyExecutor | undefined;
    if (idle !== undefined) {
      const query = preparedOn(idle) as PreparedOnEither & { stmt?: { readonly?: boolean } };
      if (query.stmt?.readonly === true) return query;
    }
    return preparedOn(exec);
  };
  type Rows = Awaited<Q> extends readonly unknown[] ? Awaited<Q> : never;
  return {
    /** The rows: a select's, or a write's `returning`. */
    async all(exec: Executor, given: Record<string, unknown> = {}): Promise<Rows> {
      const params = withInstallation(exec, given);
      if (isPostgres(exec)) return (await preparedOn(exec).execute(params)) as Rows;
      return readOn(exec).all?.(params) as Rows;
    },
    /** The first row, if any. */
    async first(exec: Executor, params: Record<string, unknown> = {}): Promise<Rows[number] | undefined> {
      return (await this.all(exec, params))[0];
    },
    /** A write without `returning`: how many rows it changed. */
    async run(exec: Executor, given: Record<string, unknown> = {}): Promise<number> {
      const params = withInstallation(exec, given);
      const query = preparedOn(exec);
      return changed(isPostgres(exec) ? await query.execute(params) : query.run?.(params));
    },
  };
}
