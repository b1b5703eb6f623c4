import type { Clock } from '../clock.js';
import type { OutboxRow } from '../db/repositories/outbox.js';
import type { Timers } from '../runtime/timers.js';
import type { DeliveryKind } from './kinds/kind.js';

export interface PacingOptions {
  /** The business clock: a rate limit also ends once the clock the rows are scheduled on has passed its end. */
  clock: Clock;
  timers: Timers;
  /** Minimum gap between two paced deliveries to the same conversation. */
  channelIntervalMs: number;
  /** How long after an uncertain attempt its earlier copy may be looked for. */
  uncertainWaitMs: number;
  /** Schedules a drain in `ms` (the worker keeps only the soonest). */
  wakeAt: (ms: number) => void;
}

/**
 * The worker's waits in real elapsed time: one paced delivery per conversation per interval, a method held back after
 * a 429, an uncertain attempt left to settle before it is looked for. These use the monotonic clock, which a
 * wall-clock step cannot stretch or cut short. Kept in memory: a restart starts them afresh (marks are in the rows).
 */
export class Pacing {
  private readonly lastPostAt = new Map<string, number>();
  /** Uncertain posts waiting (monotonic ms) before their earlier copy is looked for. */
  private readonly notBefore = new Map<number, number>();
  /** When each uncertain post's mark was set (monotonic ms): the wait before looking for it counts from there. */
  private readonly markedAt = new Map<number, number>();
  /**
   * Slack rate-limits per method and workspace: after a 429 the whole method waits. The wait ends when its real
   * duration has passed (monotonic: a wall-clock step back cannot stretch it) or the clock the rows are scheduled on
   * has passed its end, whichever comes first.
   */
  private readonly blockedUntil = new Map<string, { monotonic: number; clock: number }>();
  /**
   * When a rate limit's wait ends, one row goes first and the rest of that limit wait for its answer: Slack may still
   * be limiting (a 429 again starts another wait), and a batch sent at once would only collect 429s, each rendered,
   * marked and recorded for nothing. The row being sent, by limit.
   */
  private readonly probes = new Map<string, number>();

  constructor(private readonly opts: PacingOptions) {}

  /**
   * False (and a wake-up scheduled) when this conversation got a paced delivery too recently, the row's rate limit
   * holds, or an uncertain attempt still waits before it is looked for.
   */
  paced(row: OutboxRow, kind: DeliveryKind): boolean {
    const now = this.opts.timers.monotonic();
    const waitUntil = this.notBefore.get(row.id);
    if (waitUntil !== undefined && waitUntil > now) {
      this.opts.wakeAt(waitUntil - now);
      return false;
    }
    const limit = kind.limitKey(row);
    // Another row is finding out whether this limit is over: its answer wakes the worker (`answered`).
    const probe = this.probes.get(limit);
    if (probe !== undefined && probe !== row.id) return false;
    const blocked = this.blockedUntil.get(limit);
    if (blocked !== undefined && blocked.monotonic > now && blocked.clock > this.opts.clock.now().getTime()) {
      this.opts.wakeAt(blocked.monotonic - now);
      return false;
    }
    const last = kind.paced ? this.lastPostAt.get(row.channelKey) : undefined;
    const wait = last === undefined ? 0 : last + this.opts.channelIntervalMs - now;
    if (wait > 0) {
      this.opts.wakeAt(wait);
      return false;
    }
    if (blocked !== undefined) {
      this.blockedUntil.delete(limit);
      this.probes.set(limit, row.id);
    }
    return true;
  }

  /**
   * A row's attempt is over, whatever came of it. If it was the first after a rate limit's wait, the rest of that
   * limit may go now (a 429 has started another wait meanwhile, which holds them).
   */
  answered(row: OutboxRow, kind: DeliveryKind): void {
    const limit = kind.limitKey(row);
    if (this.probes.get(limit) !== row.id) return;
    this.probes.delete(limit);
    this.opts.wakeAt(0);
  }

