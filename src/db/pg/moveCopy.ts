import type Database from 'better-sqlite3';
import pg from 'pg';
import { holdsUnstorable, unstorableIn, withoutUnstorable } from '../unstorable.js';
import { CopyFailedError, MoveRefusedError, UnstorableCharacterError } from './moveErrors.js';
import { quoted, type TablePair } from './moveTables.js';

/**
 * The copy itself, inside the move's one Postgres transaction (src/db/pg/moveToPostgres.ts): rows streamed from the
 * SQLite snapshot in batches, the user triggers kept from firing meanwhile, and the identity sequences moved past the
 * copied ids.
 */

/** Called after each batch written (`done: false`) and once a table is copied (`done: true`); awaited. */
export type Progress = (event: { table: string; copied: number; done: boolean }) => void | Promise<void>;

/** Postgres takes at most 65535 parameters a statement; a batch stays under it, and at most 1000 rows. */
const MAX_PARAMETERS = 60_000;
const MAX_BATCH = 1000;

/**
 * One SQLite row (raw driver values, in the pair's column order) as Postgres takes it: each value decoded by its SQLite
 * column as drizzle reads it (epoch milliseconds to a Date, 0/1 to a boolean, JSON text to a value, '' to a null
 * partner channel), then encoded by its Postgres column as drizzle writes it (a Date to timestamptz text, a value to
 * jsonb text, a null partner channel back to ''). A null stays null, as drizzle binds it, except where the Postgres
 * column's own encoder gives null a value (the NOT NULL partner channel: '', as the app's writers pass it).
 */
function encode(pair: TablePair, raw: unknown[]): unknown[] {
  return pair.columns.map((column, index) => {
    const value = raw[index] ?? null;
    const decoded = value === null ? null : column.sqlite.mapFromDriverValue(value);
    const unstorable = unstorableWithin(decoded);
    if (unstorable.length > 0) {
      // Stored as JSON text, the character is its escape (\u0000, \ud83d), not itself.
      const json = typeof decoded !== 'string' || (typeof value === 'string' && !holdsUnstorable(value));
      throw new UnstorableCharacterError(
        pair.name,
        rowKey(pair, raw),
        column.sqlite.name,
        unstorable,
        json ? { json } : { json, without: withoutUnstorable(decoded as string) },
      );
    }
    if (decoded !== null) return column.pg.mapToDriverValue(decoded);
    return column.pg.notNull && column.pg.columnType === 'PgCustomColumn'
      ? column.pg.mapToDriverValue(null)
      : null;
  });
}

/** The characters Postgres refuses (NUL, a lone surrogate: db/unstorable.ts) in a decoded value's strings. */
function unstorableWithin(value: unknown): string[] {
  if (typeof value === 'string') return unstorableIn(value);
  if (value === null || typeof value !== 'object' || value instanceof Date) return [];
  return [...new Set(Object.values(value).flatMap(unstorableWithin))];
}

/** A row's primary key, by SQL column name, as SQLite holds it: what names the row to an admin. */
function rowKey(pair: TablePair, raw: unknown[]): Record<string, unknown> {
  return Object.fromEntries(
    pair.primaryKey.map((key) => {
      const index = pair.columns.findIndex((column) => column.key === key);
      return [pair.columns[index]?.sqlite.name ?? key, raw[index]];
    }),
  );
}

/** `insert into "t" ("a", "b") values ($1, $2), ($3, $4), …` for `rows` rows. */
function insertStatement(pair: TablePair, rows: number): string {
  const width = pair.columns.length;
  const tuples = Array.from(
    { length: rows },
    (_, row) => `(${pair.columns.map((_, column) => `$${row * width + column + 1}`).join(', ')})`,
  );
  const columns = pair.columns.map((column) => quoted(column.pg.name)).join(', ');
  return `insert into ${quoted(pair.name)} (${columns}) values ${tuples.join(', ')}`;
}

/** What a failure to copy a row is: Postgres refusing it, or a value SQLite holds that does not decode (bad JSON). */
const isDataError = (error: unknown) => error instanceof pg.DatabaseError || error instanceof SyntaxError;

/**
 * Streams one table from the SQLite snapshot (one statement, iterated in primary key order, never a whole table in
 * memory) into Postgres in multi-row INSERTs of up to 1000 rows, each value converted by the columns of both schemas
 * (see encode). Returns the rows copied.
 */
export async function copyTable(
  source: Database.Database,
  client: pg.Client,
  pair: TablePair,
  progress?: Progress,
): Promise<number> {
  const byColumn = new Map(pair.columns.map((column) => [column.key, column.sqlite.name]));
  const order = pair.primaryKey.map((key) => quoted(byColumn.get(key) ?? key)).join(', ');
  const columns = pair.columns.map((column) => quoted(column.sqlite.name)).join(', ');
  const select = source.prepare(`select ${columns} from ${quoted(pair.name)} order by ${order}`).raw(true);
  const size = Math.max(1, Math.min(MAX_BATCH, Math.floor(MAX_PARAMETERS / pair.columns.length)));
  const fullBatch = insertStatement(pair, size);
  let batch: unknown[][] = [];
  let copied = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    const text = batch.length === size ? fullBatch : insertStatement(pair, batch.length);
    try {
      await client.query(text, batch.flat());
    } catch (error) {
      throw isDataError(error) ? new CopyFailedError(pair.name, error) : error;
    }
    copied += batch.length;
    batch = [];
    await progress?.({ table: pair.name, copied, done: false });
  };
  for (const raw of select.iterate() as IterableIterator<unknown[]>) {
    try {
      batch.push(encode(pair, raw));
    } catch (error) {
      throw isDataError(error) ? new CopyFailedError(pair.name, error) : error;
    }
    if (batch.length >= size) await flush();
  }
  await flush();
  await progress?.({ table: pair.name, copied, done: true });
  return copied;
}

