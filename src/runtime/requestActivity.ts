import { realTimers, type TimerHandle, type Timers } from './timers.js';

/**
 * Requests first. The receiver counts the Slack requests it is answering (from their headers to their answer), and
 * background work that can wait (the outbox's deliveries: rendering a message, encoding and sending it, recording it)
 * asks for a turn before each step. A turn is given in its own turn of the event loop, one waiter at a time, and only
 * while no request is being answered; a waiter that has waited `maxWaitMs` gets its turn anyway, so a steady stream
 * of clicks slows delivery down but never stops it.
 *
 * Without it the outbox ran its deliveries side by side (up to a batch of 20, about 2 to 4 ms of CPU each) while
 * clicks arrived, and each step of a click (body, signature, decision, commit, ack) queued behind them: at 200
 * Accepts a second, an Accept's p99 was well over 100 ms with delivery running.
 */
export class RequestActivity {
  private inFlight = 0;
  private readonly waiters: { since: number; resolve: () => void }[] = [];
  private pumpScheduled = false;
  private overdueTimer: TimerHandle | undefined;

  constructor(
    private readonly maxWaitMs = DEFAULT_MAX_WAIT_MS,
    /** The real time it waits on (tests step it). */
    private readonly timers: Pick<Timers, 'monotonic' | 'setTimeout'> = realTimers,
  ) {}

  /** A request started; call the returned function when it is answered or gone (calling it again does nothing). */
  begin(): () => void {
    this.inFlight += 1;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.inFlight -= 1;
      if (this.inFlight === 0) this.schedulePump();
    };
  }

  /** Requests being answered now. */
  get busy(): number {
    return this.inFlight;
  }

  /** Resolves in a later turn of the event loop, once no request is being answered (or after `maxWaitMs`). */
  turn(): Promise<void> {
    return new Promise((resolve) => {
      this.waiters.push({ since: this.timers.monotonic(), resolve });
      this.schedulePump();
    });
  }

  private schedulePump(): void {
    if (this.pumpScheduled || this.waiters.length === 0) return;
    this.pumpScheduled = true;
    // After the event loop's poll phase: requests whose headers just arrived are counted before a turn is given.
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    const first = this.waiters[0];
    if (!first) return;
    const waited = this.timers.monotonic() - first.since;
    if (this.inFlight > 0 && waited < this.maxWaitMs) {
      // Requests are being answered: the last one to end pumps again; the timer gives the oldest waiter its turn late.
      if (!this.overdueTimer) {
        this.overdueTimer = this.timers.setTimeout(() => {
          this.overdueTimer = undefined;
          this.schedulePump();
        }, this.maxWaitMs - waited);
        this.overdueTimer.unref?.();
      }
      return;
    }
    this.waiters.shift();
    first.resolve();
    // One waiter per turn: the next one waits for the loop to come round (and for requests that arrived meanwhile).
    this.schedulePump();
  }
}

/** How late a delivery step may be given its turn while requests keep arriving. */
export const DEFAULT_MAX_WAIT_MS = 100;
