import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import type { AppDatabase } from '../client.js';
import { openDatabaseReadOnly } from '../readOnly.js';
import { applyPostgresMigrations } from './migrations.js';
import {
  continueIdentities,
  copyTable,
  disableUserTriggers,
  type Progress,
  restoreTriggers,
} from './moveCopy.js';
import {
  CopyMismatchError,
  MoveRefusedError,
  PostgresUnavailableError,
  SourceShapeError,
  type TableRows,
  TargetNotEmptyError,
} from './moveErrors.js';
import { foreignKeyOrder, quoted, type TablePair, tablePairs, undeclaredInSource } from './moveTables.js';
import { type TableCount, verifyCopy } from './moveVerify.js';

/**
 * Moving a SQLite database into an empty Postgres database (`npm run migrate-to-postgres`,
 * src/migrateToPostgres.ts). In order:
 *
 * 1. The SQLite file is opened read-only as `npm run export` opens it (src/db/readOnly.ts: never migrated, written or
 *    locked; a file migrated by a newer or an older version than this one is refused), and one read transaction is
 *    begun on it: every table is read from that one snapshot, so a file the app is writing meanwhile still gives a
 *    consistent copy (of that moment). A table or column this version does not declare is refused (it would be left
 *    behind).
 * 2. Postgres (`DATABASE_URL`): a database holding app rows is refused before anything is done to it; then this
 *    version's migrations are applied (migrations-pg/, drizzle's node-postgres migrator, kept).
 * 3. One transaction: the app tables are locked and found empty again (another run cannot interleave), their user
 *    triggers are disabled, every table is copied in foreign key order (derived tables as they are), the identity
 *    sequences continue after the copied ids, the triggers are enabled again and checked, and the copy is verified
 *    (counts, and samples read back through drizzle on both engines). Any failure or difference rolls it all back.
 */

export interface MoveOptions {
  /** The SQLite database file to copy. */
  sourcePath: string;
  /** The target, a postgres:// URL (`DATABASE_URL`). */
  targetUrl: string;
  progress?: Progress;
  /** How long to wait for the tables' locks when another session holds them (default 10 s). */
  lockTimeoutMs?: number;
}

export interface MoveReport {
  /** The target as shown to people: no password, no options. */
  target: string;
  /** Migrations this run applied, and how many this version has. */
  migrations: { applied: number; known: number };
  /** Every table in the order copied, with its counts. */
  tables: TableCount[];
  /** The user triggers disabled during the copy and enabled again. */
  triggers: string[];
  /** The next id of each table with an identity column. */
  nextIds: Map<string, number>;
}

/**
 * The target as people may see it: `postgres://user@host:port/database`, never its password or options. A value
 * that is not a postgres:// URL is refused without being echoed (it may hold a password).
 */
export function describeTarget(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new MoveRefusedError(
      'DATABASE_URL is not a URL. Set it to the Postgres database to copy into: postgres://user:password@host:5432/database.',
    );
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:')
    throw new MoveRefusedError(
      `DATABASE_URL must be a postgres:// URL (postgres://user:password@host:5432/database), not ${parsed.protocol}//…`,
    );
  const user = parsed.username ? `${decodeURIComponent(parsed.username)}@` : '';
  return `${parsed.protocol}//${user}${parsed.host}${parsed.pathname}`;
}

/** The source, in one read transaction: everything read through it comes from the same snapshot. */
function openSnapshot(path: string, pairs: TablePair[]): AppDatabase {
  const database = openDatabaseReadOnly(path);
  const { sqlite } = database;
  try {
    sqlite.exec('begin');
    // A deferred transaction takes its snapshot at its first read.
    sqlite.prepare('select count(*) from sqlite_master').pluck().get();
    const unknown = undeclaredInSource(sqlite, pairs);
    if (unknown.length > 0) throw new SourceShapeError(path, unknown);
  } catch (error) {
    database.close();
    throw error;
  }
  return {
    ...database,
    close: () => {
      if (sqlite.open && sqlite.inTransaction) sqlite.exec('rollback');
      database.close();
    },
  };
}