/** A user trigger (not a foreign key's internal one) and its state: O on, D off, A always, R replica only. */
export interface TriggerState {
  table: string;
  name: string;
  enabled: string;
}

async function userTriggers(client: pg.Client, tables: string[]): Promise<TriggerState[]> {
  const found = await client.query<TriggerState>(
    `select c.relname as table, t.tgname as name, t.tgenabled as enabled from pg_trigger t
      join pg_class c on c.oid = t.tgrelid
      where not t.tgisinternal and c.relnamespace = current_schema()::regnamespace and c.relname = any($1::text[])
      order by c.relname, t.tgname`,
    [tables],
  );
  return found.rows;
}

/**
 * Keeps the user triggers of the copied tables from firing during the copy (migrations-pg/0001: the touch log's
 * append-only guard, and the triggers that derive first_accepts and metric_facts from handoff_events, which would
 * add those rows a second time beside the copied ones). `ALTER TABLE … DISABLE TRIGGER` needs only the table's
 * owner (not a superuser's session_replication_role) and is transactional: a rollback undoes it too. Returns the
 * triggers as they were, for restoreTriggers.
 */
export async function disableUserTriggers(client: pg.Client, tables: string[]): Promise<TriggerState[]> {
  const triggers = await userTriggers(client, tables);
  for (const trigger of triggers)
    if (trigger.enabled !== 'D')
      await client.query(`alter table ${quoted(trigger.table)} disable trigger ${quoted(trigger.name)}`);
  return triggers;
}

const ENABLE: Record<string, string> = { O: 'enable', A: 'enable always', R: 'enable replica' };

/** Puts each trigger back as it was, then reads them again: one left otherwise stops the move. */
export async function restoreTriggers(client: pg.Client, before: TriggerState[]): Promise<void> {
  for (const trigger of before) {
    const enable = ENABLE[trigger.enabled];
    if (enable)
      await client.query(`alter table ${quoted(trigger.table)} ${enable} trigger ${quoted(trigger.name)}`);
  }
  const after = await userTriggers(client, [...new Set(before.map((trigger) => trigger.table))]);
  const changed = before.filter(
    (trigger) =>
      !after.some(
        (now) => now.table === trigger.table && now.name === trigger.name && now.enabled === trigger.enabled,
      ),
  );
  if (changed.length > 0 || after.length !== before.length)
    throw new MoveRefusedError(
      `The triggers ${changed.map((t) => `${t.table}.${t.name}`).join(', ')} are not as they were before the copy, so it was rolled back: nothing was kept in Postgres.`,
    );
}

/** SQLite's AUTOINCREMENT high-water marks (sqlite_sequence), which may pass the highest id left in a table. */
function sqliteSequences(source: Database.Database): Map<string, number> {
  const present = source.prepare(
    "select 1 from sqlite_master where type = 'table' and name = 'sqlite_sequence'",
  );
  if (!present.get()) return new Map();
  const rows = source.prepare('select name, seq from sqlite_sequence').all() as {
    name: string;
    seq: number;
  }[];
  return new Map(rows.map((row) => [row.name, Number(row.seq)]));
}

/**
 * Moves each identity sequence of the copied tables past the copied ids, so the next row gets the id SQLite would
 * have given it: after the highest id, or after SQLite's AUTOINCREMENT high-water mark when rows above it were
 * deleted (drafts are), so no id is used twice. Returns each table's next id.
 */
export async function continueIdentities(
  client: pg.Client,
  source: Database.Database,
  tables: string[],
): Promise<Map<string, number>> {
  const identities = await client.query<{ table: string; column: string }>(
    `select table_name as table, column_name as column from information_schema.columns
      where table_schema = current_schema() and is_identity = 'YES' and table_name = any($1::text[])
      order by table_name`,
    [tables],
  );
  const marks = sqliteSequences(source);
  const next = new Map<string, number>();
  for (const { table, column } of identities.rows) {
    const max = await client.query<{ max: string | null }>(
      `select max(${quoted(column)})::bigint as max from ${quoted(table)}`,
    );
    const last = Math.max(Number(max.rows[0]?.max ?? 0), marks.get(table) ?? 0);
    await client.query('select setval(pg_get_serial_sequence($1, $2), $3, $4)', [
      quoted(table),
      column,
      Math.max(last, 1),
      last > 0,
    ]);
    next.set(table, last + 1);
  }
  return next;
}
