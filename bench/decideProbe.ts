/**
 * The Accept's decision alone, without HTTP or Bolt: the real service (`decide`, wired as the app wires it, not
 * started) on the Accept section's database, after the app has stopped, for handoffs the load runs did not reach.
 * What the request path cannot go below while the decision is made before the ack: its CPU time per decision, and
 * the rows it writes (per table) in its one transaction.
 *
 * Environment: as the app's (loadConfig), plus BENCH_FIRST (the first handoff id the runs did not reach), BENCH_COUNT (decisions timed,
 * after as many again to warm up), BENCH_AES (the cast's AE ids, comma-separated: handoff n belongs to AE n mod
 * their number, see lib/generate.ts), BENCH_TEAM, and BENCH_DIST (the built app to drive: this checkout's dist/ by
 * default, a `--reference` checkout's otherwise). A build without what this probe calls is reported as
 * `{ unavailable }`, not measured.
 */

import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { and, eq } from 'drizzle-orm';
import type { AnyDb, Db } from '../src/db/types.js';
import { TestClock } from '../test/support/clock.js';
import { probeInstallation, sqliteProbe } from './lib/probe.js';
import { walPages } from './lib/walPages.js';

const dist = process.env.BENCH_DIST ?? join(import.meta.dirname, '..', 'dist');

/** A build this probe cannot drive (a reference commit whose dist/ lacks an export it calls). */
class Unavailable extends Error {}

