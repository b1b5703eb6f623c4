/**
 * Runs in its own process against a generated database: opens it as the app does (migrations included), builds
 * the real services (wired as the app wires them; not started: no HTTP, no cron), then times the response-window sweep minute by minute, the App Home
 * of each role and the metrics queries. Reports over IPC, with the process's peak RSS.
 *
 * Environment: as the app's (loadConfig), plus BENCH_NOW (ISO time the database was generated for), BENCH_AE,
 * BENCH_AUTHOR and BENCH_REVOPS (user ids to open the App Home as).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { PeriodKey } from '../src/domain/periods.js';
import { TestClock } from '../test/support/clock.js';
import { probeInstallation, sqliteProbe } from './lib/probe.js';
import { peakRssMb } from './lib/proc.js';

// The built app (dist/, as `npm start` runs it), not the TypeScript sources: same code, same memory.
const { wire } = (await import('../dist/compose.js' as string)) as typeof import('../src/compose.js');
const { startupOf } = (await import('../dist/startup.js' as string)) as typeof import('../src/startup.js');
const { loadConfig } = (await import('../dist/config.js' as string)) as typeof import('../src/config.js');
const { startCheckpointer } = (await import(
  '../dist/db/checkpointer.js' as string
)) as typeof import('../src/db/checkpointer.js');
const { openDatabase } = (await import(
  '../dist/db/client.js' as string
)) as typeof import('../src/db/client.js');
const { createLogger } = (await import('../dist/logger.js' as string)) as typeof import('../src/logger.js');
const { firstInstallationOf } = (await import(
  '../dist/db/owned.js' as string
)) as typeof import('../src/db/owned.js');
const { PERIODS } = (await import(
  '../dist/domain/periods.js' as string
)) as typeof import('../src/domain/periods.js');

export interface Timing {
  name: string;
  /** Milliseconds per run. */
  runs: number[];
  /** Per run, the longest time the event loop could not run anything else (only where measured). */
  pauses?: number[];
  note?: string;
  /** A computation nobody waits for: shown without a target. */
  background?: boolean;
  /** How many first runs are warm-up (JIT, cold caches): shown apart, not judged (default 1). */
  warmup?: number;
}

export interface ProbeResult {
  openMs: number;
  timings: Timing[];
  sweeps: { expired: number; reminded: number; nudged: number };
  peakRssMb: number;
  /** Peak RSS (MB) once each stage was done: where the memory went. */
  peakRssByStage: Record<string, number>;
}

const env = process.env;
const config = loadConfig(env);
const logger = createLogger(config.logLevel);
const now = new Date(env.BENCH_NOW ?? '');
const clock = new TestClock(now);

const opened = performance.now();
const database = openDatabase(config.databasePath);
const openMs = performance.now() - opened;
// As main.ts does: WAL checkpoints on a worker thread, not inside whichever sweep commit crosses the threshold.
const checkpointer = startCheckpointer(database.sqlite, logger);
// The real services as the app wires them, with a workspace given instead of asked of Slack (there is none here).
const { services: running, program } = await wire({
  config,
  db: firstInstallationOf(database.db),
  storage: sqliteProbe(database.sqlite),
  clock,
  logger,
  startup: startupOf({ teamId: env.BENCH_TEAM ?? 'T0BENCH', enterpriseId: undefined }, config),
  installs: probeInstallation(config.slack.botToken, env.BENCH_TEAM ?? 'T0BENCH'),
});

// Metrics read in batches and let other requests run in between: how long could an Accept be kept waiting?
const loopDelay = monitorEventLoopDelay({ resolution: 1 });

async function time(
  name: string,
  times: number,
  fn: () => unknown,
  opts: { note?: string; pauses?: boolean; background?: boolean } = {},
): Promise<Timing> {
  const runs: number[] = [];
  const pauses: number[] = [];
  for (let i = 0; i < times; i += 1) {
    if (opts.pauses) {
      loopDelay.reset();
      loopDelay.enable();
    }
    const started = performance.now();
    await fn();
    runs.push(performance.now() - started);
    if (opts.pauses) {
      loopDelay.disable();
      pauses.push(loopDelay.max / 1e6);
    }
  }
  return {
    name,
    runs,
    ...(opts.note ? { note: opts.note } : {}),
    ...(opts.pauses ? { pauses } : {}),
    ...(opts.background ? { background: true } : {}),
  };
}

