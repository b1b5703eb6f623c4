import { setImmediate as nextTurn } from 'node:timers/promises';
import { dueHeads } from '../db/repositories/outbox.js';
import { realTimers, type TimerHandle, type Timers } from '../runtime/timers.js';
import { ClockWatch } from './clockWatch.js';
import { Delivery } from './delivery.js';
import { DELIVERY_KINDS } from './kinds/table.js';
import { Pacing } from './pacing.js';
import type { OutboxWorkerOptions } from './types.js';

const BATCH = 20;
/** How long a wake-up after a commit waits for more commits to deliver with it. */
const WAKE_COALESCE_MS = 5;

/**
 * Delivers outbox rows after their transaction committed: one conversation at a time and in order, paced per
 * channel, retried with exponential backoff (honouring Retry-After). Survives restarts because every attempt is
 * recorded in the row. This is the loop: when to look for due rows. One delivery is outbox/delivery.ts.
 */
export class OutboxWorker {
  private timer: TimerHandle | undefined;
  private wakeTimer: TimerHandle | undefined;
  private wakeDue = 0;
  private wakeSoon: TimerHandle | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = true;
  private readonly timers: Timers;
  private readonly clock: ClockWatch;
  private readonly pacing: Pacing;
  private readonly delivery: Delivery;

  constructor(
    private readonly opts: OutboxWorkerOptions & {
      /**
       * While true, nothing is delivered: every row stays pending as it is (not tried, not parked) and goes out once
       * it is false again. Slack uninstalled the app or revoked its token (runtime/health.ts `SlackConnection.revoked`).
       */
      paused?: () => boolean;
    },
  ) {
    const timers = opts.timers ?? realTimers;
    this.timers = timers;
    this.clock = new ClockWatch(opts);
    this.pacing = new Pacing({
      clock: opts.clock,
      timers,
      channelIntervalMs: opts.channelIntervalMs,
      uncertainWaitMs: opts.uncertainWaitMs,
      wakeAt: (ms) => this.wakeAt(ms),
    });
    const { db, client, logger, surfaces, homes, crm } = opts;
    this.delivery = new Delivery({
      ...opts,
      pacing: this.pacing,
      timers,
      wallNow: () => timers.now(),
      turn: opts.turn ?? (() => nextTurn()),
      ctx: { db, client, logger, timers, fetch: opts.fetch ?? fetch, surfaces, homes, crm },
    });
  }

  start(): void {
    this.stopped = false;
    this.timer = this.timers.setInterval(() => this.kick(), this.opts.pollIntervalMs);
    this.timer.unref?.();
    this.kick();
  }

  /**
   * After a commit that wrote to the outbox: deliver soon. Commits within a few milliseconds share one look for
   * what is due: under load, one look per Accept was a tenth of the app's CPU, for rows a later look finds anyway.
   */
  wake(): void {
    if (this.stopped || this.wakeSoon) return;
    this.wakeSoon = this.timers.setTimeout(() => {
      this.wakeSoon = undefined;
      this.kick();
    }, WAKE_COALESCE_MS);
  }

  /** Deliver what is due now. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain()
      .catch((error) => this.opts.logger.error({ err: error }, 'outbox drain failed'))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Resolves once no delivery is in progress (tests step time, then wait for what it set off). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Stops taking new work and waits for deliveries in flight. */
  async stop(): Promise<void> {
    // A wake-up still waiting for company starts now, as it did before coalescing: what was just committed goes out.
    if (this.wakeSoon) {
      this.timers.clearTimeout(this.wakeSoon);
      this.wakeSoon = undefined;
      this.kick();
    }
    this.stopped = true;
    this.timers.clearInterval(this.timer);
    this.timers.clearTimeout(this.wakeTimer);
    await this.running;
  }

  private async drain(): Promise<void> {
    for (;;) {
      if (this.opts.paused?.()) return;
      const now = await this.clock.now();
      const due = await dueHeads(this.opts.db, now, BATCH, this.pacing.pacedChannels());
      const heads = due.filter((row) => this.pacing.paced(row, DELIVERY_KINDS[row.method]));
      if (heads.length === 0 || this.stopped) return;
      await Promise.all(heads.map((row) => this.delivery.deliver(row)));
    }
  }

  /** Schedules a drain in `ms` unless one is already scheduled sooner. */
  private wakeAt(ms: number): void {
    const due = this.timers.monotonic() + ms;
    if (this.wakeTimer && this.wakeDue <= due) return;
    this.timers.clearTimeout(this.wakeTimer);
    this.wakeDue = due;
    this.wakeTimer = this.timers.setTimeout(() => {
      this.wakeTimer = undefined;
      this.kick();
    }, ms);
    this.wakeTimer.unref?.();
  }
}
