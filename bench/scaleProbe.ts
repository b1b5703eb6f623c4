/**
 * Runs in its own process against a generated database: opens it as the app does (migrations included), builds
 * the real app (not started: no HTTP, no cron), then times the response-window sweep minute by minute, the App Home
 * of each role and the metrics queries. Reports over IPC, with the process's peak RSS.
 *
 * Environment: as the app's (loadConfig), plus BENCH_NOW (ISO time the database was generated for), BENCH_AE,
 * BENCH_AUTHOR and BENCH_REVOPS (user ids to open the App Home as).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { PeriodKey } from '../src/services/metrics.js';
import { TestClock } from '../test/support/clock.js';

// The built app (dist/, as `npm start` runs it), not the TypeScript sources: same code, same memory.
const { buildApp } = (await import('../dist/app.js' as string)) as typeof import('../src/app.js');
const { loadConfig } = (await import('../dist/config.js' as string)) as typeof import('../src/config.js');
const { startCheckpointer } = (await import(
  '../dist/db/checkpointer.js' as string
)) as typeof import('../src/db/checkpointer.js');
const { openDatabase } = (await import(
  '../dist/db/client.js' as string
)) as typeof import('../src/db/client.js');
const { createLogger } = (await import('../dist/logger.js' as string)) as typeof import('../src/logger.js');
const { PERIODS } = (await import(
  '../dist/services/metrics.js' as string
)) as typeof import('../src/services/metrics.js');

export interface Timing {
  name: string;
  /** Milliseconds per run. */
  runs: number[];
  /** Per run, the longest time the event loop could not run anything else (only where measured). */
  pauses?: number[];
  note?: string;
}

export interface ProbeResult {
  openMs: number;
  timings: Timing[];
  sweeps: { expired: number; reminded: number; nudged: number };
  peakRssMb: number;
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
const running = buildApp({ config, db: database.db, clock, logger });

// Metrics read in batches and let other requests run in between: how long could an Accept be kept waiting?
const loopDelay = monitorEventLoopDelay({ resolution: 1 });

async function time(
  name: string,
  times: number,
  fn: () => unknown,
  opts: { note?: string; pauses?: boolean } = {},
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
  return { name, runs, ...(opts.note ? { note: opts.note } : {}), ...(opts.pauses ? { pauses } : {}) };
}

const timings: Timing[] = [];
// One sweep per minute for an hour of simulated time, as the cron schedule runs it.
const sweeps = { expired: 0, reminded: 0, nudged: 0 };
const sweepRuns: number[] = [];
for (let minute = 1; minute <= 60; minute += 1) {
  clock.set(new Date(now.getTime() + minute * 60_000));
  const started = performance.now();
  const result = running.sweeper.sweep();
  sweepRuns.push(performance.now() - started);
  sweeps.expired += result.expired;
  sweeps.reminded += result.reminded;
  sweeps.nudged += result.nudged;
}
timings.push({
  name: 'sweep (one per minute, 60 runs)',
  runs: sweepRuns,
  note: `${sweeps.expired} expired, ${sweeps.reminded} reminded, ${sweeps.nudged} nudged in the hour`,
});

const ae = env.BENCH_AE ?? '';
const author = env.BENCH_AUTHOR ?? '';
const revops = env.BENCH_REVOPS ?? '';
timings.push(await time('App Home: AE', 10, () => running.home.viewFor(ae)));
timings.push(await time('App Home: author', 10, () => running.home.viewFor(author)));
timings.push(
  await time('App Home: RevOps (30 days, trend chart)', 5, () => running.home.viewFor(revops, '30d'), {
    pauses: true,
  }),
);
for (const key of Object.keys(PERIODS) as PeriodKey[]) {
  timings.push(
    await time(`metrics: ${PERIODS[key].label.toLowerCase()}`, 5, () => running.metrics.forPeriod(key), {
      pauses: true,
    }),
  );
}
timings.push(
  await time(`metrics: ${config.revopsReporting.trendWeeks}-week trend`, 5, () => running.metrics.trend(), {
    pauses: true,
  }),
);
timings.push(await time('metrics: handoffs at risk', 5, () => running.metrics.atRisk()));

const result: ProbeResult = {
  openMs,
  timings,
  sweeps,
  peakRssMb: process.resourceUsage().maxRSS / 1024,
};
process.send?.({ type: 'result', result });
await checkpointer.stop();
database.close();
process.disconnect?.();
