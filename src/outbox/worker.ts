import { setImmediate as nextTurn } from 'node:timers/promises';
import { asBackground } from '../db/priority.js';
import { dueHeads, lockDueHeads, type OutboxRow } from '../db/repositories/outbox.js';
import { processHolder } from '../runtime/jobClaims.js';
import { realTimers, type TimerHandle, type Timers } from '../runtime/timers.js';
import { ClockWatch } from './clockWatch.js';
import { Delivery } from './delivery.js';
import { DELIVERY_KINDS, isMethodLimit } from './kinds/table.js';
import { ConversationLeases } from './leases.js';
import { Pacing } from './pacing.js';
import type { OutboxWorkerOptions } from './types.js';

const BATCH = 20;
/** Rows of local kinds (no Slack call) delivered in one transaction at most: holding the writer about 2 ms. */
export const LOCAL_BATCH = 4;
/** OUTBOX_LEASE_MS's default: how long a claim holds a conversation for this process. */
export const DEFAULT_LEASE_MS = 60_000;
/**
 * How long a wake-up after a commit waits for more commits to deliver with it: the least, and the most it grows to
 * while the looks find nothing to deliver (see `wake`). 20 ms rather than 5: each look walks every waiting row that is
 * due, so fewer looks with more to deliver in each cost less (5-10% of an Accept's CPU, bench/README.md), and a Slack
 * message 15 ms later is nothing a person sees.
 */
