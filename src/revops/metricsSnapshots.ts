import { setTimeout as sleep } from 'node:timers/promises';
import type { Clock } from '../clock.js';
import type { ProgramMetrics, WeekStats } from '../domain/metrics.js';
import type { PeriodKey } from '../domain/periods.js';
import type { Logger } from '../logger.js';
import type { BackgroundWork } from '../runtime/background.js';

export interface SnapshotDeps {
  clock: Clock;
  /** The app's background work: tracked so the stop waits for it, and none started once stopping. */
  background?: Pick<BackgroundWork, 'stopping' | 'track'>;
  /**
   * The App Home waits at most this long for a period's figures (METRICS_MAX_WAIT_MS). A period whose last
   * computation took longer is shown from that computation, with its time, while a new one runs in the background.
   * Unset: always compute (the digest, tests of the figures).
   */
  maxWaitMs?: number;
  /** Figures shown from an earlier computation are refreshed when they are older than this (1 minute). */
  refreshAfterMs?: number;
  /** Background computations that fail are logged here. */
  logger?: Logger;
}

/** A period's figures for the App Home, and how current they are. */
export type Overview =
  | {
      kind: 'figures';
      metrics: ProgramMetrics;
      weeks: WeekStats[];
      /** When the figures were computed: earlier than now when shown from the last computation. */
      asOf: Date;
      /** True when they come from an earlier computation (the period takes longer than maxWaitMs to compute). */
      fromSnapshot: boolean;
      /**
       * Set when newer figures are due: starts their computation (or joins the one running) and settles when it
       * is done (it never rejects). Call it once these figures are shown, so it does not slow showing them.
       */
      refresh?: () => Promise<void>;
    }
  | {
      /** The first computation of the period is taking longer than maxWaitMs: settles when it is done. */
      kind: 'computing';
      refresh: () => Promise<void>;
    };

interface Snapshot {
  metrics: ProgramMetrics;
  weeks: WeekStats[];
  asOf: Date;
  /** How long the computation took (wall time, other requests running in between). */
  tookMs: number;
}

/** A period's metrics and the trend up to `now` (revops/metrics.ts). */
type Compute = (key: PeriodKey, now: Date) => Promise<{ metrics: ProgramMetrics; weeks: WeekStats[] }>;

/** The App Home's figures, per period: the last computation, and the one running (one at a time per period). */
interface Kept {
  deps: SnapshotDeps;
  compute: Compute;
  refreshAfterMs: number;
  snapshots: Map<PeriodKey, Snapshot>;
  running: Map<PeriodKey, Promise<Snapshot>>;
  /** When someone last asked for each period: nobody looking for a day, no more background refreshes. */
  askedAt: Map<PeriodKey, number>;
  /** Called with each new snapshot's weeks (the App Home draws its chart ahead of the next open). */
  computedListeners: ((weeks: WeekStats[]) => void)[];
}

/** The App Home's figures per period, within a wait: computed now, or the last computation while a new one runs. */
export function createSnapshots(deps: SnapshotDeps, compute: Compute) {
  const kept: Kept = {
    deps,
    compute,
    refreshAfterMs: deps.refreshAfterMs ?? 60_000,
    snapshots: new Map(),
    running: new Map(),
    askedAt: new Map(),
    computedListeners: [],
  };
  return {
    overview: (key: PeriodKey): Promise<Overview> => overview(kept, key),
    refreshSnapshots: (everyMs: number): Promise<number> => refreshSnapshots(kept, everyMs),
    /** Each new snapshot's weeks, as it comes in (the App Home's chart). */
    onComputed(listener: (weeks: WeekStats[]) => void): void {
      kept.computedListeners.push(listener);
    },
  };
}

const stopping = (kept: Kept) => kept.deps.background?.stopping ?? false;

