import { unstorableName } from '../unstorable.js';

/**
 * Why `npm run migrate-to-postgres` (src/migrateToPostgres.ts) stopped without copying anything, in words for the
 * admin who ran it. Each is printed as it is, with exit code 1 and no stack trace: the failures a person can act on.
 */

/** A table and how many rows it holds. */
export interface TableRows {
  table: string;
  rows: number;
}

/** The move was refused or undone: nothing of the SQLite file is in Postgres (the copy's transaction rolled back). */
export class MoveRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MoveRefusedError';
  }
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The target already holds app rows: the command has run before, or the app's data is already there. */
export class TargetNotEmptyError extends MoveRefusedError {
  constructor(
    readonly target: string,
    readonly tables: TableRows[],
  ) {
    const listed = tables.map(({ table, rows }) => `${table} ${plural(rows, 'row')}`).join(', ');
    const total = tables.reduce((sum, t) => sum + t.rows, 0);
    super(
      `The Postgres database ${target} already holds data (${plural(total, 'row')} in ${plural(tables.length, 'table')}: ${listed}), so nothing was copied. migrate-to-postgres copies into an empty database only: it has run on this one before, or the app's data is already there. To copy again, drop and create the database (or set DATABASE_URL to a new one) and run it again.`,
    );
    this.name = 'TargetNotEmptyError';
  }
}

/** The SQLite file has a table or column this version's schema does not declare: the copy would lose it. */
export class SourceShapeError extends MoveRefusedError {
  constructor(
    readonly path: string,
    readonly unknown: string[],
  ) {
    super(
      `The SQLite file ${path} holds ${unknown.length === 1 ? 'a table or column' : 'tables or columns'} this version of the app does not know, which the copy would leave behind: ${unknown.join(', ')}. They were not made by this version's migrations (added by hand, or by another version). Nothing was copied. Move the file with the version that made them, or remove them from a copy of the file (a backup) and move that.`,
    );
    this.name = 'SourceShapeError';
  }
}

/** The Postgres database was migrated by a newer version of the app (its migrations go past this version's). */
export class PostgresNewerError extends MoveRefusedError {
  constructor(target: string, applied: number, known: number) {
    super(
      `The Postgres database ${target} was migrated by a newer version of this app (its latest migration dates from ${new Date(applied).toISOString()}; this version knows migrations up to ${new Date(known).toISOString()}), so nothing was copied. Use an empty database, or the newer version's migrate-to-postgres.`,
    );
    this.name = 'PostgresNewerError';
  }
}

/** Postgres could not be reached, or refused the connection or the migrations. */
export class PostgresUnavailableError extends MoveRefusedError {
  constructor(target: string, what: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message || cause.name : String(cause);
    const code = (cause as { code?: unknown } | undefined)?.code;
    super(`Could not ${what} (${target}): ${reason}${typeof code === 'string' ? ` (${code})` : ''}.`);
    this.name = 'PostgresUnavailableError';
  }
}

/** Postgres refused a row (or a row could not be read): the transaction rolled back, nothing was kept. */
export class CopyFailedError extends MoveRefusedError {
  constructor(
    readonly table: string,
    cause: unknown,
  ) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    const detail = (cause as { detail?: unknown } | undefined)?.detail;
    const code = (cause as { code?: unknown } | undefined)?.code;
    super(
      `Copying the table ${table} failed: ${reason}${typeof detail === 'string' ? ` (${detail})` : ''}${typeof code === 'string' ? ` [${code}]` : ''}. The copy was rolled back: nothing was kept in Postgres.`,
    );
    this.name = 'CopyFailedError';
  }
}

/** What was copied does not read back the same: the transaction rolled back, nothing was kept. */
export class CopyMismatchError extends MoveRefusedError {
  constructor(readonly differences: string[]) {
    super(
      [
        'The copy does not match the SQLite file, so it was rolled back: nothing was kept in Postgres.',
        ...differences.map((difference) => `  ${difference}`),
        'This version creates nothing in Postgres that changes rows as they are written; look for rules, triggers, defaults or column types changed by hand in the target (psql: \\d+ <table>), or use a new empty database.',
      ].join('\n'),
    );
    this.name = 'CopyMismatchError';
  }
}

/** A SQL string literal. */
const literal = (value: unknown) => `'${String(value).replaceAll("'", "''")}'`;

/**
 * A value holds a character that SQLite stores and Postgres refuses (db/unstorable.ts): a NUL (U+0000; text: 22021,
 * inside JSON: 22P05) or a lone surrogate (inside JSON: 22P02; a text column cannot hold one). Named by its table, row
 * (primary key) and column, with the statement that removes it from a copy of the file: in a JSON column the
 * character is its escape in the JSON text (the six characters \u0000 or \ud83d), which replace() removes; in a text
 * column it is itself, which SQLite's string functions stop at, so the statement sets the value without it.
 */
export class UnstorableCharacterError extends MoveRefusedError {
  constructor(
    readonly table: string,
    readonly row: Record<string, unknown>,
    readonly column: string,
    characters: string[],
    value: { json: true } | { json: false; without: string },
  ) {
    const where = Object.entries(row)
      .map(([name, key]) => `${name} = ${typeof key === 'number' ? key : literal(key)}`)
      .join(' and ');
    const escapes = characters.map((character) => JSON.stringify(character).slice(1, -1));
    const set = value.json
      ? escapes.reduce((inner, escaped) => `replace(${inner}, ${literal(escaped)}, '')`, column)
      : literal(value.without);
    super(
      `The row of ${table} where ${where} holds ${characters.map(unstorableName).join(' and ')} in its column ${column}, which Postgres cannot store, so nothing was copied (the copy was rolled back). Remove it from a copy of the file (npm run backup) and move that copy: sqlite3 COPY.db "update ${table} set ${column} = ${set} where ${where}". Then run this again; it names the next such row, if any.`,
    );
    this.name = 'UnstorableCharacterError';
  }
}
