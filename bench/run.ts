/**
 * `npm run bench`: how fast the app answers Slack and how far it scales, next to the framework's own limit measured
 * in the same run. Prints a table with the targets and writes it (Markdown and JSON) to --out.
 *
 * Sections (all by default; --only=ack,e2e,scale,cold,postgres,storm,tenants):
 * 1. ack: two framework baselines, a bare Bolt app whose listener only acks and one whose listener writes one SQLite
 *    row before its ack (bareBolt.ts with BARE_SQLITE_PATH), at a steady 200 requests/s (lib/steady.ts: evenly
 *    spaced, an open loop) and at full speed (autocannon, 10 connections); then this app's Accept on distinct open
 *    handoffs (database write and outbox insert included): at a steady 100 and 200 requests/s and at full speed while
 *    the outbox delivers in the same process, and at full speed with the deliveries held back (the fake Slack answers
 *    them 429 until released; no app setting), which measures the request path alone, followed by the time the
 *    held-back backlog takes to go out; then the decision alone, without HTTP or Bolt (decideProbe.ts). CPU time
 *    per request is read from /proc beside each full-speed run of a baseline and of the request path.
 * 2. e2e: N handoffs (--handoffs, default 10,000) sent and decided through the receiver, until every Slack call
 *    they cause has reached the fake Slack server.
 * 3. scale: a generated database of --rows handoffs (default 1,000,000; 10% open): sweep, App Home and metrics.
 * 4. cold: process start to /healthz answering, on that database.
 * 5. postgres: the Accept with the app on a throwaway Postgres server (fsync on) beside the app on SQLite and the
 *    durable baseline, measured alike: CPU time per Accept (the app's, and the Postgres server's apart), p50 / p99 at
 *    a steady 100/s; then two replicas on that Postgres, round-robin, and the check that each Accept was decided
 *    once (lib/pgSection.ts).
 * 6. storm: 2,000 Accepts at a steady 200/s while the fake Slack answers every delivery 429, on SQLite and on
 *    Postgres, and again with a CPU burner beside the app: each acked within 3 s, and the backlog's drain
 *    (lib/stormSection.ts).
 * 7. tenants: one app serving 1, 10, 100 and 1,000 installations (up to --tenants; --tenants-only: that many alone) on
 *    one Postgres: its start, idle cost, a minute's sweep across them, and each busy installation's p99 under an uneven
 *    load (lib/tenantsSection.ts).
 *
 * --reference <commit>: the ack section also measures that commit's app, built from a clean checkout
 * (lib/reference.ts), with this checkout's load and probes, after this checkout's, and adds a side-by-side table.
 *
 * Every process is separate: the load generator (this one), the app, and the fake Slack Web API.
 */
import { lstatSync, mkdirSync, mkdtempSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { buildSync } from 'esbuild';
import type { DecideProbeResult } from './decideProbe.js';
import type { FakeStats, HoldReport } from './fakeSlackProcess.js';
import {
  appEnv,
  DELIVERY_METHODS,
  drained,
  drainedBy,
  HOLD_RETRY_AFTER_S,
  localPending,
  outboxState,
  setAppPacing,
  startFake,
} from './lib/apps.js';
import { parseBenchArgs } from './lib/args.js';
import { type Cast, makeCast, TEAM } from './lib/cast.js';
import { type AcceptFigures, HELD_STEADY_RATE, type Round, roundOf, sideBySide } from './lib/compare.js';
import { driveHandoffs } from './lib/e2e.js';
import { type Generated, type GenerateOptions, generate } from './lib/generate.js';
import { acked, type LoadResult, load, withCpu } from './lib/load.js';
import { acceptSubmissions, SIGNING_SECRET } from './lib/payloads.js';
import { postgresSection } from './lib/pgSection.js';
import { AppProcess, freePort, Helper, root, startNodeOptions } from './lib/proc.js';
import { currentTarget, prepareReference, type Target } from './lib/reference.js';
import { steady } from './lib/steady.js';
import { stormSection } from './lib/stormSection.js';
import { tenantsSection } from './lib/tenantsSection.js';
import type { ProbeResult } from './scaleProbe.js';

const args = parseBenchArgs(process.argv.slice(2));
setAppPacing(args.paceMs);
const sections = args.sections;
const DURATION = args.duration;
const E2E_HANDOFFS = args.handoffs;
const ROWS = args.rows;

interface Row {
  section: string;
  measure: string;
  value: string;
  target: string;
  /** true: meets the target; false: misses it; undefined: no target. */
  ok?: boolean;
}
const rows: Row[] = [];
const details: Record<string, unknown> = {};
const add = (row: Row) => {
  rows.push(row);
  const mark = row.ok === undefined ? '' : row.ok ? ' (meets)' : ' (MISSES)';
  console.log(`  ${row.measure}: ${row.value}${row.target ? ` — target ${row.target}${mark}` : ''}`);
};
const fmt = (n: number, digits = 1) => n.toLocaleString('en-US', { maximumFractionDigits: digits });
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0
    ? Number.NaN
    : ((s[Math.floor((s.length - 1) / 2)] ?? 0) + (s[Math.ceil((s.length - 1) / 2)] ?? 0)) / 2;
};

