import type { Clock } from '../clock.js';

import { asBackground } from '../db/priority.js';
import { installationsDue } from '../db/repositories/outboxChannels.js';
import { programRevisions } from '../db/repositories/program.js';
import type { AnyDb } from '../db/types.js';
import type { Logger } from '../logger.js';
import type { TimerHandle, Timers } from '../runtime/timers.js';
import type { Tenant } from './tenant.js';

/** A never-written program's revision (db/repositories/program.ts `programRevision`). */
const NEVER_WRITTEN = '0:0';

/**
 * One look for every installation a process serves, instead of one per installation: an idle
 * installation cost its process a look at its outbox every second and one at its program every 3 s, so at 1,000
 * installations the looks alone were more than the event loop could do (docs/scaling.md).
 * - **The outbox**: every `pollMs`, one query for the installations with a message due (the status index's due range,
 *   once); only their outboxes look. A commit still wakes its own outbox at once, and the bell another process's
 *   (db/pg/bell.ts); a hold (pacing, a 429) still wakes it when it ends. A clock seen stepping back kicks every
 *   outbox: each one's own look makes due what waited on the clock as it was (outbox/clockWatch.ts).
 * - **The program**: every `programMs`, one query for every installation's revision; only an installation whose
 *   program moved reads it again (an edit through another replica or the command line applies within that time).
 * A look still under way when the next is due is not doubled. The looks run as work that can wait (db/priority.ts).
 */
export function createSharedLooks(deps: {
  /** Across installations: it sees every installation's rows. */
  db: AnyDb;
  clock: Clock;
  timers: Timers;
  logger: Logger;
  tenants: () => Iterable<Tenant>;
  pollMs: number;
  programMs: number;
}) {
  const { db, clock, timers, logger } = deps;
  const byInstallation = () => {
    const served = new Map<number, Tenant>();
    for (const tenant of deps.tenants()) {
      served.set(tenant.db.installationId, tenant);
    }
    return served;
  };
  let latest: number | undefined;
  async function lookAtOutboxes(): Promise<void> {
    const now = clock.now();
    const steppedBack = latest !== undefined && now.getTime() < latest;
    latest = now.getTime();
    const served = byInstallation();
    const due = steppedBack ? [...served.keys()] : await installationsDue(db, now);
    for (const id of due) served.get(id)?.wired.services.outbox.kick();
  }
  async function lookAtPrograms(): Promise<void> {
    const revisions = await programRevisions(db);
    const reads = [...byInstallation()].map(([id, tenant]) =>
      tenant.wired.program
        .catchUp(revisions.get(id) ?? NEVER_WRITTEN)
        .catch((error: unknown) =>
          logger.warn({ err: error, installation: id }, 'could not reread the program'),
        ),
    );
    await Promise.all(reads);
  }
  /** `look` every `ms`, never two at once. */
  const every = (what: string, ms: number, look: () => Promise<void>): TimerHandle => {
    let running = false;
    const timer = timers.setInterval(() => {
      if (running) return;
      running = true;
      asBackground(look)
        .catch((error: unknown) => logger.warn({ err: error }, `could not look at ${what}`))
        .finally(() => {
          running = false;
        });
    }, ms);
    timer.unref?.();
    return timer;
  };
  let handles: TimerHandle[] = [];
  return {
    start(): void {
      if (handles.length > 0) return;
      handles = [
        every("every installation's outbox", deps.pollMs, lookAtOutboxes),
        every("every installation's program", deps.programMs, lookAtPrograms),
      ];
    },
    stop(): void {
      for (const handle of handles) timers.clearInterval(handle);
      handles = [];
    },
    /** One look at each now (tests). */
    lookNow: () => Promise.all([lookAtOutboxes(), lookAtPrograms()]).then(() => undefined),
  };
}

export type SharedLooks = ReturnType<typeof createSharedLooks>;