  /**
   * Conversations that got a paced delivery less than the interval ago (forgetting older ones), with a wake-up for
   * the first of them to become free again.
   */
  pacedChannels(): string[] {
    const now = this.opts.timers.monotonic();
    const paced: string[] = [];
    let soonest = Number.POSITIVE_INFINITY;
    for (const [channel, at] of this.lastPostAt) {
      const wait = at + this.opts.channelIntervalMs - now;
      if (wait <= 0) this.lastPostAt.delete(channel);
      else {
        paced.push(channel);
        soonest = Math.min(soonest, wait);
      }
    }
    if (paced.length > 0) this.opts.wakeAt(soonest);
    return paced;
  }

  /**
   * The limits holding their rows back now: waiting out a 429, or waiting for the answer of the first row sent after
   * one. The worker leaves out the rows of those that are methods (every Slack kind's limit), so that a backlog of one
   * method cannot fill its look and hide every other method's rows, or the local work of expanding a change.
   */
  heldLimits(): string[] {
    const now = this.opts.timers.monotonic();
    const clockNow = this.opts.clock.now().getTime();
    const held = new Set(this.probes.keys());
    for (const [limit, until] of this.blockedUntil)
      if (until.monotonic > now && until.clock > clockNow) {
        held.add(limit);
        // Its rows are not looked at until then: the worker looks again when the wait ends.
        this.opts.wakeAt(until.monotonic - now);
      }
    return [...held];
  }

  /**
   * The limits waiting out a 429 now, and when each wait ends on the business clock (the time the rows it holds were
   * rescheduled to). Not a limit waiting for its first row's answer: that may come at any moment.
   */
  waitingLimits(): { limit: string; until: Date }[] {
    const now = this.opts.timers.monotonic();
    const clockNow = this.opts.clock.now().getTime();
    const waiting: { limit: string; until: Date }[] = [];
    for (const [limit, until] of this.blockedUntil)
      if (until.monotonic > now && until.clock > clockNow)
        waiting.push({ limit, until: new Date(until.clock) });
    return waiting;
  }

  /** A paced delivery to this conversation is being made now. */
  sending(channelKey: string): void {
    this.lastPostAt.set(channelKey, this.opts.timers.monotonic());
  }

  /** After a 429: everything under this limit waits `retryAfterMs`, in real time or on the business clock. */
  block(limitKey: string, retryAfterMs: number, clockNow: Date): void {
    this.blockedUntil.set(limitKey, {
      monotonic: this.opts.timers.monotonic() + retryAfterMs,
      clock: clockNow.getTime() + retryAfterMs,
    });
  }

  /** An attempt is marked now (a mark already in the row keeps its own time). */
  marked(id: number): void {
    this.markedAt.set(id, this.opts.timers.monotonic());
  }

  /**
   * Whether an uncertain attempt, marked at `since`, has settled: true once `uncertainWaitMs` has passed since its
   * mark. Until then the row waits (in order, its conversation with it) and a wake-up is set for the end of the wait.
   * A mark set in this process is timed on the monotonic clock. A mark an earlier run left (a crash, a restart) is
   * dated by the wall clock, unless it is ahead of the wall clock (the clock stepped back since, so how long ago it
   * was is unknown): then it counts as set now, and the full wait runs.
   */
  settled(row: OutboxRow, since: Date): boolean {
    const { timers, uncertainWaitMs } = this.opts;
    let marked = this.markedAt.get(row.id);
    if (marked === undefined) {
      marked = timers.monotonic() - Math.max(0, timers.now() - since.getTime());
      this.markedAt.set(row.id, marked);
    }
    const settlesAt = marked + uncertainWaitMs;
    const now = timers.monotonic();
    if (now < settlesAt) {
      this.notBefore.set(row.id, settlesAt);
      this.opts.wakeAt(settlesAt - now);
      return false;
    }
    this.notBefore.delete(row.id);
    return true;
  }

  /** A row that is finished (or parked, or no longer uncertain): nothing to remember about its waits. */
  forget(id: number): void {
    this.notBefore.delete(id);
    this.markedAt.delete(id);
  }
}