const work = mkdtempSync(join(tmpdir(), 'handoff-bench-'));
// ---------------------------------------------------------------------------------------------------------------
// 1. Ack latency and throughput
// ---------------------------------------------------------------------------------------------------------------

/** Decisions the decision probe times (after as many to warm up). */
const DECIDE_PROBE_COUNT = 1000;

/** A run at a fixed rate that could not keep it up (a busy machine) says so next to its latencies. */
const shortOf = (r: LoadResult, rate: number) =>
  r.rps < rate * 0.95 ? ` (only ${fmt(r.rps, 0)} req/s reached)` : '';

/** What the Accept runs of one app gave (this checkout's, or a `--reference`'s). */
interface AppMeasured {
  target: Target;
  runs: Record<'app100' | 'app200' | 'appMax' | 'appHeld' | 'appHeldSteady', LoadResult>;
  /** The decision alone, or why this checkout's probe could not drive that build. */
  decideAlone: DecideProbeResult | { unavailable: string };
  rssMb: number;
  backlog: number;
  drainSeconds: number;
  details: Record<string, unknown>;
}

/** The generated database of the Accept runs, written for the target's schema (a reference uses its own generator). */
async function generateFor(target: Target, options: GenerateOptions): Promise<Generated> {
  if (target.root === root) return generate(options);
  const helper = new Helper('referenceGenerate.ts', { BENCH_REFERENCE_ROOT: target.root });
  try {
    return await helper.request<Generated>({ options: { ...options, now: options.now.toISOString() } });
  } finally {
    await helper.stop();
  }
}

/**
 * One app's Accept runs, on its own database and fake Slack: at a steady 100 and 200 requests/s and at full speed
 * while the outbox delivers, at full speed with the deliveries held back (with its CPU time), the drain of that
 * backlog, then the decision alone. The load, the payloads and the probes are this checkout's whatever the target.
 */
