import type { Clock } from '../clock.js';

/** How often at most the RevOps Homes are republished, on the app's clock. */
export const METRICS_FOLLOW_MS = 60_000;

export interface MetricsFollowDeps {
  clock: Clock;
  /** The newest handoff event's id (0 when there is none): a change to any handoff moves it. */
  latestEvent: () => Promise<number>;
  /** Queues a republish of the RevOps Homes opened lately, keyed by `token`; returns how many were queued. */
  queueHomes: (token: string, at: Date) => Promise<number>;
  onOutboxWrite: () => void;
}

/**
 * RevOps Homes follow the figures: called every minute by the scheduler (real time), it queues a republish of the
 * RevOps Homes when a handoff changed since the last republish, at most once a minute of the app's clock (tests and
 * the sandbox step that clock). The first minute after start counts from start, the events from those seen at start.
 */
export function createMetricsFollow(deps: MetricsFollowDeps): () => Promise<void> {
  const { clock } = deps;
  // The newest event at start, read now; the first follow awaits it (a failed read fails that follow, and is not an
  // unhandled rejection meanwhile).
  const atStart = deps.latestEvent();
  void atStart.catch(() => undefined);
  let seenEvent: number | undefined;
  let followedAt = clock.now().getTime();
  return async () => {
    if (clock.now().getTime() - followedAt < METRICS_FOLLOW_MS) return;
    seenEvent ??= await atStart;
    const latest = await deps.latestEvent();
    if (latest === seenEvent) return;
    seenEvent = latest;
    followedAt = clock.now().getTime();
    if ((await deps.queueHomes(String(latest), clock.now())) > 0) deps.onOutboxWrite();
  };
}
