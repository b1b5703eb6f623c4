import { asBackground } from '../db/priority.js';
import type { Logger } from '../logger.js';

/**
 * The one owner of work that outlives the call that started it: Slack listeners still working after their ack, an
 * App Home published again, an export uploading, a metrics computation, a scheduled job's run. At stop, the app
 * stops taking new work first, then `drain()` waits for everything here, so the database closes after the last of it.
 */
export interface BackgroundWork {
  /** True once stopping: long work checks it and gives up early. */
  readonly stopping: boolean;
  /**
   * Starts `task` unless the app is stopping (then it returns false and nothing runs). A failure is logged as
   * `what`, never thrown: nobody is waiting for the answer.
   */
  run(what: string, task: (stopping: () => boolean) => Promise<unknown>): boolean;
  /** Tracks a promise someone else awaits (a listener, a computation several callers share); returns it. */
  track<T>(work: Promise<T>): Promise<T>;
  /** How many are running now. */
  readonly size: number;
  /** Takes no new work from now on (GET /healthz answers 503): the first step of a stop. */
  close(): void;
  /** Takes no new work and resolves once all tracked work has settled (including work started meanwhile). */
  drain(): Promise<void>;
}

export function createBackgroundWork(logger: Logger): BackgroundWork {
  let stopping = false;
  const running = new Set<Promise<unknown>>();
  const isStopping = () => stopping;

  function track<T>(work: Promise<T>): Promise<T> {
    running.add(work);
    const forget = () => running.delete(work);
    work.then(forget, forget);
    return work;
  }

  return {
    get stopping() {
      return stopping;
    },
    get size() {
      return running.size;
    },
    run(what, task) {
      if (stopping) return false;
      // Nobody waits for it: on Postgres it takes the background pool's connections (db/priority.ts).
      track(
        asBackground(async () => task(isStopping)).catch((error: unknown) =>
          logger.warn({ err: error }, `${what} failed`),
        ),
      );
      return true;
    },
    track,
    close() {
      stopping = true;
    },
    async drain() {
      stopping = true;
      // Work that finishes may have started more (a listener queues a republish): wait until none is left.
      while (running.size > 0) await Promise.allSettled([...running]);
    },
  };
}
