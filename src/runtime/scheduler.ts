import { type CronExpression, CronExpressionParser } from 'cron-parser';
import cron, { type ScheduledTask } from 'node-cron';
import type { Clock } from '../clock.js';
import { asBackground } from '../db/priority.js';
import type { Logger } from '../logger.js';
import type { BackgroundWork } from './background.js';
import { type CronTicks, createTickHub, type TickHub } from './cronTicks.js';
import { createSlackPause } from './slackPause.js';
import { realTimers, type Timers } from './timers.js';

export interface JobSpec {
  name: string;
  /** A cron expression (five fields), in `timeZone` (default: the server's). */
  schedule: string;
  timeZone?: string;
  /** One run. `slot` is the time it stands for: now for a tick, the missed slot for a catch-up. */
  run(slot: Date): unknown;
  /**
   * At start: `run` runs once at once (the sweep: whatever fell due while the app was down); `catchUpWithinMs` runs
   * the latest slot that passed within that window (the weekly digest: a slot missed while the app was down is posted
   * at start). The job must then be idempotent per slot: a slot that did run runs again and must do nothing.
   */
  atStart?: 'run' | { catchUpWithinMs: number };
  /** The catch-up run, when it differs from a tick's (default: `run`). */
  catchUp?(slot: Date): unknown;
  /**
   * Whether a run calls Slack. Such a job does not run while Slack takes no call from the app (`slackCutOff`): its
   * slots are skipped. Once Slack takes calls again, it catches up as after downtime (`atStart`), or runs at its
   * next slot. Local work (a backup) runs regardless.
   */
  callsSlack?: boolean;
  /** How long a run may hold its slot before another process may take it over (default: runtime/jobClaims.ts). */
  leaseMs?: number;
  /**
   * Whether a tick has anything to do, asked before its slot is claimed (a read or two, or memory): false, and the
   * tick claims and runs nothing. A claim costs two transactions, so a job that is most often idle (nothing held to
   * ask Slack about) says so for the price of its first read. Start-time runs, catch-ups and `runNow` do not ask.
   */
  due?(): Promise<boolean>;
  /**
   * Every process runs each slot, claiming none: the job refreshes what this process keeps in memory (an org-wide
   * install's workspaces), which another process's run would not refresh here.
   */
  perProcess?: boolean;
}

/** Which process runs a slot, when several share one database (runtime/jobClaims.ts). */
export interface SlotClaims {
  /**
   * Whether this process may run `job`'s `slot` now (false: another process ran it or is running it). `again`: this
   * process ticked this slot or a later one before (the wall clock stepped back): a slot lived again, run again.
   */
  claim(job: JobSpec, slot: Date, again?: boolean): Promise<boolean>;
  /** This process's run of `slot` ended: it is not run again. */
  finish(job: JobSpec, slot: Date): Promise<void>;
}

export interface Scheduler {
  /** Starts every job's timer and does its start-time run; starts catch-ups in the background (see `caughtUp`). */
  start(): Promise<void>;
  /** Settles when the catch-ups `start` began have run (tracked as background work, so a stop waits for them). */
  readonly caughtUp: Promise<void>;
  /** Runs one job now, as a tick would (tests, and an operator's manual run). */
  runNow(name: string, slot?: Date): Promise<void>;
  /** Stops the timers; runs in progress are the background tracker's to wait for. */
  stop(): Promise<void>;
  /** The latest slot of a job at or before `at` within `withinMs`, if any. */
  lastSlot(name: string, at: Date, withinMs: number): Date | undefined;
  /** The jobs' names, in the order they were given (the sandbox runs them on its own clock). */
  readonly jobNames: readonly string[];
}

/** Over how many seconds after each slot the installations' ticks are spread. */
export const TICK_SPREAD_SECONDS = 30;

/**
 * An installation's tick lag: one second more per installation, over TICK_SPREAD_SECONDS, the first's none.
 * With 100 installations each minute's jobs come about three installations a second instead of all at once.
 */