/** `file` of the built app (dist/, as `npm start` runs it), with the exports `names` the probe uses. */
async function built<T>(file: string, names: string[]): Promise<T> {
  const path = join(dist, file);
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (error) {
    throw new Unavailable(`cannot load ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const missing = names.filter((name) => module[name] === undefined);
  if (missing.length > 0)
    throw new Unavailable(
      `${path} has no export ${missing.join(', ')} (this checkout's decideProbe.ts calls it)`,
    );
  return module as T;
}

/** The database as its first installation sees it; a reference commit from before db/owned.ts takes it as opened. */
async function firstInstallationOf(db: AnyDb): Promise<Db> {
  const owned = await built<typeof import('../src/db/owned.js')>('db/owned.js', [
    'firstInstallationOf',
  ]).catch(() => undefined);
  return owned?.firstInstallationOf(db) ?? (db as Db);
}

export interface DecideProbeResult {
  decisions: number;
  /** CPU time (user and system, this process) per decision, ms. */
  cpuMs: number;
  /** Wall time per decision, ms. */
  wallMs: number;
  /** Rows each decision added, by table (tables it added none to are left out). */
  rowsAdded: Record<string, number>;
  /** Indexes of the tables it added rows to, by table (each added row writes one entry in each). */
  indexes: Record<string, number>;
  /** Pages each decision's commit writes to the WAL, and by the table or index they belong to (most first). */
  walPages?: { perTransaction: number; byTree: Record<string, number> };
  /**
   * The changes those decisions queued, expanded as the worker's local delivery does, `group` to a transaction (a
   * build whose decision writes its rows in the request has none): CPU time, rows added and WAL pages per change.
   */
  expansion?: {
    group: number;
    cpuMs: number;
    rowsAdded: Record<string, number>;
    walPages: { perTransaction: number; byTree: Record<string, number> };
  };
}

/** Rows each `count` operations added, by table (tables given none left out). */
function added(before: Record<string, number>, after: Record<string, number>, count: number) {
  const rows: Record<string, number> = {};
  for (const [name, n] of Object.entries(after)) {
    const more = (n - (before[name] ?? 0)) / count;
    if (more > 0) rows[name] = more;
  }
  return rows;
}

async function probe(): Promise<DecideProbeResult> {
  const { wire } = await built<typeof import('../src/compose.js')>('compose.js', ['wire']);
  const { startupOf } = await built<typeof import('../src/startup.js')>('startup.js', ['startupOf']);
  const { loadConfig } = await built<typeof import('../src/config.js')>('config.js', ['loadConfig']);
  const { openDatabase } = await built<typeof import('../src/db/client.js')>('db/client.js', [
    'openDatabase',
  ]);
  const { createLogger } = await built<typeof import('../src/logger.js')>('logger.js', ['createLogger']);
  const env = process.env;
  const config = loadConfig(env);
  // Warnings only: the info line each decision logs is production's, but here it would measure the pipe to the bench.
  const logger = createLogger('warn');
  const team = env.BENCH_TEAM ?? '';
  const aes = (env.BENCH_AES ?? '').split(',');
  const first = Number(env.BENCH_FIRST);
  const count = Number(env.BENCH_COUNT);
  const database = openDatabase(config.databasePath);
  // Not a literal: a reference commit's wire() takes the SQLite connection as `sqlite`, this one `storage`.
  const options = {
    config,
    db: await firstInstallationOf(database.db),
    sqlite: database.sqlite,
    storage: sqliteProbe(database.sqlite),
    clock: new TestClock(new Date()),
    logger,
    startup: startupOf({ teamId: team, enterpriseId: undefined }, config),
    installs: probeInstallation(config.slack.botToken, team),
  };
  const { services } = await wire(options);
  const decide = services.handlers?.handoffs?.decide;
  if (typeof decide !== 'function')
    throw new Unavailable(`${join(dist, 'compose.js')}: wire() has no services.handlers.handoffs.decide`);
  const internalTeamIds = [team];

  const tables = (
    database.sqlite
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
      .all() as { name: string }[]
  ).map((t) => t.name);
  const counts = () =>
    Object.fromEntries(
      tables.map((name) => [
        name,
        (database.sqlite.prepare(`SELECT count(*) AS n FROM "${name}"`).get() as { n: number }).n,
      ]),
    );

  // Open handoffs the runs did not reach, whose window stays open for the probe (the generated deadlines start a
  // minute after the database was generated, and the bench's app runs no sweep).
  const ids = (
    database.sqlite
      .prepare("SELECT id FROM handoffs WHERE id >= ? AND status = 'sent' AND due_at > ? ORDER BY id LIMIT ?")
      .all(first, Date.now() + 3_600_000, 2 * count) as { id: number }[]
  ).map((row) => row.id);
  if (ids.length < 2 * count)
    throw new Error(`only ${ids.length} open handoffs left for ${2 * count} decisions`);
  let next = 0;
  const decideNext = async () => {
    const id = ids[next] as number;
    next += 1;
    const result = await decide({
      actor: { userId: aes[id % aes.length] ?? '', teamId: team },
      internalTeamIds,
      handoffId: id,
      decision: 'accepted',
    });
    if (result.kind !== 'recorded') throw new Error(`handoff ${id}: ${result.kind}, not recorded`);
  };

  for (let i = 0; i < count; i += 1) await decideNext();
  const before = counts();
  const wal = walPages(database.sqlite, config.databasePath);
  wal.start();
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < count; i += 1) await decideNext();
  const wallMs = (performance.now() - started) / count;
  const used = process.cpuUsage(cpu);
  const pages = wal.stop(count);
  const after = counts();
  const expansion = await expandAll(database, ids.slice(count, 2 * count), counts, config.databasePath);

  const rowsAdded = added(before, after, count);
  const indexes: Record<string, number> = {};
  for (const name of Object.keys(rowsAdded)) {
    indexes[name] = (
      database.sqlite
        .prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'index' AND tbl_name = ?")
        .get(name) as { n: number }
    ).n;
  }
  database.close();
  const result: DecideProbeResult = {
    decisions: count,
    cpuMs: (used.user + used.system) / 1000 / count,
    wallMs,
    rowsAdded,
    indexes,
    walPages: pages,
    ...(expansion ? { expansion } : {}),
  };
  return result;
}

/**
 * The timed decisions' changes delivered as the worker does, `group` to a transaction (`workerDelivery`; undefined for
 * a build without changes).
 */
async function expandAll(
  database: import('../src/db/client.js').AppDatabase,
  handoffIds: number[],
  counts: () => Record<string, number>,
  path: string,
): Promise<DecideProbeResult['expansion']> {
  let changes: typeof import('../src/db/repositories/changes.js');
  try {
    changes = await built('db/repositories/changes.js', ['expandPendingChanges']);
  } catch (error) {
    if (error instanceof Unavailable) return undefined;
    throw error;
  }
  // As many to a transaction as the worker expands together (outbox/worker.ts LOCAL_BATCH; 1 for a build without).
  const worker = (await import(pathToFileURL(join(dist, 'outbox', 'worker.js')).href)) as {
    LOCAL_BATCH?: unknown;
  };
  const group = typeof worker.LOCAL_BATCH === 'number' ? worker.LOCAL_BATCH : 1;
  const deliver = await workerDelivery(database, handoffIds);
  const before = counts();
  const wal = walPages(database.sqlite, path);
  wal.start();
  const cpu = process.cpuUsage();
  const now = new Date();
  const own = await firstInstallationOf(database.db);
  for (let i = 0; i < handoffIds.length; i += group)
    await own.transaction(async (tx) => {
      if (deliver) for (const row of deliver.rows.slice(i, i + group)) await deliver.one(tx, row, now);
      else for (const id of handoffIds.slice(i, i + group)) await changes.expandPendingChanges(tx, [id], now);
    });
  const used = process.cpuUsage(cpu);
  const pages = wal.stop(handoffIds.length);
  return {
    group,
    cpuMs: (used.user + used.system) / 1000 / handoffIds.length,
    rowsAdded: added(before, counts(), handoffIds.length),
    walPages: pages,
  };
}

type Tx = Parameters<Parameters<import('../src/db/client.js').AppDatabase['db']['transaction']>[0]>[0];
type Row = import('../src/db/schema.js').OutboxRow;

/**
 * A change's delivery as the worker's `deliverWrites` does it (outbox/delivery.ts), for a build whose kinds table
 * has it: the row as the worker's look read it, its kind's `writes`, then the row marked delivered. The rows are read
 * before the clock starts (the look is the worker's, not the expansion's). Undefined for a build without that table:
 * each handoff's changes are expanded as `expandPendingChanges` does (which reads them itself).
 */
async function workerDelivery(
  database: import('../src/db/client.js').AppDatabase,
  handoffIds: number[],
): Promise<{ rows: Row[]; one(tx: Tx, row: Row, now: Date): Promise<void> } | undefined> {
  type Kinds = { DELIVERY_KINDS: Record<string, { writes?(tx: Tx, row: Row): Promise<void> }> };
  type Attempts = { markDelivered(tx: Tx, row: Row, now: Date): Promise<void> };
  type Schema = { outbox: typeof import('../src/db/schema.js').outbox };
  let kinds: Kinds;
  let attempts: Attempts;
  let schema: Schema;
  try {
    kinds = await built('outbox/kinds/table.js', ['DELIVERY_KINDS']);
    attempts = await built('db/repositories/outboxAttempts.js', ['markDelivered']);
    schema = await built('db/schema.js', ['outbox']);
  } catch (error) {
    if (error instanceof Unavailable) return undefined;
    throw error;
  }
  const writes = kinds.DELIVERY_KINDS['handoff.change']?.writes;
  if (!writes) return undefined;
  const { outbox } = schema;
  const wanted = new Set(handoffIds);
  const rows = (
    await database.db
      .select()
      .from(outbox)
      .where(and(eq(outbox.method, 'handoff.change'), eq(outbox.status, 'pending')))
      .orderBy(outbox.id)
  ).filter((row) => row.handoffId !== null && wanted.has(row.handoffId));
  return {
    rows,
    async one(tx, row, now) {
      await writes(tx, row);
      await attempts.markDelivered(tx, row, now);
    },
  };
}

try {
  process.send?.({ result: await probe() });
} catch (error) {
  if (!(error instanceof Unavailable)) throw error;
  process.send?.({ unavailable: error.message });
}
