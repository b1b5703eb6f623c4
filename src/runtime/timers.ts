/**
 * Real elapsed time, injected: what the outbox paces by (Slack's rate limits are per real second), how long it waits
 * before looking for a post whose answer was lost, and Slack's own clock (message timestamps are real time). The
 * business clock (`Clock`) is a different thing: due dates, windows, what the database stamps. Tests give a
 * `Timers` they can step; production uses the process's own.
 */
export interface Timers {
  /** Epoch milliseconds, real time: Slack's clock, and waits that must survive a restart (stored in the database). */
  now(): number;
  /** Milliseconds on a clock that only moves forward (pacing gaps, wake-ups): a wall-clock step cannot stretch them. */
  monotonic(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle | undefined): void;
  setInterval(fn: () => void, ms: number): TimerHandle;
  clearInterval(handle: TimerHandle | undefined): void;
}

export interface TimerHandle {
  unref?(): unknown;
}

export const realTimers: Timers = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout | undefined),
  setInterval: (fn, ms) => setInterval(fn, ms),
  clearInterval: (handle) => clearInterval(handle as NodeJS.Timeout | undefined),
};