const timings: Timing[] = [];
const peakRssByStage: Record<string, number> = {};
// VmHWM of this process, not getrusage's maxRSS: Linux carries maxRSS over from the parent across fork and exec,
// so that one started at the bench runner's size (it had just generated the database) and hid this process's own.
const stageDone = (stage: string) => {
  peakRssByStage[stage] = Math.round(peakRssMb(process.pid));
};
stageDone('app built');
// One sweep per minute for an hour of simulated time, as the cron schedule runs it.
const sweeps = { expired: 0, reminded: 0, nudged: 0 };
const sweepRuns: number[] = [];
for (let minute = 1; minute <= 60; minute += 1) {
  clock.set(new Date(now.getTime() + minute * 60_000));
  const started = performance.now();
  const result = await running.sweeper.sweep();
  sweepRuns.push(performance.now() - started);
  sweeps.expired += result.expired;
  sweeps.reminded += result.reminded;
  sweeps.nudged += result.nudged;
}
timings.push({
  name: 'sweep (one per minute, 60 runs)',
  runs: sweepRuns,
  // The code paths of expiries, reminders and nudges get hot, and the database's index pages cached, over the
  // first minutes after a start; then the sweep runs every minute for the life of the process.
  warmup: 5,
  note: `${sweeps.expired} expired, ${sweeps.reminded} reminded, ${sweeps.nudged} nudged in the hour`,
});

stageDone('sweeps');
const ae = env.BENCH_AE ?? '';
const author = env.BENCH_AUTHOR ?? '';
const revops = env.BENCH_REVOPS ?? '';
// The probe's clock moves on from here (two minutes per RevOps run).
clock.set(new Date(now.getTime() + 61 * 60_000));
timings.push(await time('App Home: AE', 10, () => running.home.viewFor(ae)));
timings.push(await time('App Home: author', 10, () => running.home.viewFor(author)));
// RevOps' App Home, period by period, as the app serves it: it waits at most METRICS_MAX_WAIT_MS for figures, and
// shows a slow period from its last computation while a newer one runs in the background. Each run comes two
// minutes after the last, after a sweep has written new events, so each one finds its figures out of date: what
// RevOps waits for is the served tab; the computation behind it is timed apart (nobody waits for it).
stageDone('AE and author App Homes');
for (const key of Object.keys(PERIODS) as PeriodKey[]) {
  const served: number[] = [];
  const computed: number[] = [];
  const servedPauses: number[] = [];
  const computedPauses: number[] = [];
  const kinds: string[] = [];
  for (let i = 0; i < 6; i += 1) {
    clock.set(new Date(clock.now().getTime() + 2 * 60_000));
    await running.sweeper.sweep();
    loopDelay.reset();
    loopDelay.enable();
    const started = performance.now();
    const tab = await running.home.viewFor(revops, key);
    served.push(performance.now() - started);
    servedPauses.push(loopDelay.max / 1e6);
    kinds.push(tab.refresh ? 'refreshing' : 'fresh');
    // As the App Home does (publishHome): once the tab is shown, the newer figures are computed, and the tab is
    // built again from them (its chart drawn and uploaded) to be published again.
    loopDelay.reset();
    const behind = performance.now();
    if (tab.refresh) {
      await tab.refresh();
      await running.home.viewFor(revops, key);
    }
    computed.push(performance.now() - behind);
    loopDelay.disable();
    computedPauses.push(loopDelay.max / 1e6);
  }
  const label = PERIODS[key].label.toLowerCase();
  timings.push({
    name: `App Home: RevOps, ${label} (with the trend chart)`,
    runs: served,
    pauses: servedPauses,
    note: kinds.slice(1).every((k) => k === 'refreshing')
      ? 'figures from 2 minutes before, refreshed behind'
      : 'figures computed while waiting',
  });
  timings.push({
    name: `metrics computation, ${label}, and the tab built again (in the background)`,
    runs: computed,
    pauses: computedPauses,
    background: true,
  });
  stageDone(`RevOps App Home, ${label}`);
}
timings.push(
  await time(
    `metrics computation, ${program.settings.get('trendWeeks')}-week trend (weekly digest)`,
    5,
    () => running.metrics.trend(),
    { pauses: true, background: true },
  ),
);
timings.push(await time('metrics: handoffs at risk', 5, () => running.metrics.atRisk()));

const result: ProbeResult = {
  openMs,
  timings,
  sweeps,
  peakRssMb: peakRssMb(process.pid),
  peakRssByStage,
};
process.send?.({ type: 'result', result });
await checkpointer.stop();
database.close();
process.disconnect?.();