async function appRuns(target: Target, index: number, cast: Cast, open: number): Promise<AppMeasured> {
  console.log(`\n   ${target.label}: the Accept`);
  const dbPath = join(work, `ack-${index}.db`);
  const generated = await generateFor(target, {
    path: dbPath,
    total: open,
    openShare: 1,
    now: new Date(),
    cast,
  });
  const { fake, ready } = await startFake(cast);
  await fake.request({ type: 'import', dbPath });
  const click = acceptSubmissions(TEAM);
  // Handoff n belongs to AE n mod (number of AEs) (see generate.ts); each request decides a new one.
  let nextHandoff = 1;
  const nextClick = () => {
    const id = nextHandoff;
    nextHandoff += 1;
    if (id > generated.handoffs)
      throw new Error(`ran out of open handoffs (${generated.handoffs}); lower --duration`);
    return click(id, cast.aes[id % cast.aes.length]?.id ?? '');
  };
  const warm = (url: string) => load(url, nextClick, { seconds: 2, connections: 10 });

  const app = new AppProcess(
    await freePort(),
    appEnv(ready, dbPath, { SWEEP_SCHEDULE: '0 0 1 1 *' }),
    args.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${resolve(args.cpuProf, `app-${index}`)}`] : [],
    target.root,
  );
  await app.healthy();
  const before = nextHandoff;
  await warm(app.url);
  await drained(dbPath, 120_000);
  // With the outbox delivering in the same process: at a steady 100 and 200 requests/s, then at full speed. The CPU
  // time of the last two counts until the outbox has nothing left (every change expanded, every Slack call answered):
  // all the work the Accepts set off. A backlog still there after `timeoutMs` leaves that figure unmeasured.
  const untilDelivered = async (run: Promise<LoadResult>, timeoutMs: number): Promise<LoadResult> => {
    const result = await run;
    return (await drained(dbPath, timeoutMs)) ? result : { ...result, cpuPerRequestMs: Number.NaN };
  };
  const app100 = await steady(app.url, nextClick, { seconds: DURATION, rate: 100, connections: 10 });
  await drained(dbPath, 120_000);
  const app200 = await withCpu(app.child.pid ?? 0, () =>
    untilDelivered(steady(app.url, nextClick, { seconds: DURATION, rate: 200, connections: 10 }), 120_000),
  );
  const appMax = await withCpu(app.child.pid ?? 0, () =>
    untilDelivered(load(app.url, nextClick, { seconds: DURATION, connections: 10 }), 300_000),
  );
  const deliveredInTime = Number.isFinite(appMax.cpuPerRequestMs ?? Number.NaN);

  // The request path alone (receive, check, decide, commit, ack): Slack rate-limits every delivery method, so the
  // outbox waits out Retry-After instead of delivering. Then the held-back Slack messages go out after the release.
  const atHold = await fake.request<FakeStats>({ type: 'stats' });
  await fake.request({ type: 'hold', methods: DELIVERY_METHODS, retryAfter: HOLD_RETRY_AFTER_S });
  // The CPU time counts until the local work the Accepts queued is done (each change expanded into its messages): an
  // app that defers it past the run is charged for it, as one that does it in the request is.
  const settled = async <T>(run: Promise<T>): Promise<T> => {
    const result = await run;
    if (!(await drainedBy(() => localPending(dbPath), 300_000)))
      throw new Error(`${target.label}: the held-back Accepts' changes were not expanded within 300 s`);
    return result;
  };
  const appHeld = await withCpu(app.child.pid ?? 0, () =>
    settled(load(app.url, nextClick, { seconds: DURATION, connections: 10 })),
  );
  // The same path at a steady rate both apps keep up with: the same requests a second and so the same load from the
  // load generator on this machine's cores, whichever app answers (at full speed the faster app's load generator
  // works harder beside it, which inflates its CPU time per request).
  const appHeldSteady = await withCpu(app.child.pid ?? 0, () =>
    settled(steady(app.url, nextClick, { seconds: DURATION, rate: HELD_STEADY_RATE, connections: 10 })),
  );
  const backlog = outboxState(dbPath).pending ?? 0;
  const atRelease = await fake.request<FakeStats>({ type: 'stats' });
  const hold = await fake.request<HoldReport>({ type: 'release' });
  const releasedAt = performance.now();
  const backlogDrained = await drained(dbPath, 30 * 60_000);
  const drainSeconds = (performance.now() - releasedAt) / 1000;
  const rssMb = app.peakRssMb();
  await app.stop();

  // Every click the app acknowledged must have been recorded, exactly once.
  const db = new Database(dbPath, { readonly: true });
  const decided = (
    db.prepare("SELECT count(*) AS n FROM decisions WHERE decision = 'accepted'").get() as {
      n: number;
    }
  ).n;
  db.close();
  const runs = { app100, app200, appMax, appHeld, appHeldSteady };
  const sentToApp = nextHandoff - before;
  const acked2xx = acked(app100, app200, appMax, appHeld, appHeldSteady);

  // The decision alone (no HTTP, no Bolt), on handoffs the runs did not reach: the floor of the request path.
  const probeCount = DECIDE_PROBE_COUNT;
  if (nextHandoff + 2 * probeCount > generated.handoffs)
    throw new Error(`not enough open handoffs left for the decision probe; lower --duration`);
  const probe = new Helper(
    'decideProbe.ts',
    {
      ...appEnv(ready, dbPath),
      BENCH_FIRST: String(nextHandoff),
      BENCH_COUNT: String(probeCount),
      BENCH_AES: cast.aes.map((ae) => ae.id).join(','),
      BENCH_TEAM: TEAM,
      BENCH_DIST: join(target.root, 'dist'),
    },
    startNodeOptions(target.root),
  );
  const answer = await probe.first<{ result: DecideProbeResult } | { unavailable: string }>();
  await probe.stop();
  if ('unavailable' in answer) console.log(`   the decision alone is not measured: ${answer.unavailable}`);
  const decideAlone = 'result' in answer ? answer.result : answer;
  const stats = await fake.request<FakeStats>({ type: 'stats' });
  await fake.stop();
  const deliveredWhileHeld = Object.fromEntries(
    DELIVERY_METHODS.map((m) => [m, (atRelease.ok[m] ?? 0) - (atHold.ok[m] ?? 0)]),
  );

  for (const r of Object.values(runs)) {
    if (r.non2xx > 0 || r.errors > 0)
      throw new Error(`${target.label}: a load run had failures: ${JSON.stringify(runs)}`);
  }
  if (Object.values(deliveredWhileHeld).some((n) => n > 0))
    throw new Error(
      `${target.label}: Slack deliveries went out while held back: ${JSON.stringify(deliveredWhileHeld)}`,
    );
  if (!backlogDrained)
    throw new Error(
      `${target.label}: the held-back backlog did not drain: ${JSON.stringify(outboxState(dbPath))}`,
    );
  if (decided < acked2xx)
    throw new Error(`${target.label}: only ${decided} of ${acked2xx} acknowledged accepts were recorded`);
  return {
    target,
    runs,
    decideAlone,
    rssMb,
    backlog,
    drainSeconds,
    details: {
      target: { label: target.label, commit: target.commit },
      runs,
      decided,
      sentToApp,
      acked2xx,
      decideAlone,
      held: {
        methods: DELIVERY_METHODS,
        retryAfterSeconds: HOLD_RETRY_AFTER_S,
        ...hold,
        deliveredWhileHeld,
        backlog,
        drainSeconds,
        drained: backlogDrained,
      },
      fake: stats,
      outboxDrained: deliveredInTime,
    },
  };
}

