import type { TimerHandle, Timers } from '../../src/runtime/timers.js';

interface Pending {
  id: number;
  at: number;
  fn: () => void;
  every?: number;
}

/**
 * Real time a test steps instead of waiting for: `advance(ms)` fires every timer due on the way, in order, letting
 * the I/O each one starts (a local HTTP call, a database write) run before the next. Handed to the outbox worker
 * as its `timers`, it tests production pacing and waits (a second per channel, 30 s before a lookup) in
 * milliseconds.
 */
export class SteppedTimers implements Timers {
  private current: number;
  /** How far the wall clock was stepped (NTP, an operator): `now` moves by it, `monotonic` does not. */
  private wallOffset = 0;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  /** Starts at the real time: Slack's clock (message timestamps, also the fake's) is real time too. */
  constructor(start = Date.now()) {
    this.current = start;
  }

  now(): number {
    return this.current + this.wallOffset;
  }

  monotonic(): number {
    return this.current;
  }

  /** Steps the wall clock (back when negative), as NTP or an operator would; timers and `monotonic` are unmoved. */
  stepWallClock(ms: number): void {
    this.wallOffset += ms;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    return this.add({ id: this.nextId++, at: this.current + Math.max(0, ms), fn });
  }

  setInterval(fn: () => void, ms: number): TimerHandle {
    return this.add({ id: this.nextId++, at: this.current + ms, fn, every: Math.max(1, ms) });
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    if (handle) this.pending.delete((handle as { id: number }).id);
  }

  clearInterval(handle: TimerHandle | undefined): void {
    this.clearTimeout(handle);
  }

  /** Timers still to fire, soonest first (milliseconds from now). */
  scheduled(): number[] {
    return [...this.pending.values()].map((p) => p.at - this.current).sort((a, b) => a - b);
  }

  /** Moves time forward by `ms`, firing what falls due; `settle` runs after each (e.g. wait for the worker). */
  async advance(ms: number, settle: () => Promise<void> = async () => undefined): Promise<void> {
    const target = this.current + ms;
    for (;;) {
      const next = [...this.pending.values()].sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!next || next.at > target) break;
      this.current = next.at;
      if (next.every) next.at += next.every;
      else this.pending.delete(next.id);
      next.fn();
      await settle();
    }
    this.current = target;
    await settle();
  }

  private add(p: Pending): TimerHandle {
    this.pending.set(p.id, p);
    return { id: p.id, unref: () => undefined } as TimerHandle;
  }
}
