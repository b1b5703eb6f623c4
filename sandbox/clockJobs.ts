/**
 * The app's scheduled jobs (the response-window sweep, the metrics refresh, the weekly digest) on the sandbox clock.
 *
 * In production node-cron fires each job when its slot comes round in real time. The sandbox clock runs ahead of
 * real time by the days the clock control added, so real-time ticks would fire the weekly digest on the wrong day,
 * or never while someone is trying the sandbox. The sandbox therefore stops the scheduler's timers and fires the jobs
 * itself, through the scheduler's own `lastSlot` (the same cron matching as the ticks) and `runNow` (the same
 * logging and background tracking):
 * - every second, the slots the sandbox clock passed since the last look, as the ticks would have fired them;
 * - when the clock control moves the clock days ahead, every slot on the way, in time order: the clock is moved to
 *   each slot of a job that runs seldom in that stretch (the digest's Monday 09:00) and that job runs there, after a
 *   run of the frequent jobs (the minute-by-minute sweep and metrics refresh), so the digest sees what was due by
 *   then. The frequent jobs also run at each moment something in the app falls due on the way (a window's end, a
 *   reminder, an escalation step, a scheduled post: `AppTimes.nextDue`), with the clock there, and the outbox lets
 *   out what they queued before the clock moves on; so an expiry due Friday 09:00 is told on Friday at 09:00. They
 *   run once more at the end, as a catch-up would: each of their runs does all that is due.
 */
import type { Scheduler } from '../src/runtime/scheduler.js';

/** A clock the sandbox can move forward. */
export interface MovableClock {
  now(): Date;
  advance(ms: number): void;
}

/** One run of a job, for the slot it stands for. */
export interface JobRun {
  job: string;
  slot: Date;
}

type Jobs = Pick<Scheduler, 'jobNames' | 'lastSlot' | 'runNow'>;

/** What the sandbox knows of the app between runs: when something is next due, and how to let its posts go out. */
export interface AppTimes {
  /** The earliest time after `after` at which something is due (a window's end, a reminder, a scheduled post). */
  nextDue(after: Date): Promise<Date | undefined>;
  /** Resolves once what the jobs just queued was delivered (the outbox's due messages). */
  settle(): Promise<void>;
}

/** The app's outbox worker, as a move of the clock waits for it (src/outbox/worker.ts). */
export interface SettlingOutbox {
  kick(): void;
  idle(): Promise<void>;
  /** A wake-up after a commit waits to look: what was just written is not looked at yet. */
  wakePending(): boolean;
  /** Conversations with a message due now that a later look delivers (a paced one included; a 429's wait not). */
  dueNow(): Promise<number>;
}

/**
 * Resolves once the outbox has delivered everything due by the sandbox clock, before the clock moves on. One look is
 * not enough: posts to one conversation go out a second apart (Slack's pace), so of two reminders due at one moment in
 * Jordan's DM the look delivers the first and leaves the second to the wake-up its pacing set; the clock then moved on
 * and the second was posted at the end of the move, a day later (issue 50 item 21). So it looks again, as the
 * wake-ups come, until nothing is due, waiting in real time what the pacing asks (a second or so): the sandbox clock
 * runs on real time between moves anyway. A method waiting out a 429 is left out (its posts go when Slack says), and
 * after `maxMs` it gives up and lets the move go on, as a look that found Slack slow would.
 */
export async function settleOutbox(
  outbox: SettlingOutbox,
  opts: { pollMs?: number; maxMs?: number } = {},
): Promise<void> {
  const deadline = Date.now() + (opts.maxMs ?? 30_000);
  for (;;) {
    outbox.kick();
    await outbox.idle();
    if (!outbox.wakePending() && (await outbox.dueNow()) === 0) return;
    if (Date.now() > deadline) return;
    await new Promise((resolve) => setTimeout(resolve, opts.pollMs ?? 25));
  }
}

/** Due moments stepped through in one move at most (a fortnight of a busy sandbox has a few hundred). */
const MAX_DUE_STEPS = 2000;

/** A job with more slots than this in one stretch runs every few minutes: it runs at the steps and at the end. */
const FREQUENT_ABOVE = 64;

export class ClockJobs {
  /** Every slot up to this sandbox time (ms) has run. */
  private doneUpTo: number;
  private queue: Promise<unknown> = Promise.resolve();
  private ticking = false;
  private timer: NodeJS.Timeout | undefined;
  /** The latest 200 runs, oldest first (for tests, and for a look from a debugger). */
  readonly runs: JobRun[] = [];

