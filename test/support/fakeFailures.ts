/** Which requests an injected failure applies to: a method and a path (exact, or a RegExp), or every request. */
export type FailureMatch = { method?: string; path?: RegExp | string } | '*';

/**
 * The failures injected into a fake HTTP service (the fake Salesforce and HubSpot): each applies to the matching
 * requests `times` times (default 1), earliest registered first.
 */
export class FailureQueue<F extends { times?: number }> {
  private entries: { match: FailureMatch; failure: F; remaining: number }[] = [];

  add(match: FailureMatch, failure: F): void {
    this.entries.push({ match, failure, remaining: failure.times ?? 1 });
  }

  clear(): void {
    this.entries = [];
  }

  /** The failure this request meets, if any (one use of it is spent). */
  take(method: string, path: string): F | undefined {
    const entry = this.entries.find((f) => {
      if (f.remaining <= 0) return false;
      if (f.match === '*') return true;
      if (f.match.method && f.match.method.toUpperCase() !== method) return false;
      if (f.match.path === undefined) return true;
      return typeof f.match.path === 'string' ? f.match.path === path : f.match.path.test(path);
    });
    if (!entry) return undefined;
    entry.remaining -= 1;
    this.entries = this.entries.filter((f) => f.remaining > 0);
    return entry.failure;
  }
}

/**
 * A fake's `delays`, held by the test instead of real time: each delay asked is recorded, and waits until `release()`.
 * A test of `delayMs` checks the answer waits for it without measuring a clock.
 */
export function heldDelays() {
  const asked: number[] = [];
  const waiting: (() => void)[] = [];
  return {
    asked,
    delays: (ms: number) =>
      new Promise<void>((resolve) => {
        asked.push(ms);
        waiting.push(resolve);
      }),
    /** Ends every delay asked so far. */
    release: () => {
      for (const resolve of waiting.splice(0)) resolve();
    },
  };
}
