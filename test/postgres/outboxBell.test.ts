import { createServer, type Server, Socket } from 'node:net';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tablesOf } from '../../src/db/engine.js';
import { BELL_CHANNEL, type OutboxBell, outboxBell, PROBE, RING_EVERY_MS } from '../../src/db/pg/bell.js';
import { openPostgresDatabase, type PostgresDatabase } from '../../src/db/pg/store.js';
import type { AnyDb } from '../../src/db/types.js';
import { type NewOutboxRow, outboxRowsAt } from '../contract/seed.js';
import { createDatabase } from '../support/postgres.js';

/**
 * The outbox's bell (db/pg/bell.ts and migrations-pg 0028): rows queued by one process wake the outbox of
 * the installation they are for in every other process, at their commit, not at the next poll. Here the writer is a
 * pool of the test's own and the hearers are subscribers of a bell on the same database; nothing waits on a timer.
 */

const AT = new Date('2026-11-23T14:00:00Z');

let databases = 0;

/** Writes outbox rows in one statement, each for the installation it names: a tool's write across installations. */
async function queueAcross(db: AnyDb, rows: NewOutboxRow[]): Promise<void> {
  await db.transaction((tx) => tx.insert(tablesOf(tx).outbox).values(rows));
}

/** Until `done` holds, a turn of the event loop at a time (fails after 5 s): the ring is a round trip away. */
async function until(done: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!done() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(done()).toBe(true);
}

/** Timers the test fires by hand: the bell's reconnect waits on them. */
function handTimers() {
  const waiting: { fn: () => void; ms: number }[] = [];
  return {
    waiting,
    timers: {
      setTimeout: (fn: () => void, ms: number) => {
        const entry = { fn, ms };
        waiting.push(entry);
        return entry;
      },
      clearTimeout: (handle: unknown) => {
        const at = waiting.indexOf(handle as (typeof waiting)[number]);
        if (at >= 0) waiting.splice(at, 1);
      },
    },
    /** Fires the first timer waiting (of `ms`, when given). */
    fire(ms?: number) {
      const at = waiting.findIndex((w) => ms === undefined || w.ms === ms);
      const [next] = at >= 0 ? waiting.splice(at, 1) : [];
      next?.fn();
      return next?.ms;
    },
  };
}

/**
 * A TCP proxy in front of the Postgres server. `silence()` makes the link of every connection open now go quiet, as a
 * dropped route or a dead NAT entry does: nothing is forwarded either way and nothing is closed or reset (no RST, no
 * FIN), so neither end's socket errs. Connections made after it are forwarded again.
 */