  constructor(
    private readonly jobs: Jobs,
    private readonly clock: MovableClock,
    private readonly app?: AppTimes,
  ) {
    this.doneUpTo = clock.now().getTime();
  }

  /** Looks every `everyMs` for slots the sandbox clock has passed, and runs them. */
  start(everyMs = 1000): void {
    this.timer ??= setInterval(() => {
      if (this.ticking) return;
      this.ticking = true;
      void this.serially(() => this.runUpTo(this.clock.now().getTime())).finally(() => {
        this.ticking = false;
      });
    }, everyMs);
    this.timer.unref();
  }

  /** Stops looking; resolves once the runs under way have finished. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.queue;
  }

  /**
   * Moves the clock forward to `target` (never back), running on the way every slot that passed, in time order, as
   * described above. Resolves with the runs, once they have finished.
   */
  advanceTo(target: Date): Promise<JobRun[]> {
    return this.serially(() => this.runUpTo(target.getTime()));
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** The slots of a job in (after, upTo], oldest first; undefined when there are more than FREQUENT_ABOVE. */
  private slots(job: string, after: number, upTo: number): Date[] | undefined {
    const found: Date[] = [];
    for (let at = upTo; at > after && found.length <= FREQUENT_ABOVE; ) {
      const slot = this.jobs.lastSlot(job, new Date(at), at - after - 1);
      if (!slot) break;
      found.push(slot);
      at = slot.getTime() - 1;
    }
    return found.length > FREQUENT_ABOVE ? undefined : found.reverse();
  }

  private async runUpTo(target: number): Promise<JobRun[]> {
    const from = this.doneUpTo;
    if (target <= from) return [];
    const order = this.jobs.jobNames;
    const frequent: string[] = [];
    const seldom: JobRun[] = [];
    for (const job of order) {
      const slots = this.slots(job, from, target);
      if (slots === undefined) frequent.push(job);
      else seldom.push(...slots.map((slot) => ({ job, slot })));
    }
    // In time order; at one moment, in the order the app lists its jobs (the sweep before the digest).
    seldom.sort((a, b) => a.slot.getTime() - b.slot.getTime() || order.indexOf(a.job) - order.indexOf(b.job));
    const ran: JobRun[] = [];
    const frequentDone = new Map(frequent.map((job) => [job, from]));
    const run = async (job: string, slot: Date) => {
      await this.jobs.runNow(job, slot);
      ran.push({ job, slot });
      this.runs.push({ job, slot });
      if (this.runs.length > 200) this.runs.splice(0, this.runs.length - 200);
    };
    /** The frequent jobs, at their latest slot up to `at`, unless they ran for it already. */
    const runFrequent = async (at: number) => {
      for (const job of frequent) {
        const done = frequentDone.get(job) ?? from;
        const slot = at > done ? this.jobs.lastSlot(job, new Date(at), at - done - 1) : undefined;
        if (!slot) continue;
        await run(job, slot);
        frequentDone.set(job, slot.getTime());
      }
    };
    let steps = 0;
    /**
     * The frequent jobs at each moment something falls due up to `end` (each rounded up to the minute the jobs run
     * at), so an expiry due Friday 09:00 is recorded, told and escalated on Friday at 09:00.
     */
    const stepThroughDue = async (end: number) => {
      for (let due = await this.app?.nextDue(this.clock.now()); due && steps < MAX_DUE_STEPS; steps += 1) {
        const at = Math.ceil(due.getTime() / 60_000) * 60_000;
        if (at >= end) return;
        this.moveTo(at);
        await runFrequent(at);
        await this.app?.settle();
        due = await this.app?.nextDue(new Date(Math.max(at, this.clock.now().getTime())));
      }
    };
    for (const { job, slot } of seldom) {
      await stepThroughDue(slot.getTime());
      this.moveTo(slot.getTime());
      await runFrequent(slot.getTime());
      await run(job, slot);
      await this.app?.settle();
      this.doneUpTo = slot.getTime();
    }
    await stepThroughDue(target);
    this.moveTo(target);
    await runFrequent(target);
    await this.app?.settle();
    this.doneUpTo = target;
    return ran;
  }

  private moveTo(at: number): void {
    const now = this.clock.now().getTime();
    if (at > now) this.clock.advance(at - now);
  }
}