export const installationLagMs = (installationId: number | undefined): number =>
  installationId === undefined ? 0 : ((installationId - 1) % TICK_SPREAD_SECONDS) * 1000;

export interface SchedulerDeps {
  clock: Clock;
  logger: Logger;
  background: BackgroundWork;
  /** The wall and monotonic clocks and the timers the ticks wait on (tests step them): the process's own by default. */
  timers?: Timers;
  /**
   * How long after each slot its tick comes (runtime/cronTicks.ts `lagMs`): an installation's own, so that many
   * installations' minutely jobs do not all run at the minute's first second. Default 0.
   */
  lagMs?: number;
  /** Why Slack takes no call from the app now (the app uninstalled, its token revoked), or undefined while it does. */
  slackCutOff?: () => string | undefined;
  /**
   * Reads again, just before a job that calls Slack runs, what `slackCutOff` then says: another process on the
   * database may have been told. None: `slackCutOff` is always current.
   */
  refreshCutOff?: () => Promise<unknown>;
  /**
   * Claims of the slots, so that each runs once across processes: a tick claims the cron slot it stands for, a
   * catch-up the slot it catches up on (a start-time run and `runNow` claim nothing). None: every slot runs here.
   */
  claims?: SlotClaims;
  /** The process's one hub of ticks, which every installation's scheduler shares (default: one of its own). */
  ticks?: TickHub;
}

/** What the runs of a job pass through: the Slack pause, and the catch-up once it ends. */
interface Gate {
  /** Whether `job` may run now (no: held while Slack takes no calls), as last known. */
  allows(job: JobSpec): boolean;
  /** `allows`, with the cut-off read again first for a job that calls Slack: asked right before a run. */
  confirms(job: JobSpec): Promise<boolean>;
  /**
   * After a pause: the jobs it held catch up as at start, but `except` (about to run anyway). Undefined when there is
   * nothing to catch up on; else settles once the at-start runs have, with the catch-ups begun.
   */
  resume(except: string): Promise<Promise<void>[]> | undefined;
}

/**
 * The scheduled jobs (response-window sweep, metrics refresh, weekly digest) through one helper: the ticks come when a
 * slot of node-cron's reading of the schedule comes round on the wall clock, planned again when that clock steps
 * (cronTicks.ts: a step back must not hold every job for the size of the step), the injected clock says what time a
 * run stands for, each run is tracked as background work (so stop waits for it) and logged when it fails, and a job
 * can catch up at start on the slot it missed while the app was down. A job that calls Slack is held while Slack
 * takes no call from the app (slackPause.ts), and catches up the same way once it does again.
 */
export function createScheduler(jobs: readonly JobSpec[], deps: SchedulerDeps): Scheduler {
  let ticks: CronTicks | undefined;
  /** Jobs whose tick is still running: a slot that comes round meanwhile is skipped (no overlap). */
  const busy = new Set<string>();
  let caughtUp: Promise<void> = Promise.resolve();
  const byName = new Map(jobs.map((job) => [job.name, job]));
  const jobNamed = (name: string): JobSpec => {
    const job = byName.get(name);
    if (!job) throw new Error(`no scheduled job named ${name}`);
    return job;
  };
  const lastSlot = (name: string, at: Date, withinMs: number) =>
    latestSlot(deps.logger, jobNamed(name), at, withinMs);
  const pausable = jobs.filter((job) => job.callsSlack).map((job) => job.name);
  const pause = createSlackPause(deps.slackCutOff, pausable, deps.logger);
  const gate: Gate = {
    allows: (job) => pause.allows(job),
    async confirms(job) {
      if (job.callsSlack) await deps.refreshCutOff?.();
      return pause.allows(job);
    },
    resume(except) {
      const held = new Set(pause.ended());
      held.delete(except);
      if (held.size === 0) return undefined;
      return runAtStart(
        jobs.filter((job) => held.has(job.name)),
        deps,
        gate,
        lastSlot,
      );
    },
  };

  return {
    async start() {
      ticks = startTicks(jobs, deps, busy, gate);
      const catchUps = await runAtStart(jobs, deps, gate, lastSlot);
      caughtUp = Promise.all(catchUps).then(() => undefined);
    },
    get caughtUp() {
      return caughtUp;
    },
    async runNow(name, slot) {
      const job = jobNamed(name);
      // Nothing to catch up on (the usual case): the run is tracked at once, as a tick's is.
      const resumed = gate.resume(name);
      if (resumed) await Promise.all(await resumed);
      if (!gate.allows(job)) return;
      const at = slot ?? deps.clock.now();
      await deps.background.track(
        runOnce(deps.logger, job, at, false, { claims: undefined, slot: at, gate }),
      );
    },
    async stop() {
      ticks?.stop();
      ticks = undefined;
    },
    lastSlot,
    jobNames: jobs.map((job) => job.name),
  };
}

