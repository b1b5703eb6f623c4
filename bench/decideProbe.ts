/**
 * The Accept's decision alone, without HTTP or Bolt: the real service (`decide`, wired as the app wires it, not
 * started) on the Accept section's database, after the app has stopped, for handoffs the load runs did not reach.
 * What the request path cannot go below while the decision is made before the ack: its CPU time per decision, and
 * the rows it writes (per table) in its one transaction.
 *
 * Environment: as the app's (loadConfig), plus BENCH_FIRST (the first handoff id the runs did not reach), BENCH_COUNT (decisions timed,
 * after as many again to warm up), BENCH_AES (the cast's AE ids, comma-separated: handoff n belongs to AE n mod
 * their number, see lib/generate.ts) and BENCH_TEAM.
 */
import { TestClock } from '../test/support/clock.js';

// The built app (dist/, as `npm start` runs it), not the TypeScript sources.
const { wire } = (await import('../dist/compose.js' as string)) as typeof import('../src/compose.js');
const { startupOf } = (await import('../dist/startup.js' as string)) as typeof import('../src/startup.js');
const { loadConfig } = (await import('../dist/config.js' as string)) as typeof import('../src/config.js');
const { openDatabase } = (await import(
  '../dist/db/client.js' as string
)) as typeof import('../src/db/client.js');
const { createLogger } = (await import('../dist/logger.js' as string)) as typeof import('../src/logger.js');

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
}

const env = process.env;
const config = loadConfig(env);
// Warnings only: the info line each decision logs is production's, but here it would measure the pipe to the bench.
const logger = createLogger('warn');
const team = env.BENCH_TEAM ?? '';
const aes = (env.BENCH_AES ?? '').split(',');
const first = Number(env.BENCH_FIRST);
const count = Number(env.BENCH_COUNT);
const database = openDatabase(config.databasePath);
const { services } = await wire({
  config,
  db: database.db,
  clock: new TestClock(new Date()),
  logger,
  startup: startupOf({ teamId: team, enterpriseId: undefined }, config),
});
const { decide } = services.handlers.handoffs;
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
const decideNext = () => {
  const id = ids[next] as number;
  next += 1;
  const result = decide({
    actor: { userId: aes[id % aes.length] ?? '', teamId: team },
    internalTeamIds,
    handoffId: id,
    decision: 'accepted',
  });
  if (result.kind !== 'recorded') throw new Error(`handoff ${id}: ${result.kind}, not recorded`);
};

for (let i = 0; i < count; i += 1) decideNext();
const before = counts();
const cpu = process.cpuUsage();
const started = performance.now();
for (let i = 0; i < count; i += 1) decideNext();
const wallMs = (performance.now() - started) / count;
const used = process.cpuUsage(cpu);
const after = counts();

const rowsAdded: Record<string, number> = {};
const indexes: Record<string, number> = {};
for (const name of tables) {
  const added = ((after[name] ?? 0) - (before[name] ?? 0)) / count;
  if (added <= 0) continue;
  rowsAdded[name] = added;
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
};
process.send?.({ result });
