import { getTableName, is, type SQL, type SQLWrapper, sql, Table } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import * as pgSchema from './pg/schema.js';
import * as sqliteSchema from './schema.js';
import type { AnyExecutor } from './types.js';

/**
 * One repository for both engines. A repository written this way takes its tables from the executor
 * (`tablesOf`), runs its queries by awaiting them (both engines' drizzle builders are promises; `.get()`, `.all()` and
 * `.run()` are SQLite's alone), and keeps to the query builder and drizzle's operators, which encode values by the
 * column's type on each engine (a Date as milliseconds on SQLite, as a timestamptz on Postgres).
 *
 * The types are SQLite's: `src/db/pg/schema.ts` is each SQLite table's twin with the same row types (pg/twin.ts;
 * `test/postgres/rowTypes.test.ts`), so a Postgres table passes for its SQLite twin, and a query's result has the
 * same type on both. The repositories converted so far are listed in ENGINE_NEUTRAL, and each has a contract test
 * run on both engines (`test/contract/`).
 */
export type Tables = typeof sqliteSchema;

/** Whether the executor is a Postgres database or transaction (drizzle's node-postgres driver). */
export function isPostgres(exec: AnyExecutor): boolean {
  return (exec as unknown as { dialect?: unknown }).dialect instanceof PgDialect;
}

/** The executor's engine's tables, typed as SQLite's (see above). */
export function tablesOf(exec: AnyExecutor): Tables {
  return isPostgres(exec) ? (pgSchema as unknown as Tables) : sqliteSchema;
}

/** The executor's engine's tables by SQL name (a repository that walks the inventory or every table). */
export function tablesByName(exec: AnyExecutor): Record<string, Table> {
  const byName: Record<string, Table> = {};
  for (const value of Object.values(tablesOf(exec)) as unknown[])
    if (is(value, Table)) byName[getTableName(value)] = value;
  return byName;
}

/** Postgres's drizzle database or transaction, as far as a plain query goes (the executor is typed as SQLite's). */
export interface PgExecute {
  execute(query: SQLWrapper): Promise<{ rows: Record<string, unknown>[] }>;
}

/**
 * The database's own clock: Postgres's `clock_timestamp()`, to the millisecond, which every process on the database
 * reads alike. What several processes compare is stamped and compared on it (the leases of outbox conversations and
 * of scheduled slots; issue 50 item 31: replicas whose clocks were 40 s apart both delivered in one conversation).
 * None on SQLite: its file is locked to one process, whose own clock is the only one.
 */
export async function databaseNow(exec: AnyExecutor): Promise<Date | undefined> {
  if (!isPostgres(exec)) return undefined;
  const { rows } = await (exec as unknown as PgExecute).execute(
    sql`select floor(extract(epoch from clock_timestamp()) * 1000)::float8 as ms`,
  );
  const ms = Number(rows[0]?.ms);
  if (!Number.isFinite(ms)) throw new Error('the database did not say what time it is');
  return new Date(ms);
}

/** The first row a query returns (SQLite's `.get()`, on both engines). */
export async function first<T>(query: PromiseLike<T[]>): Promise<T | undefined> {
  return (await query)[0];
}

/** How many rows a write changed: SQLite's `changes`, Postgres's `rowCount`. */
export function changed(result: unknown): number {
  const r = result as { changes?: number; rowCount?: number | null };
  return r.changes ?? r.rowCount ?? 0;
}

/** The repository files written for both engines, each with a contract test on both (test/contract/). */
export const ENGINE_NEUTRAL = [
  'changes',
  'channelAccessNotices',
  'chartFiles',
  'checks',
  'covers',
  'crm',
  'digest',
  'dueTimes',
  'erasure',
  'escalation',
  'events',
  'exportRows',
  'followers',
  'handoffLists',
  'handoffs',
  'helpRequests',
  'homeViews',
  'installations',
  'internalChannels',
  'jobClaims',
  'lookup',
  'metrics',
  'money',
  'outbox',
  'outboxAttempts',
  'outboxChannels',
  'outboxInsert',
  'outboxLeases',
  'outboxParked',
  'outcomeHolds',
  'outcomeReports',
  'packets',
  'partnerThreads',
  'partners',
  'postedMessages',
  'program',
  'questions',
  'removedChannels',
  'retention',
  'scoreOutcomes',
  'slackEvents',
  'slackRevocations',
  'surfaces',
  'uninstalls',
] as const;

/**
 * A top-level field of a JSON column, as each engine reads it: SQLite's `json_extract` (a number stays a number),
 * Postgres's `->>` (text), cast to a number when `as` says so, so that comparisons mean the same on both.
 */
export function jsonField(
  exec: AnyExecutor,
  column: SQLWrapper,
  key: string,
  as: 'text' | 'number' = 'text',
): SQL {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw new Error(`not a plain JSON key: ${key}`);
  if (!isPostgres(exec)) return sql`json_extract(${column}, ${`$.${key}`})`;
  return as === 'number' ? sql`((${column}->>${key})::double precision)` : sql`(${column}->>${key})`;
}

/**
 * A select's `FOR UPDATE` (or a weaker row lock) on Postgres; on SQLite, the select as it is. The builder is typed as
 * SQLite's (db/engine.ts), which has no row locks: on Postgres it is the Postgres builder, which has `for`.
 */
export function forUpdate<Q>(
  exec: AnyExecutor,
  query: Q,
  strength: 'update' | 'no key update',
  skipLocked = false,
): Q {
  if (!isPostgres(exec)) return query;
  const pg = query as unknown as { for(strength: string, config?: { skipLocked?: boolean }): unknown };
  return pg.for(strength, skipLocked ? { skipLocked } : {}) as Q;
}

/**
 * The values of a bound JSON array of strings, as a subquery: SQLite's `json_each`, Postgres's
 * `jsonb_array_elements_text`. One bound parameter, so the statement's text (and its cached plan) does not change
 * with the list.
 */
export function jsonListValues(name: string, postgres: boolean): SQL {
  return postgres
    ? sql`(select jsonb_array_elements_text(${sql.placeholder(name)}::jsonb))`
    : sql`(select value from json_each(${sql.placeholder(name)}))`;
}
