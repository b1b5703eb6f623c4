import { CronExpressionParser } from 'cron-parser';
import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from '../logger.js';
import type { TimerHandle, Timers } from './timers.js';

/** How often the wall clock is compared with the monotonic clock. */
export const CLOCK_CHECK_MS = 1000;
/** How far the wall clock may drift from the monotonic clock since a job's wait was set before it is set again. */
export const CLOCK_STEP_MS = 1000;
/** The longest single wait (a yearly slot is waited for in steps; each one plans again from the clock). */
const MAX_WAIT_MS = 3_600_000;
/** How many of cron-parser's candidates are checked with node-cron's matcher before giving up on a next slot. */
const MAX_CANDIDATES = 10_000;

export interface TickSpec {
  name: string;
  /** A cron expression node-cron accepts, read in `timeZone`. */
  schedule: string;
  timeZone: string;
  /**
   * Called once when a slot comes round: once for all the slots that passed since the last call, with the one it
   * waited for (a cron time on the wall clock: the same in every process).
   */
  tick(slot: Date): void;
  /**
   * How long after its slot the tick comes (default 0): many installations' jobs spread over the minute instead of all
   * at its first second. The slot ticked is the same: each slot is still claimed once across processes.
   */
  lagMs?: number;
}

export interface CronTicks {
  /** Clears every timer and releases node-cron's matchers; no tick is called after this. */
  stop(): void;
}

interface Ticking {
  spec: TickSpec;
  next(after: number): number | undefined;
  release(): void;
  /** The slot being waited for (wall-clock ms), if there is one. */
  slot?: number;
  timer?: TimerHandle;
  /** Wall clock minus monotonic clock when the wait was set: a wait is only right while this holds. */
  offset: number;
}

/**
 * The scheduled jobs' ticks, on the wall clock, re-planned when the wall clock steps.
 *
 * node-cron's own runner sets one `setTimeout` for the slot it computed on the wall clock and, when it fires early
 * (the clock stepped back meanwhile), waits for that same slot again: a step back of 90 s held a minutely sweep for
 * 149 s, a step back of an hour would hold every job for the hour, and a step forward made it drop every slot late by
 * more than a second. node-cron exposes no way to re-plan a running task from a new "now", nor to inject its clock.
 * So the waiting is done here, and node-cron still decides what a slot is (its matcher, the same reading of the
 * schedule its validation in config.ts accepts, day of month AND day of week), with cron-parser only walking
 * candidate times forward (node-cron's next-match walker is not public):
 * - each job waits (a `Timers.setTimeout`) for its next slot after the wall clock's now; when the wait ends before
 *   the slot (a step back, a clock that ran slow), it plans again from the clock's now;
 * - a heartbeat compares the wall clock with the monotonic one every second: a job whose wait was set on a wall
 *   clock that has since moved by more than a second (a step, either way, or slewing that added up) is planned again
 *   at once. After a step back, the slots of the repeated stretch come round again on the new clock and run there
 *   (the clock the business rows are due on stepped back too); every job is idempotent per slot (a sweep, a refresh;
 *   the digest's outbox key is its week);
 * - a slot that passed before its tick could run (a step forward, a busy event loop) runs once, at once: one tick
 *   stands for every slot that passed since the last, never one per slot stepped over.
 */
export function startCronTicks(
  specs: readonly TickSpec[],
  deps: { timers: Timers; logger: Logger },
): CronTicks {
  const { timers, logger } = deps;
  let stopped = false;
  const offset = () => timers.now() - timers.monotonic();
  const ticking: Ticking[] = [];
  try {
    for (const spec of specs) ticking.push({ spec, ...slotPlanner(spec), offset: offset() });
  } catch (error) {
    // A schedule node-cron refuses: nothing starts, and no matcher is left in node-cron's registry.
    for (const t of ticking) t.release();
    throw error;
  }

  /** Sets the wait for the first slot after `now`. */
  function plan(t: Ticking, now: number): void {
    timers.clearTimeout(t.timer);
    const lag = t.spec.lagMs ?? 0;
    // The first slot whose tick is still to come: one that passed less than its lag ago is ticked at slot + lag.
    t.slot = t.next(now - lag);
    t.offset = now - timers.monotonic();
    if (t.slot === undefined) {
      logger.warn({ job: t.spec.name, schedule: t.spec.schedule }, 'no next slot found: looking again later');
    }
    t.timer = timers.setTimeout(
      () => beat(t),
      Math.min(Math.max(0, (t.slot ?? Infinity) + lag - now), MAX_WAIT_MS),
    );
  }

  /** A wait ended, or the clock stepped: ticks when the slot has come (however late), then waits for the next. */
  function beat(t: Ticking): void {
    if (stopped) return;
    const now = timers.now();
    if (t.slot !== undefined && now >= t.slot + (t.spec.lagMs ?? 0)) {
      try {
        t.spec.tick(new Date(t.slot));
      } catch (error) {
        logger.error({ err: error, job: t.spec.name }, 'scheduled tick failed');
      }
    }
    plan(t, now);
  }

  const start = timers.now();
  for (const t of ticking) plan(t, start);

  const heartbeat = timers.setInterval(() => {
    if (stopped) return;
    const current = offset();
    const moved = ticking.filter((t) => Math.abs(current - t.offset) > CLOCK_STEP_MS);
    if (moved.length === 0) return;
    const steppedMs = Math.round(current - (moved[0] as Ticking).offset);
    logger.warn(
      { steppedMs, jobs: moved.map((t) => t.spec.name) },
      steppedMs < 0
        ? 'the wall clock stepped back: scheduled jobs planned again on the new clock'
        : 'the wall clock stepped forward: scheduled jobs due meanwhile run once, then on the new clock',
    );
    for (const t of moved) beat(t);
  }, CLOCK_CHECK_MS);

  return {
    stop() {
      stopped = true;
      timers.clearInterval(heartbeat);
      for (const t of ticking) {
        timers.clearTimeout(t.timer);
        t.release();
      }
    },
  };
}

/**
 * The next slot of a schedule after a time: node-cron's matcher decides, cron-parser walks the candidates. cron-parser
 * reads fewer schedules than node-cron (day names such as `Monday`, `L`, `W`, `#`), so it is given node-cron's own
 * reading of the schedule (`cron.parse`: plain numbers per field), each field it cannot hold as numbers widened to
 * `*`. Its candidates are then a superset of node-cron's slots (it also reads day of month OR day of week where
 * node-cron reads AND), and the matcher keeps the right ones.
 */
function slotPlanner(spec: TickSpec): Pick<Ticking, 'next' | 'release'> {
  const fields = cron.parse(spec.schedule);
  const candidates = [
    fields.second,
    fields.minute,
    fields.hour,
    fields.dayOfMonth,
    fields.month,
    fields.dayOfWeek,
  ]
    .map((values) => (values.every((v) => typeof v === 'number') ? values.join(',') : '*'))
    .join(' ');
  // node-cron keeps each task it creates in its registry until it is destroyed, started or not.
  const matcher: ScheduledTask = cron.createTask(spec.schedule, () => undefined, { timezone: spec.timeZone });
  // Parsed once, walked from each time asked (parsing it at every plan was 3% of the CPU of 1,000 installations).
  const walk = CronExpressionParser.parse(candidates, { tz: spec.timeZone });
  return {
    next(after) {
      walk.reset(new Date(after));
      for (let tries = 0; tries < MAX_CANDIDATES; tries += 1) {
        const slot = walk.next().toDate();
        if (matcher.match(slot)) return slot.getTime();
      }
      return undefined;
    },
    release: () => void matcher.destroy(),
  };
}