/**
 * The slot a run claims first (`claims` of the scheduler's deps), and the time the claimed slot stands for; and the
 * gate asked again right before (a tick's quick look at the pause may be a few seconds old).
 */
interface Claimed {
  claims: SlotClaims | undefined;
  slot: Date;
  gate?: Pick<Gate, 'confirms'>;
  /** The scheduler ticked this slot or a later one before: the wall clock stepped back (SlotClaims `again`). */
  again?: boolean;
  /** A tick: the job's `due` is asked first. */
  tick?: boolean;
}

function runOnce(
  logger: Logger,
  job: JobSpec,
  slot: Date,
  catchingUp = false,
  claimed?: Claimed,
): Promise<void> {
  // A job's run can wait for a request: on Postgres it takes the background pool's connections (db/priority.ts).
  return asBackground(() => runClaimed(logger, job, slot, catchingUp, claimed));
}

async function runClaimed(
  logger: Logger,
  job: JobSpec,
  slot: Date,
  catchingUp: boolean,
  claimed: Claimed | undefined,
): Promise<void> {
  try {
    // Only a job that calls Slack waits for the read: local work starts at once, as before.
    // Nothing to do: not even the cut-off is read again.
    if (claimed?.tick && job.due && !(await job.due())) return;
    if (job.callsSlack && claimed?.gate && !(await claimed.gate.confirms(job))) return;
    if (claimed?.claims && !(await claimed.claims.claim(job, claimed.slot, claimed.again))) {
      logger.debug(
        { job: job.name, slot: claimed.slot },
        `${job.name}: this slot ran, or runs, in another process`,
      );
      return;
    }
    await (catchingUp && job.catchUp ? job.catchUp(slot) : job.run(slot));
    await claimed?.claims?.finish(job, claimed.slot);
  } catch (error) {
    logger.error({ err: error, job: job.name }, `${job.name} failed`);
  }
}

/**
 * Each job's ticks: a tick that comes while the job's last one still runs is skipped (`busy`), and so is one while
 * the gate holds the job. Any tick first lets the jobs a pause held catch up, once it has ended. A tick of a slot
 * not after the latest this job ticked is one the wall clock lives again (it stepped back): claimed as such.
 */
function startTicks(jobs: readonly JobSpec[], deps: SchedulerDeps, busy: Set<string>, gate: Gate): CronTicks {
  const latest = new Map<string, number>();
  const hub = deps.ticks ?? createTickHub({ timers: deps.timers ?? realTimers, logger: deps.logger });
  return hub.start(
    jobs.map((job) => ({
      name: job.name,
      schedule: job.schedule,
      timeZone: job.timeZone ?? localZone(),
      ...(deps.lagMs ? { lagMs: deps.lagMs } : {}),
      tick(cronSlot) {
        const before = latest.get(job.name);
        const again = before !== undefined && cronSlot.getTime() <= before;
        latest.set(job.name, Math.max(before ?? cronSlot.getTime(), cronSlot.getTime()));
        void gate.resume(job.name);
        if (!gate.allows(job)) return;
        if (busy.has(job.name)) {
          deps.logger.warn({ job: job.name }, `${job.name} still running: this slot is skipped`);
          return;
        }
        busy.add(job.name);
        void deps.background
          .track(
            runOnce(deps.logger, job, deps.clock.now(), false, {
              claims: job.perProcess ? undefined : deps.claims,
              slot: cronSlot,
              gate,
              again,
              tick: true,
            }),
          )
          .finally(() => busy.delete(job.name));
      },
    })),
  );
}

