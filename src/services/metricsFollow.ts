import type { Clock } from '../clock.js';

/** How often at most the RevOps Homes are republished, on the app's clock. */
export const METRICS_FOLLOW_MS = 60_000;

export interface MetricsFollowDeps {
  clock: Clock;
  /** The newest handoff event's id (0 when there is none): a change to any handoff moves it. */
  latestEvent: () => number;
  /** Queues a republish of the RevOps Homes opened lately, keyed by `token`; returns how many were queued. */
  queueHomes: (token: string, at: Date) => number;
  onOutboxWrite: () => void;
}

/**
 * RevOps Homes follow the figures: called every minute by the scheduler (real time), it queues a republish of the
 * RevOps Homes when a handoff changed since the last republish, at most once a minute of the app's clock (tests and
 * the sandbox step that clock). The first minute after start counts from start, the events from those seen at start.
 */
export function createMetricsFollow(deps: MetricsFollowDeps): () => void {
  const { clock } = deps;
  let seenEvent = deps.latestEvent();
  let followedAt = clock.now().getTime();
  return () => {
    if (clock.now().getTime() - followedAt < METRICS_FOLLOW_MS) return;
    const latest = deps.latestEvent();
    if (latest === seenEvent) return;
    seenEvent = latest;
    followedAt = clock.now().getTime();
    if (deps.queueHomes(String(latest), clock.now()) > 0) deps.onOutboxWrite();
  };
}