/** The figures the side-by-side table compares. */
function figuresOf(m: AppMeasured): AcceptFigures {
  const { app100, app200, appMax, appHeld, appHeldSteady } = m.runs;
  return {
    cpuMs: appHeld.cpuPerRequestMs ?? Number.NaN,
    steadyCpuMs: appHeldSteady.cpuPerRequestMs ?? Number.NaN,
    steadyRps: appHeldSteady.rps,
    deliveredCpuMs: app200.cpuPerRequestMs ?? Number.NaN,
    deliveredMaxCpuMs: appMax.cpuPerRequestMs ?? Number.NaN,
    heldRps: appHeld.rps,
    heldP50: appHeld.p50,
    heldP99: appHeld.p99,
    steady100: { p50: app100.p50, p99: app100.p99, rps: app100.rps },
    steady200: { p50: app200.p50, p99: app200.p99, rps: app200.rps },
    maxRps: appMax.rps,
    decideCpuMs: 'unavailable' in m.decideAlone ? m.decideAlone.unavailable : m.decideAlone.cpuMs,
    writesCpuMs:
      'unavailable' in m.decideAlone
        ? m.decideAlone.unavailable
        : m.decideAlone.cpuMs + (m.decideAlone.expansion?.cpuMs ?? 0),
    decidePages:
      'unavailable' in m.decideAlone
        ? m.decideAlone.unavailable
        : (m.decideAlone.walPages?.perTransaction ?? 'not measured'),
    rssMb: m.rssMb,
  };
}

/** The side-by-side table of a `--reference` run (Markdown), set by the ack section. */
let comparison: string | undefined;

