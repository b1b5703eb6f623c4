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

/**
 * The ticks of every scheduler in the process (one per installation), on one heartbeat: the specs with the same
 * schedule, zone and lag share one wait and one matcher, and each is ticked when their slot comes. A thousand
 * installations' minutely sweeps are 30 waits (one per lag), not a thousand, and one heartbeat, not a thousand.
 */
export interface TickHub {
  /** Starts ticking `specs` (a schedule node-cron refuses throws, and nothing of `specs` starts). */
  start(specs: readonly TickSpec[]): CronTicks;
}

/** Specs ticking together: one schedule, zone and lag. */
interface Group {
  key: string;
  schedule: string;
  lagMs: number;
  members: Set<TickSpec>;
  next(after: number): number | undefined;
  release(): void;
  /** The slot being waited for (wall-clock ms), if there is one. */
  slot?: number;
  timer?: TimerHandle;
  /** Wall clock minus monotonic clock when the wait was set: a wait is only right while this holds. */
  offset: number;
}

const groupKey = (spec: TickSpec) => `${spec.schedule}\u0000${spec.timeZone}\u0000${spec.lagMs ?? 0}`;

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
 * - each group waits (a `Timers.setTimeout`) for its next slot after the wall clock's now; when the wait ends before
 *   the slot (a step back, a clock that ran slow), it plans again from the clock's now;
 * - a heartbeat compares the wall clock with the monotonic one every second: a group whose wait was set on a wall
 *   clock that has since moved by more than a second (a step, either way, or slewing that added up) is planned again
 *   at once. After a step back, the slots of the repeated stretch come round again on the new clock and run there
 *   (the clock the business rows are due on stepped back too); every job is idempotent per slot (a sweep, a refresh;
 *   the digest's outbox key is its week);
 * - a slot that passed before its tick could run (a step forward, a busy event loop) runs once, at once: one tick
 *   stands for every slot that passed since the last, never one per slot stepped over.
 */
export function createTickHub(deps: { timers: Timers; logger: Logger }): TickHub {
  return new Hub(deps.timers, deps.logger);
}

class Hub implements TickHub {
  private readonly groups = new Map<string, Group>();
  private heartbeat: TimerHandle | undefined;

  constructor(
    private readonly timers: Timers,
    private readonly logger: Logger,
  ) {}

  start(specs: readonly TickSpec[]): CronTicks {
    const made: Group[] = [];
    try {
      for (const spec of specs) {
        const key = groupKey(spec);
        if (this.groups.has(key) || made.some((g) => g.key === key)) continue;
        made.push({
          key,
          schedule: spec.schedule,
          lagMs: spec.lagMs ?? 0,
          members: new Set(),
          ...slotPlanner(spec),
          offset: this.offset(),
        });
      }
    } catch (error) {
      // A schedule node-cron refuses: nothing starts, and no matcher is left in node-cron's registry.
      for (const g of made) g.release();
      throw error;
    }
    for (const g of made) this.groups.set(g.key, g);
    for (const spec of specs) this.groups.get(groupKey(spec))?.members.add(spec);
    const now = this.timers.now();
    for (const g of made) this.plan(g, now);
    this.heartbeat ??= this.timers.setInterval(() => this.checkClock(), CLOCK_CHECK_MS);
    let stopped = false;
    return {
      stop: () => {
        if (stopped) return;
        stopped = true;
        for (const spec of specs) this.leave(spec);
      },
    };
  }

  private offset(): number {
    return this.timers.now() - this.timers.monotonic();
  }

  /** Sets the wait for the first slot after `now`. */
  private plan(g: Group, now: number): void {
    this.timers.clearTimeout(g.timer);
    // The first slot whose tick is still to come: one that passed less than its lag ago is ticked at slot + lag.
    g.slot = g.next(now - g.lagMs);
    g.offset = now - this.timers.monotonic();
    if (g.slot === undefined) {
      const jobs = [...g.members].map((m) => m.name);
      this.logger.warn({ jobs, schedule: g.schedule }, 'no next slot found: looking again later');
    }
    g.timer = this.timers.setTimeout(
      () => this.beat(g),
      Math.min(Math.max(0, (g.slot ?? Infinity) + g.lagMs - now), MAX_WAIT_MS),
    );
  }

  /** A wait ended, or the clock stepped: ticks when the slot has come (however late), then waits for the next. */
  private beat(g: Group): void {
    if (this.groups.get(g.key) !== g) return;
    const now = this.timers.now();
    if (g.slot !== undefined && now >= g.slot + g.lagMs) {
      const slot = g.slot;
      for (const member of [...g.members]) {
        // One stopped by an earlier member's tick is not ticked.
        if (!g.members.has(member)) continue;
        try {
          member.tick(new Date(slot));
        } catch (error) {
          this.logger.error({ err: error, job: member.name }, 'scheduled tick failed');
        }
      }
    }
    if (this.groups.get(g.key) === g) this.plan(g, now);
  }

  /** The heartbeat: the groups whose wait was set on a wall clock that has since moved are planned again. */
  private checkClock(): void {
    const current = this.offset();
    const moved = [...this.groups.values()].filter((g) => Math.abs(current - g.offset) > CLOCK_STEP_MS);
    if (moved.length === 0) return;
    const steppedMs = Math.round(current - (moved[0] as Group).offset);
    this.logger.warn(
      { steppedMs, jobs: [...new Set(moved.flatMap((g) => [...g.members].map((m) => m.name)))] },
      steppedMs < 0
        ? 'the wall clock stepped back: scheduled jobs planned again on the new clock'
        : 'the wall clock stepped forward: scheduled jobs due meanwhile run once, then on the new clock',
    );
    for (const g of moved) this.beat(g);
  }

  private leave(spec: TickSpec): void {
    const g = this.groups.get(groupKey(spec));
    if (!g?.members.delete(spec) || g.members.size > 0) return;
    this.timers.clearTimeout(g.timer);
    g.release();
    this.groups.delete(g.key);
    if (this.groups.size === 0) {
      this.timers.clearInterval(this.heartbeat);
      this.heartbeat = undefined;
    }
  }
}

/**
 * The next slot of a schedule after a time: node-cron's matcher decides, cron-parser walks the candidates. cron-parser
 * reads fewer schedules than node-cron (day names such as `Monday`, `L`, `W`, `#`), so it is given node-cron's own
 * reading of the schedule (`cron.parse`: plain numbers per field), each field it cannot hold as numbers widened to
 * `*`. Its candidates are then a superset of node-cron's slots (it also reads day of month OR day of week where
 * node-cron reads AND), and the matcher keeps the right ones.
 */
function slotPlanner(spec: TickSpec): Pick<Group, 'next' | 'release'> {
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