async function connect(url: string, target: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, application_name: 'migrate-to-postgres' });
  // A connection lost mid-way fails the query in flight, which says so; without a listener it would crash the process.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw new PostgresUnavailableError(target, 'connect to Postgres', error);
  }
  return client;
}

/** The app tables of the target holding rows (tables not created yet count as empty), by name. */
export async function rowsInTarget(client: pg.Client, tables: string[]): Promise<TableRows[]> {
  const found: TableRows[] = [];
  for (const table of [...tables].sort()) {
    const exists = await client.query<{ present: boolean }>('select to_regclass($1) is not null as present', [
      quoted(table),
    ]);
    if (!exists.rows[0]?.present) continue;
    const count = await client.query<{ n: string }>(`select count(*)::bigint as n from ${quoted(table)}`);
    const rows = Number(count.rows[0]?.n ?? 0);
    if (rows > 0) found.push({ table, rows });
  }
  return found;
}

/** Locks the app tables against writes (readers may still read) and checks, under the lock, that they are empty. */
async function lockEmptyTables(client: pg.Client, target: string, tables: string[], timeoutMs: number) {
  await client.query(`set local lock_timeout = ${Math.max(1, Math.round(timeoutMs))}`);
  try {
    await client.query(`lock table ${tables.map(quoted).join(', ')} in exclusive mode`);
  } catch (error) {
    throw new PostgresUnavailableError(
      target,
      'lock the app tables: another session is using them (another run of this command, or an app)',
      error,
    );
  }
  const present = await rowsInTarget(client, tables);
  if (present.length > 0) throw new TargetNotEmptyError(target, present);
}

/** Step 3 (see above), inside the transaction the caller commits or rolls back. */
async function copyAndVerify(
  source: AppDatabase,
  client: pg.Client,
  options: MoveOptions & { target: string; pairs: TablePair[] },
): Promise<Pick<MoveReport, 'tables' | 'triggers' | 'nextIds'>> {
  const names = options.pairs.map((pair) => pair.name);
  await lockEmptyTables(client, options.target, names, options.lockTimeoutMs ?? 10_000);
  const db: NodePgDatabase = drizzle(client);
  const order = await foreignKeyOrder(client, options.pairs);
  const triggers = await disableUserTriggers(client, names);
  const copied = new Map<string, number>();
  for (const pair of order)
    copied.set(pair.name, await copyTable(source.sqlite, client, pair, options.progress));
  const nextIds = await continueIdentities(client, source.sqlite, names);
  await restoreTriggers(client, triggers);
  const checked = await verifyCopy(source, { client, db }, order, copied);
  if (checked.differences.length > 0) throw new CopyMismatchError(checked.differences);
  return { tables: checked.tables, triggers: triggers.map((t) => `${t.table}.${t.name}`), nextIds };
}

/**
 * Copies the SQLite file into the empty Postgres database (see above) and returns what was copied and checked.
 * Refusals and failures a person can act on are MoveRefusedError (moveErrors.ts), or the read-only opener's
 * DatabaseNewerError and DatabaseNeedsMigrationError for the source; after any of them nothing of the file is in
 * Postgres.
 */
export async function moveToPostgres(options: MoveOptions): Promise<MoveReport> {
  const target = describeTarget(options.targetUrl);
  const pairs = tablePairs();
  const source = openSnapshot(options.sourcePath, pairs);
  try {
    const client = await connect(options.targetUrl, target);
    try {
      const present = await rowsInTarget(
        client,
        pairs.map((pair) => pair.name),
      );
      if (present.length > 0) throw new TargetNotEmptyError(target, present);
      const { applied, known } = await applyPostgresMigrations(client, target);
      const migrations = { applied, known };
      await client.query('begin');
      try {
        const copied = await copyAndVerify(source, client, { ...options, target, pairs });
        await client.query('commit');
        return { target, migrations, ...copied };
      } catch (error) {
        await client.query('rollback').catch(() => undefined);
        throw error;
      }
    } finally {
      await client.end().catch(() => undefined);
    }
  } finally {
    source.close();
  }
}