async function ackSection(targets: Target[]): Promise<void> {
  console.log('\n1. Ack latency and throughput (bare Bolt, bare Bolt + one SQLite row, Accept)');
  const cast = makeCast({ aes: 400, authors: 200, partners: 300 });
  // Enough open handoffs for every Accept the app can take in the runs (each decides a new one); the run with the
  // deliveries held back is the fastest.
  const open = 10_000 + DURATION * 6_000;
  const click = acceptSubmissions(TEAM);

  // The bare apps ignore the handoff: they get the same payloads, cycling over the ids.
  let bareIndex = 0;
  const nextBareClick = () => {
    bareIndex = (bareIndex % open) + 1;
    return click(bareIndex, cast.aes[bareIndex % cast.aes.length]?.id ?? '');
  };
  const baselineFake = await startFake(cast);
  const runs: Record<string, LoadResult> = {};

  /** A bare Bolt app (bareBolt.ts with `env`): warmed, then at a steady 200 requests/s, then at full speed. */
  const bareRuns = async (name: string, env: NodeJS.ProcessEnv = {}) => {
    const port = await freePort();
    const bare = new Helper('bareBolt.ts', {
      PORT: String(port),
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_BOT_TOKEN: baselineFake.ready.token,
      SLACK_API_URL: baselineFake.ready.apiUrl,
      ...env,
    });
    await bare.first();
    const url = `http://127.0.0.1:${port}`;
    const warmed = await load(url, nextBareClick, { seconds: 2, connections: 10 });
    runs[`${name}200`] = await steady(url, nextBareClick, { seconds: DURATION, rate: 200, connections: 10 });
    runs[`${name}Max`] = await withCpu(bare.child.pid ?? 0, () =>
      load(url, nextBareClick, { seconds: DURATION, connections: 10 }),
    );
    await bare.stop();
    return acked(warmed, runs[`${name}200`], runs[`${name}Max`]);
  };
  await bareRuns('bare');
  const barePath = join(work, 'bare-sqlite.db');
  const bareSqliteAcked = await bareRuns('bareSqlite', { BARE_SQLITE_PATH: barePath });
  await baselineFake.fake.stop();
  const bareDb = new Database(barePath, { readonly: true });
  const bareSqliteRows = (bareDb.prepare('SELECT count(*) AS n FROM clicks').get() as { n: number }).n;
  bareDb.close();
  for (const r of Object.values(runs)) {
    if (r.non2xx > 0 || r.errors > 0) throw new Error(`a baseline run had failures: ${JSON.stringify(runs)}`);
  }
  if (bareSqliteRows < bareSqliteAcked)
    throw new Error(`bare Bolt + SQLite wrote ${bareSqliteRows} rows for ${bareSqliteAcked} acks`);

  // This checkout first, then the reference (if any), one after the other on the same machine, in this run. With
  // `--rounds N`, N times, the order alternating (this, reference; reference, this; ...) so that a machine growing
  // faster or slower over the run does not favour one; the full figures are the first round's.
  const measured: AppMeasured[] = [];
  const rounds: Round[] = [];
  for (let round = 0; round < args.rounds; round += 1) {
    const order = round % 2 === 0 ? targets : [...targets].reverse();
    const inRound = new Map<Target, AppMeasured>();
    for (const target of order) {
      if (args.rounds > 1) console.log(`\n   round ${round + 1} of ${args.rounds}`);
      const index = round * targets.length + targets.indexOf(target);
      inRound.set(target, await appRuns(target, index, cast, open));
    }
    const [first, second] = targets.map((t) => inRound.get(t) as AppMeasured);
    if (round === 0) measured.push(...targets.map((t) => inRound.get(t) as AppMeasured));
    if (first && second) rounds.push(roundOf(figuresOf(first), figuresOf(second)));
  }
  const [current, reference] = measured as [AppMeasured, ...AppMeasured[]];
  Object.assign(runs, current.runs);
  details.ack = {
    ...current.details,
    runs,
    bareSqlite: { rows: bareSqliteRows, acked: bareSqliteAcked },
    ...(reference ? { reference: reference.details } : {}),
  };

  const bareMax = runs.bareMax as LoadResult;
  const bare200 = runs.bare200 as LoadResult;
  const sqliteMax = runs.bareSqliteMax as LoadResult;
  const sqlite200 = runs.bareSqlite200 as LoadResult;
  const { appMax, app200, app100, appHeld } = current.runs;
  const heldRatio = appHeld.rps / sqliteMax.rps;
  const bareRatio = appMax.rps / bareMax.rps;
  const heldAccepts = appHeld.requests - appHeld.non2xx;
  const { backlog, drainSeconds } = current;
  add({
    section: 'ack',
    measure: 'bare Bolt, listener only acks: requests/s at full speed (10 connections)',
    value: fmt(bareMax.rps, 0),
    target: '',
  });
  add({
    section: 'ack',
    measure: 'bare Bolt, listener only acks: p50 / p99 at a steady 200 req/s',
    value: `${fmt(bare200.p50)} / ${fmt(bare200.p99)} ms${shortOf(bare200, 200)}`,
    target: '',
  });
  add({
    section: 'ack',
    measure:
      'bare Bolt writing one SQLite row before its ack (the app’s pragmas and checkpointing): requests/s at full speed (10 connections)',
    value: fmt(sqliteMax.rps, 0),
    target: '',
  });
  add({
    section: 'ack',
    measure: 'bare Bolt writing one SQLite row before its ack: p50 / p99 at a steady 200 req/s',
    value: `${fmt(sqlite200.p50)} / ${fmt(sqlite200.p99)} ms${shortOf(sqlite200, 200)}`,
    target: '',
  });
  add({
    section: 'ack',
    measure:
      'Accept request path (receive, check, decide, commit, ack), Slack deliveries held back by 429s: requests/s at full speed (10 connections)',
    value: fmt(appHeld.rps, 0),
    target: '',
  });
  add({
    section: 'ack',
    measure: 'Accept request path, Slack deliveries held back: p50 / p99 at full speed',
    value: `${fmt(appHeld.p50)} / ${fmt(appHeld.p99)} ms`,
    target: '',
  });
  add({
    section: 'ack',
    measure: 'Accept request path / bare Bolt writing one SQLite row: throughput',
    value: `${fmt(heldRatio, 2)}x`,
    target: '≥ 0.5x',
    ok: heldRatio >= 0.5,
  });
  const sqliteCpu = sqliteMax.cpuPerRequestMs ?? Number.NaN;
  const heldCpu = appHeld.cpuPerRequestMs ?? Number.NaN;
  add({
    section: 'ack',
    measure:
      'CPU time per request at full speed (the process’s user and system time over the run, for the Accept until the changes it queued were expanded): bare Bolt writing one SQLite row / Accept request path (deliveries held back)',
    value: `${fmt(sqliteCpu, 2)} / ${fmt(heldCpu, 2)} ms (${fmt(sqliteCpu / heldCpu, 2)}x)`,
    target: '',
  });
  const { appHeldSteady } = current.runs;
  add({
    section: 'ack',
    measure: `Accept request path (deliveries held back) at a steady ${HELD_STEADY_RATE} req/s: CPU time per request, p50 / p99`,
    value: `${fmt(appHeldSteady.cpuPerRequestMs ?? Number.NaN, 2)} ms; ${fmt(appHeldSteady.p50)} / ${fmt(appHeldSteady.p99)} ms${shortOf(appHeldSteady, HELD_STEADY_RATE)}`,
    target: '',
  });
  const { decideAlone } = current;
  // The pages the decision's commit writes, the largest owners first (each is two writes, then a checkpoint's copy).
  const walNote = (wal: DecideProbeResult['walPages']) => {
    if (!wal) return '';
    const largest = Object.entries(wal.byTree).slice(0, 4);
    return `; its commit writes ${fmt(wal.perTransaction, 1)} pages to the WAL (${largest.map(([tree, pages]) => `${tree} ${fmt(pages, 1)}`).join(', ')}, …)`;
  };
  if ('unavailable' in decideAlone)
    throw new Error(`this checkout's decision probe failed: ${decideAlone.unavailable}`);
  const written = Object.entries(decideAlone.rowsAdded);
  const rowsPerDecision = written.reduce((n, [, rows]) => n + rows, 0);
  const entriesPerDecision = written.reduce(
    (n, [table, rows]) => n + rows * (1 + (decideAlone.indexes[table] ?? 0)),
    0,
  );
  add({
    section: 'ack',
    measure: `The Accept’s decision alone (the real decide(), no HTTP, no Bolt; ${fmt(decideAlone.decisions, 0)} decisions after as many to warm up): CPU time per decision, and what its transaction writes`,
    value: `${fmt(decideAlone.cpuMs, 2)} ms; adds ${fmt(rowsPerDecision, 1)} rows in ${written.length} tables (${written.map(([table, rows]) => `${table} ${fmt(rows, 1)}`).join(', ')}), ${fmt(entriesPerDecision, 0)} B-tree entries with their indexes, and updates the handoff and its surfaces${walNote(decideAlone.walPages)}`,
    target: '',
  });
  const { expansion } = decideAlone;
  if (expansion) {
    const expanded = Object.entries(expansion.rowsAdded);
    add({
      section: 'ack',
      measure: `The change each of those decisions queued, expanded as the worker does (${fmt(expansion.group, 0)} to a transaction; no Slack call): CPU time per change, and what it writes`,
      value: `${fmt(expansion.cpuMs, 2)} ms; adds ${expanded.map(([table, rows]) => `${table} ${fmt(rows, 1)}`).join(', ')} rows; its share of the commits writes ${fmt(expansion.walPages.perTransaction, 1)} pages to the WAL`,
      target: '',
    });
  }
  add({
    section: 'ack',
    measure:
      'Accept with deliveries held back, end to end: time to deliver the backlog once Slack stops answering 429',
    value: `${fmt(backlog, 0)} outbox rows waiting (a change of a handoff is one, expanded into its messages when delivered) of ${fmt(heldAccepts, 0)} Accepts, delivered in ${fmt(drainSeconds)} s (${fmt(heldAccepts / (DURATION + drainSeconds), 0)} Accepts/s over the load and the drain)`,
    target: '',
  });
  add({
    section: 'ack',
    measure: 'Accept while the outbox delivers in the same process: p50 / p99 at a steady 200 req/s',
    value: `${fmt(app200.p50)} / ${fmt(app200.p99)} ms${shortOf(app200, 200)}`,
    target: 'p99 < 50 ms',
    ok: app200.p99 < 50,
  });
  add({
    section: 'ack',
    measure:
      'Accept while the outbox delivers in the same process: p50 / p99 at a steady 100 req/s (half the target’s rate)',
    value: `${fmt(app100.p50)} / ${fmt(app100.p99)} ms${shortOf(app100, 100)}`,
    target: '',
  });
  add({
    section: 'ack',
    measure: 'Accept end to end (delivery running): requests/s at full speed (10 connections)',
    value: fmt(appMax.rps, 0),
    target: '',
  });
  add({
    section: 'ack',
    measure: 'Accept end to end (delivery running): p50 / p99 at full speed',
    value: `${fmt(appMax.p50)} / ${fmt(appMax.p99)} ms`,
    target: '',
  });
  add({
    section: 'ack',
    // Informational: the throughput target (once ≥ 0.8x of this) is now against the SQLite baseline above.
    measure: 'Accept end to end (delivery running) / bare Bolt that only acks: throughput (no target)',
    value: `${fmt(bareRatio, 2)}x`,
    target: '',
  });
  add({
    section: 'ack',
    measure: 'app peak RSS during the Accept runs',
    value: `${fmt(current.rssMb, 0)} MB`,
    target: '< 250 MB',
    ok: current.rssMb < 250,
  });
  if (reference) {
    comparison = sideBySide(
      figuresOf(current),
      figuresOf(reference),
      { cpuMs: sqliteCpu, rps: sqliteMax.rps },
      { current: current.target.commit, reference: reference.target.commit },
      rounds,
    );
    details.ack = { ...(details.ack as Record<string, unknown>), rounds };
    console.log(`\n   The Accept beside the reference, in this run:\n\n${comparison}`);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// 2. End to end
// ---------------------------------------------------------------------------------------------------------------

async function e2eSection(): Promise<void> {
  console.log(`\n2. End to end: ${fmt(E2E_HANDOFFS, 0)} handoffs sent and decided through the receiver`);
  const cast = makeCast({ aes: 500, authors: 500, partners: 500 });
  const dbPath = join(work, 'e2e.db');
  const { fake, ready } = await startFake(cast);
  const app = new AppProcess(await freePort(), appEnv(ready, dbPath, { SWEEP_SCHEDULE: '0 0 1 1 *' }));
  await app.healthy();
  const started = performance.now();
  const driven = await driveHandoffs({ url: app.url, dbPath, cast, count: E2E_HANDOFFS, concurrency: 16 });
  const ackedAt = performance.now();
  const done = await drained(dbPath, 30 * 60_000);
  const finishedAt = performance.now();
  const rss = app.peakRssMb();
  await app.stop();
  const outbox = outboxState(dbPath);
  const stats = await fake.request<FakeStats>({ type: 'stats' });
  await fake.stop();
  const posts = (stats.ok['chat.postMessage'] ?? 0) + (stats.ok['chat.update'] ?? 0);
  details.e2e = { driven, outbox, fake: stats };
  if (!done) throw new Error(`the outbox did not drain: ${JSON.stringify(outbox)}`);
  // Each delivered post is one Slack call. An edit is at most one: one that would show what Slack already shows is
  // finished without a call, and a `surfaces.refresh` row is delivered locally (it queues the edits).
  const edits = stats.ok['chat.update'] ?? 0;
  if (
    outbox.dead > 0 ||
    (stats.ok['chat.postMessage'] ?? 0) !== outbox.postsDelivered ||
    edits > outbox.updatesDelivered
  )
    throw new Error(`Slack calls (${posts}) do not match delivered outbox rows: ${JSON.stringify(outbox)}`);
  const wall = (finishedAt - started) / 1000;
  const ackPhase = (ackedAt - started) / 1000;
  add({
    section: 'e2e',
    measure: 'requests through the receiver (packet, review, decision)',
    value: `${fmt(driven.requests, 0)} in ${fmt(ackPhase)} s (${fmt(driven.requests / ackPhase, 0)}/s)`,
    target: '',
  });
  add({
    section: 'e2e',
    measure: 'Slack calls delivered (posts and edits)',
    value: `${fmt(posts, 0)}; busiest conversation ${driven.busiestConversation} posts`,
    target: '',
  });
  add({ section: 'e2e', measure: 'wall time to the last Slack call', value: `${fmt(wall)} s`, target: '' });
  add({
    section: 'e2e',
    measure: 'handoffs per second, end to end',
    value: fmt(E2E_HANDOFFS / wall),
    target: '',
  });
  add({
    section: 'e2e',
    measure: 'app peak RSS',
    value: `${fmt(rss, 0)} MB`,
    target: '< 250 MB',
    ok: rss < 250,
  });
}

// ---------------------------------------------------------------------------------------------------------------
// 3. Scale, 4. Cold start
// ---------------------------------------------------------------------------------------------------------------

const scaleCast = makeCast({ aes: 400, authors: 200, partners: 300 });
const scaleNow = new Date();
const scalePath = join(work, 'scale.db');
let scaleReady = false;

function ensureScaleDb(): void {
  if (scaleReady) return;
  console.log(`\n   generating ${fmt(ROWS, 0)} handoffs (10% open)…`);
  const generated = generate({
    path: scalePath,
    total: ROWS,
    openShare: 0.1,
    now: scaleNow,
    cast: scaleCast,
  });
  details.generated = generated;
  add({
    section: 'scale',
    measure: 'database generated',
    value: `${fmt(generated.handoffs, 0)} handoffs (${fmt(generated.open, 0)} open), ${fmt(generated.events, 0)} events, ${fmt(generated.outbox, 0)} outbox rows in ${fmt(generated.seconds)} s`,
    target: '',
  });
  scaleReady = true;
}

const fileMb = (path: string) => {
  try {
    return statSync(path).size / 1e6;
  } catch {
    return 0;
  }
};

/** The scale probe, bundled to plain JavaScript next to its source (git-ignored). */
const PROBE_BUNDLE = '.scaleProbe.mjs';

async function scaleSection(): Promise<void> {
  console.log(`\n3. Scale: ${fmt(ROWS, 0)} handoffs`);
  ensureScaleDb();
  add({
    section: 'scale',
    measure: 'database size on disk',
    value: `${fmt(fileMb(scalePath) + fileMb(`${scalePath}-wal`), 0)} MB`,
    target: '',
  });
  const { fake, ready } = await startFake(scaleCast);
  // The probe runs the app's code with the node options of `npm start` (heap size included), as plain JavaScript
  // like `npm start`: bundled here (the app itself stays the built dist/, imported at run time), so its memory is
  // the app's and not tsx's.
  buildSync({
    entryPoints: [join(root, 'bench', 'scaleProbe.ts')],
    outfile: join(root, 'bench', PROBE_BUNDLE),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    external: ['../dist/*'],
    logLevel: 'error',
  });
  const probe = new Helper(
    PROBE_BUNDLE,
    {
      ...appEnv(ready, scalePath),
      REVOPS_USER_IDS: scaleCast.revops.id,
      BENCH_NOW: scaleNow.toISOString(),
      BENCH_AE: scaleCast.aes[7]?.id ?? '',
      BENCH_AUTHOR: scaleCast.authors[11]?.id ?? '',
      BENCH_REVOPS: scaleCast.revops.id,
    },
    startNodeOptions(),
  );
  const { result } = await probe.first<{ result: ProbeResult }>();
  await probe.stop();
  await fake.stop();
  details.scale = result;
  add({
    section: 'scale',
    measure: 'open the database (migrations checked)',
    value: `${fmt(result.openMs)} ms`,
    target: '',
  });
  // The first run in a fresh process pays for JIT warm-up and a cold page cache once; the sweep then runs every
  // minute for the life of the process. Both are shown; the target is judged on the warm runs.
  for (const t of result.timings) {
    const limit = t.name.startsWith('sweep') ? 50 : 200;
    const warmup = t.warmup ?? 1;
    const first = Math.max(...t.runs.slice(0, warmup));
    const warm = t.runs.slice(warmup);
    add({
      section: 'scale',
      measure: t.name,
      value: `${warmup === 1 ? 'first' : `first ${warmup} (warm-up): max`} ${fmt(first)} ms; then median ${fmt(median(warm))} ms, max ${fmt(Math.max(...warm))} ms${t.note ? ` (${t.note})` : ''}`,
      ...(t.background ? { target: '' } : { target: `< ${limit} ms (warm)`, ok: Math.max(...warm) < limit }),
    });
  }
  // The first RevOps App Home also loads the chart renderer (echarts, resvg), once per process.
  const paused = result.timings.filter((t) => t.pauses);
  const firstPause = Math.max(...paused.map((t) => t.pauses?.[0] ?? 0));
  const warmPause = Math.max(...paused.flatMap((t) => t.pauses?.slice(1) ?? []));
  const worst = paused.find((t) => t.pauses?.slice(1).includes(warmPause));
  add({
    section: 'scale',
    measure: 'longest event-loop pause while the RevOps App Home and metrics are computed',
    value: `first runs ${fmt(firstPause)} ms (chart renderer loaded, cold cache); then ${fmt(warmPause)} ms${worst ? ` (${worst.name})` : ''}`,
    target: '< 50 ms (warm)',
    ok: warmPause < 50,
  });
  add({
    section: 'scale',
    measure: 'peak RSS (sweeps, App Homes, metrics)',
    value: `${fmt(result.peakRssMb, 0)} MB (after ${Object.entries(result.peakRssByStage)
      .map(([stage, mb]) => `${stage}: ${mb}`)
      .join('; ')})`,
    target: '< 250 MB',
    ok: result.peakRssMb < 250,
  });
}

async function coldSection(): Promise<void> {
  console.log(`\n4. Cold start on ${fmt(ROWS, 0)} handoffs`);
  ensureScaleDb();
  const { fake, ready } = await startFake(scaleCast);
  const times: number[] = [];
  for (let i = 0; i < 3; i += 1) {
    const app = new AppProcess(await freePort(), appEnv(ready, scalePath));
    times.push(await app.healthy());
    await app.stop();
  }
  await fake.stop();
  details.cold = times;
  const worst = Math.max(...times);
  add({
    section: 'cold',
    measure: 'process start to /healthz 200 (3 starts)',
    value: `${times.map((t) => fmt(t, 0)).join(', ')} ms`,
    target: '< 2 s',
    ok: worst < 2000,
  });
}

function table(): string {
  const lines = [
    '| section | measure | result | target |',
    '| --- | --- | --- | --- |',
    ...rows.map(
      (r) =>
        `| ${r.section} | ${r.measure} | ${r.value} | ${r.target ? `${r.target}${r.ok === undefined ? '' : r.ok ? ' ✅' : ' ❌ misses'}` : ''} |`,
    ),
  ];
  return lines.join('\n');
}

let referenceRoot: string | undefined;
try {
  const started = new Date();
  const targets: Target[] = [currentTarget(root)];
  if (args.reference) {
    referenceRoot = join(work, 'reference');
    targets.push(prepareReference(root, args.reference, referenceRoot));
  }
  if (sections.has('ack')) await ackSection(targets);
  if (sections.has('e2e')) await e2eSection();
  if (sections.has('scale')) await scaleSection();
  if (sections.has('cold')) await coldSection();
  if (sections.has('postgres'))
    details.postgres = await postgresSection({
      work,
      duration: DURATION,
      add,
      ...(args.cpuProf ? { cpuProf: resolve(args.cpuProf, 'postgres') } : {}),
    });
  if (sections.has('storm')) details.storm = await stormSection({ work, duration: DURATION, add });
  if (sections.has('tenants'))
    details.tenants = await tenantsSection({
      work,
      duration: DURATION,
      add,
      tenants: args.tenants,
      tenantsOnly: args.tenantsOnly,
      ...(args.cpuProf ? { cpuProf: resolve(args.cpuProf, 'tenants') } : {}),
    });
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${fmt(totalmem() / 2 ** 30, 0)} GiB, Node ${process.version}`;
  const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
  const reference = targets[1];
  const text = [
    `# Benchmark results`,
    '',
    `${started.toISOString()} on ${machine}. Command: \`${command}\`.`,
    '',
    table(),
    '',
    ...(comparison && reference
      ? [
          `## The Accept beside ${reference.label}`,
          '',
          `Measured in this run, on this machine: this checkout's app first, then the reference's (its own build, from a clean checkout of ${args.reference}), each on its own database, with this checkout's load and probes; the durable baseline measured once before both.${args.rounds > 1 ? ` ${args.rounds} rounds, the order alternating each round; the other figures are the first round's.` : ''}`,
          '',
          comparison,
          '',
        ]
      : []),
  ].join('\n');
  console.log(`\n${table()}\n`);
  const out = resolve(root, args.out);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, text);
  writeFileSync(
    out.replace(/\.md$/, '.json'),
    `${JSON.stringify({ started, machine, targets, rows, details }, null, 2)}\n`,
  );
  console.log(`written to ${out} (and .json)`);
} finally {
  // The reference's node_modules may be a link to this checkout's: unlinked first, never followed.
  const link = referenceRoot && join(referenceRoot, 'node_modules');
  if (!args.keep && link && lstatSync(link, { throwIfNoEntry: false })?.isSymbolicLink()) unlinkSync(link);
  if (!args.keep) rmSync(work, { recursive: true, force: true });
  else console.log(`kept the databases${referenceRoot ? ' and the reference checkout' : ''} in ${work}`);
}
