import Database from 'better-sqlite3';
import type { Logger } from '../logger.js';

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

/** Whether the database accepts a write: a cheap real write (GET /healthz), and the faults the app's own writes met. */
export class StorageHealth {
  /** The app's last write that failed for storage reasons (monotonic ms). */
  private lastFault: { at: number; code: string } | undefined;
  private probed: { at: number; ok: boolean } | undefined;
  /** An outage is logged once, when it starts, and once when it ends. */
  private outage: string | undefined;

  constructor(
    private readonly storage: StorageProbe,
    private readonly logger: Logger,
    private readonly opts: {
      monotonic?: () => number;
      now?: () => Date;
      /** After the app's own write failed, unhealthy this long even if the probe's tiny write goes through. */
      faultMemoryMs?: number;
      /** A passing probe is reused this long: /healthz polled hard does not write hard. */
      probeEveryMs?: number;
    } = {},
  ) {}

  private now(): number {
    return this.opts.monotonic?.() ?? performance.now();
  }

  private noteOutage(error: unknown, where: string): void {
    const refusal = storageRefusalOf(error);
    const code = refusal?.code ?? 'STORAGE_ERROR';
    if (this.outage === undefined)
      this.logger.error(
        { code, error: refusal?.message ?? (error as Error)?.message, where },
        'the database refused a write: nothing was saved; check that the database server is reachable, the disk has space and the database files are writable',
      );
    this.outage = code;
  }

  /** A write of the app failed: logged (once per outage), and /healthz answers 503 for a while. */
  fault(error: unknown, where: string): void {
    const refusal = storageRefusalOf(error);
    // A busy or locked database is contention, not an outage: the next write goes through.
    if (!refusal || refusal.contention) return;
    this.noteOutage(error, where);
    this.lastFault = { at: this.now(), code: this.outage ?? refusal.code };
    // Probed again at the next check: a probe that passed before this fault says nothing about it.
    if (this.probed?.ok) this.probed = undefined;
  }

  /** True when the database takes writes now (probed at most every `probeEveryMs`) and none failed just before. */
  async writable(): Promise<boolean> {
    const now = this.now();
    const faulted = () =>
      this.lastFault !== undefined && now - this.lastFault.at < (this.opts.faultMemoryMs ?? 30_000);
    // A failed probe is tried again at once: the fault may have cleared, and a refused write costs nothing.
    if (!this.probed?.ok || now - this.probed.at >= (this.opts.probeEveryMs ?? 1000)) {
      // A transaction of the app is open on the writing connection (between its awaits): a probe would write inside
      // it, and commit or roll back with it. Not probed: taken as writable this time (nothing remembered or logged).
      if (this.storage.busy()) return !faulted();
      let ok = true;
      try {
        await this.storage.probe(this.opts.now?.() ?? new Date());
      } catch (error) {
        ok = false;
        this.noteOutage(error, 'health check');
      }
      // The probe saw the outage and now sees it end: the app's own failed writes were that outage.
      if (ok && this.probed?.ok === false) this.lastFault = undefined;
      this.probed = { at: now, ok };
    }
    const healthy = this.probed.ok && !faulted();
    if (healthy && this.outage !== undefined) {
      this.logger.info({ code: this.outage }, 'the database accepts writes again');
      this.outage = undefined;
      this.lastFault = undefined;
    }
    return healthy;
  }
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
