import Database from 'better-sqlite3';

/**
 * Whether the database takes writes, for `GET /healthz` and for what a person is told when a click was not saved, on
 * either engine: SQLite's result codes (a full disk, a read-only file) and Postgres's (a server gone or restarting, a
 * full disk, a read-only standby, no connection to be had). Not latched: an outage that ends is reported as ended.
 */

/** SQLite result codes that mean the database cannot take writes now (not a bug in a query). */
const SQLITE_OUTAGE = /^SQLITE_(FULL|IOERR|READONLY|CANTOPEN|BUSY|LOCKED|CORRUPT|NOTADB|PERM|NOMEM|PROTOCOL)/;
/** Contention, not an outage: the next write goes through. */
const SQLITE_CONTENTION = /^SQLITE_(BUSY|LOCKED)/;

/**
 * Postgres SQLSTATEs of an outage: connection exceptions (08), insufficient resources (53: disk full, out of memory,
 * too many connections), the server shutting down or starting (57P01-57P03), system errors (58), a read-only
 * transaction (25006: a standby, or default_transaction_read_only). Contention (serialization failures, deadlocks,
 * lock timeouts: 40001, 40P01, 55P03) is reported as a refusal the next try may pass.
 */
const PG_OUTAGE = /^(08|53|57P0[123]|58|25006)/;
const PG_CONTENTION = /^(40001|40P01|55P03)$/;
/** node-postgres's own errors when it has no server to talk to (a socket's errno, or its messages for a lost link). */
const NETWORK_ERRNO =
  /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH)$/;
const PG_LOST =
  /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection terminated unexpectedly)/;

/** The SQLite error behind an error (drizzle wraps them as the `cause` of a DrizzleQueryError), if any. */
export type SqliteError = InstanceType<typeof Database.SqliteError>;

function* causes(error: unknown): Generator<unknown> {
  for (let e = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth += 1) yield e;
}

export function sqliteErrorOf(error: unknown): SqliteError | undefined {
  for (const e of causes(error)) if (e instanceof Database.SqliteError) return e;
  return undefined;
}

/** A storage outage or contention, as either engine said it. */
export interface StorageRefusal {
  code: string;
  message: string;
  /** Busy or locked, a serialization failure: the next write goes through, nothing to report. */
  contention: boolean;
}

/** What the database said when it refused for storage reasons (not because of the statement), if it did. */
export function storageRefusalOf(error: unknown): StorageRefusal | undefined {
  for (const e of causes(error)) {
    if (e instanceof Database.SqliteError) {
      if (!SQLITE_OUTAGE.test(e.code)) return undefined;
      return { code: e.code, message: e.message, contention: SQLITE_CONTENTION.test(e.code) };
    }
    if (!(e instanceof Error)) continue;
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (PG_OUTAGE.test(code) || PG_CONTENTION.test(code)))
      return { code, message: e.message, contention: PG_CONTENTION.test(code) };
    if (typeof code === 'string' && NETWORK_ERRNO.test(code))
      return { code, message: e.message, contention: false };
    if (PG_LOST.test(e.message)) return { code: 'CONNECTION_LOST', message: e.message, contention: false };
  }
  return undefined;
}

/** The database refused because of its storage (full, read-only, I/O, locked, unreachable), not the statement. */
export function isStorageOutage(error: unknown): boolean {
  return storageRefusalOf(error) !== undefined;
}

/** The smallest real write, on whichever engine the app runs (db/storage.ts). */
export interface StorageProbe {
  /** Overwrites the one health_probe row; throws what the database says when it cannot. */
  probe(at: Date): Promise<void>;
  /**
   * A transaction of the app is open on the connection the probe would use (SQLite's one writing connection): a
   * probe then would write inside it. Always false on Postgres, where the probe takes a client of its own.
   */
  busy(): boolean;
}

/** Overwrites the one health_probe row of a SQLite database: the smallest real write. */
export function probeSqlite(sqlite: Database.Database, at: Date): void {
  sqlite
    .prepare(
      'insert into health_probe (id, probed_at) values (1, ?) on conflict (id) do update set probed_at = excluded.probed_at',
    )
    .run(at.getTime());
}

/** The same write on Postgres, on a client of the pool (`probed_at` is a timestamptz there). */
export const PG_PROBE_SQL =
  'insert into health_probe (id, probed_at) values (1, $1) on conflict (id) do update set probed_at = excluded.probed_at';