const WAKE_COALESCE_MS = 20;
const WAKE_COALESCE_MAX_MS = 40;

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
  /** The current wait of a wake-up after a commit (see `wake`). */
  private wakeDelayMs = WAKE_COALESCE_MS;
  private stopped = true;
  private readonly timers: Timers;
  private readonly clock: ClockWatch;
  private readonly pacing: Pacing;
  private readonly delivery: Delivery;
  private readonly leases: ConversationLeases;

  constructor(
    private readonly opts: OutboxWorkerOptions & {
      /**
       * While true, nothing is delivered: every row stays pending as it is (not tried, not parked) and goes out once
       * it is false again. Slack uninstalled the app or revoked its token (runtime/health.ts `SlackConnection.revokedNow`).
       */
      paused?: () => boolean | Promise<boolean>;
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
    this.leases = new ConversationLeases({
      db,
      timers,
      logger,
      holder: opts.holder ?? processHolder(),
      leaseMs: opts.leaseMs ?? DEFAULT_LEASE_MS,
      ...(opts.leaseNow ? { leaseNow: opts.leaseNow } : {}),
      wakeAt: (ms) => this.wakeAt(ms),
    });
    this.delivery = new Delivery({
      ...opts,
      pacing: this.pacing,
      timers,
      wallNow: () => timers.now(),
      turn: opts.turn ?? (() => nextTurn()),
      ctx: {
        db,
        client,
        logger,
        timers,
        fetch: opts.fetch ?? fetch,
        surfaces,
        homes,
        crm,
        ...(opts.deliverySecret ? { deliverySecret: opts.deliverySecret } : {}),
      },
    });
  }

  /**
   * Looks now, and then every `pollIntervalMs`; `{ poll: false }`: only when woken or kicked, because one look for
   * every installation of the process kicks this one when it has rows due (compose/sharedLooks.ts).
   */
  start({ poll = true }: { poll?: boolean } = {}): void {
    this.stopped = false;
    if (poll) {
      this.timer = this.timers.setInterval(() => this.kick(), this.opts.pollIntervalMs);
      this.timer.unref?.();
    }
    this.kick();
  }

  /**
   * After a commit that wrote to the outbox: deliver soon. Commits within 20 milliseconds share one look for
   * what is due: under load, one look per Accept was a tenth of the app's CPU, for rows a later look finds anyway.
   * While the looks find nothing to deliver (Slack holds a method back after a 429, every conversation with news is
   * paced, the rows are scheduled for later), the wait doubles, to 40 ms: a look then costs CPU for nothing, and
   * the wake-ups set for when the holds end deliver what waits. The first look that delivers brings it back to 20 ms.
   */
  wake(): void {
    if (this.stopped || this.wakeSoon) return;
    this.wakeSoon = this.timers.setTimeout(() => {
      this.wakeSoon = undefined;
      this.kick();
    }, this.wakeDelayMs);
  }

  /** Deliver what is due now. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    // Work that can wait: on Postgres its transactions take the background pool's connections, never a request's.
    this.running = asBackground(() => this.drain())
      .then((tried) => {
        this.wakeDelayMs =
          tried > 0 ? WAKE_COALESCE_MS : Math.min(this.wakeDelayMs * 2, WAKE_COALESCE_MAX_MS);
      })
      .catch((error) => this.opts.logger.error({ err: error }, 'outbox drain failed'))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /**
   * The methods waiting out a 429 now (or for the answer of the first row sent after one): their due rows are not
   * looked at until then. What a test's `quiet` leaves out, as the worker's looks do.
   */
  heldMethods(): string[] {
    return this.pacing.heldLimits().filter(isMethodLimit);
  }

  /**
   * Every limit holding its rows back now, a CRM's (`crm:<system>`) too: the worker looks at a CRM's due rows but
   * does not send them until its 429's wait ends (pacing alone holds them). What a test's `quiet` leaves out.
   */
  heldLimits(): string[] {
    return this.pacing.heldLimits();
  }

  /** A wake-up after a commit is waiting to look (`wake`): what was just written is not looked at yet. */
  wakePending(): boolean {
    return this.wakeSoon !== undefined;
  }

  /**
   * How many conversations have a message due now that a later look of this worker will deliver: their head is due by
   * the business clock and no limit holds it (a 429's wait, a CRM's); a conversation paced after its last post counts
   * (its wake-up delivers it). None while delivery is paused (the app uninstalled). What `idle` alone does not wait
   * for: a look that delivered one post to a conversation leaves its next to the pacing's wake-up.
   */
  async dueNow(): Promise<number> {
    if (await this.opts.paused?.()) return 0;
    const held = new Set(this.pacing.heldLimits());
    const due = await dueHeads(
      this.opts.db,
      await this.clock.now(),
      BATCH,
      [],
      [...held].filter(isMethodLimit),
    );
    return due.filter((row) => !held.has(DELIVERY_KINDS[row.method].limitKey(row))).length;
  }

  /** Resolves once no delivery is in progress (tests step time, then wait for what it set off). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Stops taking new work, waits for deliveries in flight, and gives up this process's conversations. */
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
    await this.leases.release();
  }

  /** Delivers what is due until a look finds nothing more; returns how many rows it tried. */
  private async drain(): Promise<number> {
    let tried = 0;
    for (;;) {
      if (await this.opts.paused?.()) return tried;
      const now = await this.clock.now();
      const { rows, refused } = await this.claimDue(now);
      const heads = rows.filter((row) => this.pacing.paced(row, DELIVERY_KINDS[row.method]));
      if (this.stopped) return tried;
      // Nothing to deliver here, unless conversations found held by another process hid what else is due.
      if (heads.length === 0 && refused === 0) return tried;
      tried += heads.length;
      const local = heads.filter((row) => DELIVERY_KINDS[row.method].writes);
      const calls = heads.filter((row) => !DELIVERY_KINDS[row.method].writes);
      const groups = Array.from({ length: Math.ceil(local.length / LOCAL_BATCH) }, (_, i) =>
        local.slice(i * LOCAL_BATCH, (i + 1) * LOCAL_BATCH),
      );
      // The groups one after the other (each holds the one writer anyway), in the look's order.
      const writes = (async () => {
        for (const rows of groups) await this.delivery.deliverWrites(rows);
      })();
      await Promise.all([writes, ...calls.map((row) => this.delivery.deliver(row))]);
    }
  }

  /**
   * The due heads of the conversations this process holds (outbox/leases.ts), leaving out the paced ones and those
   * another process holds. A look that finds only conversations held with more than half a lease left is a read; any
   * other is one transaction that reads the heads again, locking them on Postgres (skipping those another replica's
   * claim locked), and claims their conversations. `refused`: how many it found held by another process.
   */
  private async claimDue(now: Date): Promise<{ rows: OutboxRow[]; refused: number }> {
    const { db } = this.opts;
    const skip = [...this.pacing.pacedChannels(), ...this.leases.heldElsewhere()];
    const methods = this.pacing.heldLimits().filter(isMethodLimit);
    const due = await dueHeads(db, now, BATCH, skip, methods);
    if (this.opts.alone || due.every((row) => this.leases.fresh(row.channelKey)))
      return { rows: due, refused: 0 };
    return db.transaction(async (tx) => {
      const locked = await lockDueHeads(tx, now, BATCH, skip, methods);
      const { held, refused } = await this.leases.claim(
        tx,
        locked.map((row) => row.channelKey),
      );
      return { rows: locked.filter((row) => held.has(row.channelKey)), refused };
    });
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