async function silentProxy(target: URL) {
  const links: { client: Socket; server: Socket; silent: boolean }[] = [];
  let closedByClient = 0;
  const proxy: Server = createServer((client) => {
    const server = new Socket();
    const link = { client, server, silent: false };
    links.push(link);
    server.connect(Number(target.port), target.hostname);
    client.on('data', (chunk) => link.silent || server.write(chunk));
    server.on('data', (chunk) => link.silent || client.write(chunk));
    client.on('close', () => {
      closedByClient += 1;
      if (!link.silent) server.destroy();
    });
    server.on('close', () => link.silent || client.destroy());
    client.on('error', () => undefined);
    server.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const { port } = proxy.address() as { port: number };
  const url = new URL(target);
  url.host = `127.0.0.1:${port}`;
  return {
    url: url.toString(),
    silence: () => {
      for (const link of links) link.silent = true;
    },
    closedByClient: () => closedByClient,
    close: async () => {
      for (const link of links) {
        link.client.destroy();
        link.server.destroy();
      }
      await new Promise((resolve) => proxy.close(resolve));
    },
  };
}

describe("the outbox's bell on Postgres", () => {
  let url: string;
  let writer: PostgresDatabase;
  let bell: OutboxBell | undefined;
  beforeEach(async () => {
    databases += 1;
    url = await createDatabase(`outbox_bell_${databases}`);
    writer = await openPostgresDatabase(url, { max: 2 });
  });
  afterEach(async () => {
    await bell?.close();
    bell = undefined;
    await writer.close();
  });

  /** The server's count of sessions listening on the bell's channel. */
  const listeners = async () =>
    Number(
      (
        await writer.pool.query<{ n: string }>(
          `select count(*) as n from pg_stat_activity where query = 'LISTEN ${BELL_CHANNEL}'`,
        )
      ).rows[0]?.n,
    );

  /** Until `n` sessions listen (fails after 5 s): a subscriber's bell connects in the background. */
  const listening = async (n: number) => {
    const deadline = Date.now() + 5000;
    let now = await listeners();
    while (now !== n && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      now = await listeners();
    }
    expect(now).toBe(n);
  };

  it("wakes the outbox of the installation whose rows were queued, at their commit, and no other's", async () => {
    bell = outboxBell(url);
    const woken: string[] = [];
    bell.subscribe(1, () => woken.push('first'));
    bell.subscribe(2, () => woken.push('second'));
    await listening(1);
    const row = outboxRowsAt(AT);
    // Two statements in one transaction for installation 2: one ring at the commit.
    await writer.db.transaction(async (tx) => {
      await tx.insert(tablesOf(tx).outbox).values(row({ dedupeKey: 'two:a', installationId: 2 }));
      await tx.insert(tablesOf(tx).outbox).values(row({ dedupeKey: 'two:b', installationId: 2 }));
    });
    await until(() => woken.length === 1);
    expect(woken).toEqual(['second']);
    // A rolled-back transaction rings nothing; the next commit for installation 1 rings the first alone.
    await writer.db
      .transaction(async (tx) => {
        await tx.insert(tablesOf(tx).outbox).values(row({ dedupeKey: 'one:gone', installationId: 1 }));
        throw new Error('rolled back');
      })
      .catch(() => undefined);
    await queueAcross(writer.db, [row({ dedupeKey: 'one:a', installationId: 1 })]);
    await until(() => woken.length === 2);
    expect(woken).toEqual(['second', 'first']);
  });

  it('wakes an outbox whose installation is not known yet (a token deployment before its start) for any', async () => {
    bell = outboxBell(url);
    let woken = 0;
    bell.subscribe(undefined, () => {
      woken += 1;
    });
    await listening(1);
    await queueAcross(writer.db, [outboxRowsAt(AT)({ dedupeKey: 'any', installationId: 7 })]);
    await until(() => woken === 1);
  });

  it('listens again after its connection is lost, waking every outbox once it is back, and stops on close', async () => {
    const hand = handTimers();
    const lost: Error[] = [];
    bell = outboxBell(url, { timers: hand.timers, onLost: (error) => lost.push(error) });
    const woken: number[] = [];
    bell.subscribe(1, () => woken.push(1));
    await listening(1);
    // The server ends the bell's session (a restart, a failover): the bell waits a second, then listens again.
    await writer.pool.query(
      `select pg_terminate_backend(pid) from pg_stat_activity where query = 'LISTEN ${BELL_CHANNEL}'`,
    );
    // (Until then the one timer waiting is the probe's.)
    await until(() => hand.waiting.some((w) => w.ms === 1000));
    expect(lost.length).toBe(1);
    expect(hand.waiting.map((w) => w.ms)).toEqual([1000]);
    expect(woken).toEqual([]);
    hand.fire();
    // Back: what was queued meanwhile was not heard, so every subscriber looks once.
    await until(() => woken.length === 1);
    expect(await listeners()).toBe(1);
    await queueAcross(writer.db, [outboxRowsAt(AT)({ dedupeKey: 'after', installationId: 1 })]);
    await until(() => woken.length === 2);
    await bell.close();
    bell = undefined;
    await until(() => hand.waiting.length === 0);
    await listening(0);
  });

  it('notices a listening connection gone silent (no reset) by its probe, drops it and listens again', async () => {
    // A link that goes quiet without a reset (a dropped route, a NAT entry forgotten) gives no error and no end: a
    // `select 1` every PROBE.everyMs must answer within PROBE.timeoutMs.
    const proxy = await silentProxy(new URL(url));
    const hand = handTimers();
    const lost: Error[] = [];
    bell = outboxBell(proxy.url, { timers: hand.timers, onLost: (error) => lost.push(error) });
    const woken: number[] = [];
    bell.subscribe(1, () => woken.push(1));
    try {
      await listening(1);
      // A probe answered: the next one is planned, and nothing is lost.
      await until(() => hand.waiting.some((w) => w.ms === PROBE.everyMs));
      hand.fire(PROBE.everyMs);
      expect(hand.waiting.map((w) => w.ms)).toEqual([PROBE.timeoutMs]);
      await until(() => hand.waiting.some((w) => w.ms === PROBE.everyMs));
      expect(hand.waiting.map((w) => w.ms)).toEqual([PROBE.everyMs]);
      expect(lost).toEqual([]);
      // The link goes quiet. The next probe gets no answer in time: the connection is given up, its socket closed.
      proxy.silence();
      hand.fire(PROBE.everyMs);
      expect(hand.waiting.map((w) => w.ms)).toEqual([PROBE.timeoutMs]);
      hand.fire(PROBE.timeoutMs);
      expect(lost.map((e) => e.message)).toEqual([
        `the connection listening for the outbox's bell did not answer within ${PROBE.timeoutMs / 1000} s`,
      ]);
      await until(() => proxy.closedByClient() === 1);
      // The bell listens again a second later (the poll delivers meanwhile), and every outbox looks once.
      expect(hand.waiting.map((w) => w.ms)).toEqual([1000]);
      hand.fire(1000);
      await until(() => woken.length === 1);
      // A new session listens (the silent one, still open on the server until its keepalive ends it, last ran the
      // probe that was answered).
      await listening(1);
      await queueAcross(writer.db, [outboxRowsAt(AT)({ dedupeKey: 'after silence', installationId: 1 })]);
      await until(() => woken.length === 2);
    } finally {
      await bell.close();
      bell = undefined;
      await proxy.close();
    }
    expect(hand.waiting).toEqual([]);
  });

  it("is rung by the app after its commits, at most once per installation every 100 ms, and not by the app's trigger", async () => {
    const hand = handTimers();
    const app = outboxBell(url, { timers: hand.timers });
    // What the server sends to a listener, in order (notifications arrive in commit order).
    const raw = new pg.Client({ connectionString: url });
    await raw.connect();
    const heard: string[] = [];
    raw.on('notification', (message) => heard.push(message.payload ?? ''));
    await raw.query(`LISTEN ${BELL_CHANNEL}`);
    try {
      app.subscribe(9, () => undefined);
      await listening(2);
      // The app's own connections queue rows without a ring (its trigger stays quiet for them); a tool's rings.
      const own = await openPostgresDatabase(url, { max: 1, app: true });
      try {
        await queueAcross(own.db, [outboxRowsAt(AT)({ dedupeKey: 'quiet', installationId: 9 })]);
      } finally {
        await own.close();
      }
      await queueAcross(writer.db, [outboxRowsAt(AT)({ dedupeKey: 'loud', installationId: 11 })]);
      await until(() => heard.length === 1);
      expect(heard).toEqual(['11']);
      // The app rings after its commits: the first at once, the next two folded into one RING_EVERY_MS later.
      app.ring(9);
      await until(() => heard.length === 2);
      app.ring(9);
      app.ring(9);
      // Beside the listening connection's probe (PROBE.everyMs), one ring's timer.
      const rings = () => hand.waiting.filter((w) => w.ms !== PROBE.everyMs).map((w) => w.ms);
      expect(rings()).toEqual([RING_EVERY_MS]);
      hand.fire(RING_EVERY_MS);
      await until(() => heard.length === 3);
      expect(rings()).toEqual([RING_EVERY_MS]);
      hand.fire(RING_EVERY_MS);
      // Nothing asked meanwhile: no more rings; the next goes at once again. Before its installation is known: any.
      expect(rings()).toEqual([]);
      app.ring(undefined);
      await until(() => heard.length === 4);
      expect(heard).toEqual(['11', '9', '9', '']);
    } finally {
      await app.close();
      await raw.end();
    }
  });

  it("gives the app's connections their setting before their first user's statement, never beside it", async () => {
    // pg 8 warns, and pg 9 will refuse, a query sent while the client is still running another.
    type Queued = pg.Client & { _queryQueue: unknown[]; activeQuery: unknown };
    const original = pg.Client.prototype.query;
    let beside = 0;
    pg.Client.prototype.query = function (this: Queued, ...args: unknown[]) {
      if (this._queryQueue.length > 0 || this.activeQuery) beside += 1;
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof original;
    try {
      const own = await openPostgresDatabase(url, { max: 3, app: true });
      try {
        const fresh = await Promise.all(
          [1, 2, 3].map(() =>
            own.pool.query<{ bell: string }>("select current_setting('cosell.bell', true) as bell"),
          ),
        );
        expect(fresh.map((r) => r.rows[0]?.bell)).toEqual(['app', 'app', 'app']);
      } finally {
        await own.close();
      }
    } finally {
      pg.Client.prototype.query = original;
    }
    expect(beside).toBe(0);
  });

  it('is rung by the migration’s trigger with the installation’s id and nothing else', async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const heard: string[] = [];
    client.on('notification', (message) => heard.push(`${message.channel}:${message.payload}`));
    await client.query(`LISTEN ${BELL_CHANNEL}`);
    await queueAcross(writer.db, [
      outboxRowsAt(AT)({ dedupeKey: 'x:1', installationId: 3 }),
      outboxRowsAt(AT)({ dedupeKey: 'x:2', installationId: 3 }),
      outboxRowsAt(AT)({ dedupeKey: 'x:3', installationId: 4 }),
    ]);
    await until(() => heard.length === 2);
    expect(heard.sort()).toEqual([`${BELL_CHANNEL}:3`, `${BELL_CHANNEL}:4`]);
    await client.end();
  });
});
