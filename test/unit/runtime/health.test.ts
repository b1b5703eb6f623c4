import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/logger.js';
import { isStorageOutage, SlackConnection, StorageHealth } from '../../../src/runtime/health.js';

const silent = createLogger('silent');

function probeTable() {
  const sqlite = new Database(':memory:');
  sqlite.exec('create table health_probe (id integer primary key not null, probed_at integer not null)');
  return sqlite;
}

describe('StorageHealth', () => {
  it('probes with a real write: a database that refuses writes is unwritable, and writable again at once when it accepts them', () => {
    const sqlite = probeTable();
    let now = 0;
    const health = new StorageHealth(sqlite, silent, { monotonic: () => now });
    expect(health.writable()).toBe(true);
    expect(sqlite.prepare('select count(*) as n from health_probe').get()).toEqual({ n: 1 });
    sqlite.pragma('query_only = ON');
    now += 1000;
    expect(health.writable()).toBe(false);
    sqlite.pragma('query_only = OFF');
    now += 1;
    expect(health.writable()).toBe(true);
  });

  it('remembers a failed write of the app while the probe still passes (a full disk lets a tiny write through)', () => {
    const sqlite = probeTable();
    let now = 0;
    const health = new StorageHealth(sqlite, silent, { monotonic: () => now, faultMemoryMs: 30_000 });
    expect(health.writable()).toBe(true);
    const full = new Database.SqliteError('database or disk is full', 'SQLITE_FULL');
    health.fault(full, 'a test');
    expect(health.writable()).toBe(false);
    now += 29_999;
    expect(health.writable()).toBe(false);
    now += 1;
    expect(health.writable()).toBe(true);
  });

  it('ignores errors that are not about storage (a bug in a statement is not an outage)', () => {
    const health = new StorageHealth(probeTable(), silent);
    health.fault(new Database.SqliteError('UNIQUE constraint failed', 'SQLITE_CONSTRAINT_UNIQUE'), 'a test');
    health.fault(new Error('boom'), 'a test');
    expect(health.writable()).toBe(true);
    expect(isStorageOutage(new Database.SqliteError('x', 'SQLITE_READONLY_DBMOVED'))).toBe(true);
    expect(isStorageOutage({ cause: new Database.SqliteError('x', 'SQLITE_IOERR_WRITE') })).toBe(true);
    expect(isStorageOutage(new Database.SqliteError('x', 'SQLITE_CONSTRAINT'))).toBe(false);
  });
});

describe('SlackConnection', () => {
  const answer =
    (body: string, status = 200) =>
    async () =>
      new Response(body, { status, headers: { 'content-type': 'application/json' } });
  const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

  it('is disconnected by a refused token, connected again by any accepted call, and leaves the body to the client', async () => {
    const connection = new SlackConnection(silent);
    const revoked = connection.watch(answer('{"ok":false,"error":"token_revoked"}'));
    const response = await revoked('https://slack.test/api/chat.postMessage');
    expect(await response.json()).toEqual({ ok: false, error: 'token_revoked' });
    await settle();
    expect(connection.rejected).toBe('token_revoked');

    await connection.watch(answer('{"ok":false,"error":"channel_not_found"}'))('https://slack.test/api/x');
    await settle();
    expect(connection.rejected).toBe('token_revoked');

    await connection.watch(answer('{"ok":true,"user_id":"U1"}'))('https://slack.test/api/auth.test');
    await settle();
    expect(connection.rejected).toBeUndefined();
  });

  it('asks Slack again at most once per interval while disconnected, never while connected', () => {
    let now = 0;
    const connection = new SlackConnection(silent, () => now);
    expect(connection.shouldRecheck(30_000)).toBe(false);
    connection.refusedToken('invalid_auth');
    expect(connection.shouldRecheck(30_000)).toBe(true);
    now += 29_999;
    expect(connection.shouldRecheck(30_000)).toBe(false);
    now += 1;
    expect(connection.shouldRecheck(30_000)).toBe(true);
  });
});