/**
 * The start-time runs (also of the jobs a Slack pause held, once it ends): awaited for `atStart: 'run'`; the
 * catch-ups begun in the background, returned.
 */
async function runAtStart(
  jobs: readonly JobSpec[],
  deps: SchedulerDeps,
  gate: Pick<Gate, 'allows' | 'confirms'>,
  lastSlot: (name: string, at: Date, withinMs: number) => Date | undefined,
): Promise<Promise<void>[]> {
  const catchUps: Promise<void>[] = [];
  for (const job of jobs) {
    if (!job.atStart || !gate.allows(job)) continue;
    if (job.atStart === 'run') {
      const now = deps.clock.now();
      await deps.background.track(
        runOnce(deps.logger, job, now, false, { claims: undefined, slot: now, gate }),
      );
    } else {
      const slot = lastSlot(job.name, deps.clock.now(), job.atStart.catchUpWithinMs);
      if (slot) {
        deps.logger.info({ job: job.name, slot }, 'catching up on the latest scheduled run');
        // In the background: a digest takes seconds (figures, chart, upload), and the start must not wait.
        catchUps.push(
          deps.background.track(runOnce(deps.logger, job, slot, true, { claims: deps.claims, slot, gate })),
        );
      }
    }
  }
  return catchUps;
}

/**
 * The latest slot at or before `at`: cron-parser walks the schedule backwards (node-cron cannot), and each candidate
 * is checked with node-cron's own matcher, which fires the ticks (the two read a day-of-month and day-of-week
 * combination differently). Undefined when there is none within `withinMs`, or cron-parser cannot read a schedule
 * node-cron accepts (then there is no catch-up, and the log says so).
 */
export function latestSlot(logger: Logger, job: JobSpec, at: Date, withinMs: number): Date | undefined {
  const walker = walkerOf(job.schedule, job.timeZone ?? localZone());
  if ('error' in walker) {
    logger.warn(
      { err: walker.error, job: job.name, schedule: job.schedule },
      'no catch-up: schedule not understood',
    );
    return undefined;
  }
  const { fires, walk } = walker;
  // `prev()` is strictly before the date it starts from: a slot exactly at `at` counts, so start just after it.
  walk.reset(new Date(at.getTime() + 1));
  const earliest = at.getTime() - withinMs;
  for (let tries = 0; tries < 10_000; tries += 1) {
    const slot = walk.prev().toDate();
    if (slot.getTime() < earliest) return undefined;
    if (fires.match(slot)) return slot;
  }
  return undefined;
}

/** The process's own zone, for a job that names none (read once: building an Intl.DateTimeFormat is not cheap). */
let processZone: string | undefined;
const localZone = (): string => {
  processZone ??= Intl.DateTimeFormat().resolvedOptions().timeZone;
  return processZone;
};

type Walker = { fires: ScheduledTask; walk: CronExpression } | { error: unknown };

/**
 * A schedule's matcher and backward walk, made once per schedule and zone for the process (every installation's
 * digest asks for its latest slot each minute): the walk is reset before each use, and used synchronously.
 */
const walkers = new Map<string, Walker>();
function walkerOf(schedule: string, timeZone: string): Walker {
  const key = `${schedule}\u0000${timeZone}`;
  let walker = walkers.get(key);
  if (!walker) {
    try {
      const walk = CronExpressionParser.parse(schedule, { tz: timeZone });
      const fires = cron.createTask(schedule, () => undefined, { timezone: timeZone });
      // Out of node-cron's registry at once (it keeps every task it creates until destroyed): only its matcher is
      // used, which a destroyed task keeps.
      fires.destroy();
      walker = { fires, walk };
    } catch (error) {
      walker = { error };
    }
    walkers.set(key, walker);
  }
  return walker;
}