function computeSnapshot(kept: Kept, key: PeriodKey): Promise<Snapshot> {
  const already = kept.running.get(key);
  if (already) return already;
  if (stopping(kept)) return Promise.reject(new Error('the app is stopping'));
  const started = performance.now();
  const asOf = kept.deps.clock.now();
  const computing = kept
    .compute(key, asOf)
    .then(({ metrics, weeks }) => {
      const snapshot = { metrics, weeks, asOf, tookMs: performance.now() - started };
      kept.snapshots.set(key, snapshot);
      for (const listener of kept.computedListeners) listener(weeks);
      return snapshot;
    })
    .finally(() => kept.running.delete(key));
  kept.running.set(key, computing);
  // The app's stop waits for it: the database closes after the last computation.
  kept.deps.background?.track(computing.catch(() => undefined));
  return computing;
}

/**
 * A refresh to hand out with figures `shown`: joins the computation running when it is called, does nothing if a
 * newer snapshot came in since (another person's refresh, the minute job), and only otherwise computes anew.
 */
const refresher = (kept: Kept, key: PeriodKey, shown: Snapshot | undefined) => (): Promise<void> => {
  if (stopping(kept)) return Promise.resolve();
  const current = kept.running.get(key);
  if (current) return settled(kept, current);
  if (shown && kept.snapshots.get(key) !== shown) return Promise.resolve();
  return settled(kept, computeSnapshot(kept, key));
};

/** Settles when the computation is done; a failure is logged (the last figures stay). */
const settled = (kept: Kept, computing: Promise<Snapshot>): Promise<void> =>
  computing.then(
    () => undefined,
    (error: unknown) => kept.deps.logger?.error({ err: error }, 'metrics computation failed'),
  );

const figures = (s: Snapshot, fromSnapshot: boolean, refresh?: () => Promise<void>): Overview => ({
  kind: 'figures',
  metrics: s.metrics,
  weeks: s.weeks,
  asOf: s.asOf,
  fromSnapshot,
  ...(refresh ? { refresh } : {}),
});

/**
 * The App Home's figures for a period, within maxWaitMs: computed now when that is quick enough (a small
 * workspace, always), otherwise the last computation with its time while a newer one runs in the background.
 */
async function overview(kept: Kept, key: PeriodKey): Promise<Overview> {
  const { clock, maxWaitMs } = kept.deps;
  kept.askedAt.set(key, clock.now().getTime());
  if (maxWaitMs === undefined) {
    const asOf = clock.now();
    return { kind: 'figures', ...(await kept.compute(key, asOf)), asOf, fromSnapshot: false };
  }
  const last = kept.snapshots.get(key);
  if (last && last.tookMs > maxWaitMs) {
    const due = kept.running.has(key) || clock.now().getTime() - last.asOf.getTime() >= kept.refreshAfterMs;
    return figures(last, true, due ? refresher(kept, key, last) : undefined);
  }
  const computing = computeSnapshot(kept, key);
  const stopWaiting = new AbortController();
  const waited = await Promise.race([
    computing,
    sleep(maxWaitMs, undefined, { signal: stopWaiting.signal }).catch(() => undefined),
  ]).finally(() => stopWaiting.abort());
  if (waited) return figures(waited, false);
  // Slower than it used to be: the last figures if there are any, or say they are on their way.
  const joined = () => settled(kept, computing);
  return last ? figures(last, true, joined) : { kind: 'computing', refresh: joined };
}

/**
 * Keeps slow periods' figures current without anyone waiting (called every minute): recomputes, one after the
 * other, each slow period someone asked for in the last day whose figures are older than `everyMs`.
 */
async function refreshSnapshots(kept: Kept, everyMs: number): Promise<number> {
  let refreshed = 0;
  for (const [key, snapshot] of kept.snapshots) {
    if (stopping(kept)) break;
    const now = kept.deps.clock.now().getTime();
    if (snapshot.tookMs <= (kept.deps.maxWaitMs ?? Number.POSITIVE_INFINITY)) continue;
    if (now - snapshot.asOf.getTime() < everyMs) continue;
    if (now - (kept.askedAt.get(key) ?? 0) > 24 * 3_600_000) continue;
    await computeSnapshot(kept, key);
    refreshed += 1;
  }
  return refreshed;
}
