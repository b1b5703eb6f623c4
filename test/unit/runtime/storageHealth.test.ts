import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/logger.js';
import {
  isStorageOutage,
  probeSqlite,
  StorageHealth,
  storageRefusalOf,
} from '../../../src/runtime/storageHealth.js';

const silent = createLogger('silent');

function probeTable() {
  const sqlite = new Database(':memory:');
  sqlite.exec('create table health_probe (id integer primary key not null, probed_at integer not null)');
  return sqlite;
}

const probeOf = (sqlite: Database.Database) => ({
  probe: async (at: Date) => probeSqlite(sqlite, at),
  busy: () => sqlite.inTransaction,
});

describe('StorageHealth', () => {
  it('probes with a real write: a database that refuses writes is unwritable, and writable again at once when it accepts them', async () => {
    const sqlite = probeTable();
    let now = 0;
    const health = new StorageHealth(probeOf(sqlite), silent, { monotonic: () => now });
    expect(await health.writable()).toBe(true);
    expect(sqlite.prepare('select count(*) as n from health_probe').get()).toEqual({ n: 1 });
    sqlite.pragma('query_only = ON');
    now += 1000;
    expect(await health.writable()).toBe(false);
    sqlite.pragma('query_only = OFF');
    now += 1;
    expect(await health.writable()).toBe(true);
  });

  it('remembers a failed write of the app while the probe still passes (a full disk lets a tiny write through)', async () => {
    const sqlite = probeTable();
    let now = 0;
    const health = new StorageHealth(probeOf(sqlite), silent, {
      monotonic: () => now,
      faultMemoryMs: 30_000,
    });
    expect(await health.writable()).toBe(true);
    const full = new Database.SqliteError('database or disk is full', 'SQLITE_FULL');
    health.fault(full, 'a test');
    expect(await health.writable()).toBe(false);
    now += 29_999;
    expect(await health.writable()).toBe(false);
    now += 1;
    expect(await health.writable()).toBe(true);
  });

  it('ignores errors that are not about storage (a bug in a statement is not an outage)', async () => {
    const health = new StorageHealth(probeOf(probeTable()), silent);
    health.fault(new Database.SqliteError('UNIQUE constraint failed', 'SQLITE_CONSTRAINT_UNIQUE'), 'a test');
    health.fault(new Error('boom'), 'a test');
    expect(await health.writable()).toBe(true);
    expect(isStorageOutage(new Database.SqliteError('x', 'SQLITE_READONLY_DBMOVED'))).toBe(true);
    expect(isStorageOutage({ cause: new Database.SqliteError('x', 'SQLITE_IOERR_WRITE') })).toBe(true);
    expect(isStorageOutage(new Database.SqliteError('x', 'SQLITE_CONSTRAINT'))).toBe(false);
  });
});

/** An error as node-postgres throws it: a server's answer carries its SQLSTATE as `code`. */
const pgError = (message: string, code?: string) => Object.assign(new Error(message), code ? { code } : {});

describe('storage refusals on Postgres', () => {
  it('takes a lost or refusing server, a full disk and a read-only standby as outages, contention as contention, a bad statement as neither', () => {
    const outages = [
      pgError('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'),
      pgError('terminating connection due to administrator command', '57P01'),
      pgError('the database system is starting up', '57P03'),
      pgError('could not extend file: No space left on device', '53100'),
      pgError('cannot execute INSERT in a read-only transaction', '25006'),
      pgError('Connection terminated unexpectedly'),
      pgError('timeout exceeded when trying to connect'),
      { cause: pgError('server closed the connection unexpectedly', '08006') },
    ];
    for (const error of outages) {
      expect(isStorageOutage(error), String((error as Error).message)).toBe(true);
      expect(storageRefusalOf(error)?.contention).toBe(false);
    }
    expect(storageRefusalOf(pgError('could not serialize access', '40001'))?.contention).toBe(true);
    expect(storageRefusalOf(pgError('deadlock detected', '40P01'))?.contention).toBe(true);
    expect(isStorageOutage(pgError('duplicate key value violates unique constraint', '23505'))).toBe(false);
    expect(isStorageOutage(pgError('syntax error at or near "selec"', '42601'))).toBe(false);
    expect(isStorageOutage(new Error('boom'))).toBe(false);
  });

  it("keeps a lost server in mind after the app's write failed, and forgets contention", async () => {
    let now = 0;
    let down = false;
    const health = new StorageHealth(
      {
        probe: async () => {
          if (down) throw pgError('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED');
        },
        busy: () => false,
      },
      silent,
      { monotonic: () => now, faultMemoryMs: 30_000 },
    );
    expect(await health.writable()).toBe(true);
    health.fault(pgError('deadlock detected', '40P01'), 'a test');
    expect(await health.writable()).toBe(true);
    down = true;
    health.fault(pgError('Connection terminated unexpectedly'), 'a test');
    expect(await health.writable()).toBe(false);
    down = false;
    now += 1000;
    // The probe passes again after it had failed: the outage the app's write met is over.
    expect(await health.writable()).toBe(true);
  });
});
