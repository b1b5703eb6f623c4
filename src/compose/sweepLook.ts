import type { Clock } from '../clock.js';
import { installationsDueBy } from '../db/repositories/dueTimes.js';
import type { AnyDb } from '../db/types.js';

/**
 * The sweep's look for every installation: each one's earliest handoff due by the end of the minute, read at the
 * minute's first tick and kept through the minute (each installation's tick comes up to 30 s after the
 * slot, later when the event loop is busy: runtime/scheduler.ts); each installation's tick reads it (due when its
 * earliest is past) instead of asking for its own. An installation swept since the look, whose times the sweep moved,
 * asks its own until the next minute; what another request writes in the minute is swept at the next minute's look.
 * A failed look is asked again.
 */
export function createSweepLook(deps: { db: AnyDb; clock: Clock }) {
  let look: { minute: number; earliest: Promise<Map<number, number>>; swept: Set<number> } | undefined;
  return {
    /** Whether `installationId` has a handoff due now; undefined: it asks its own (swept since the look). */
    async due(installationId: number): Promise<boolean | undefined> {
      const now = deps.clock.now().getTime();
      const minute = Math.floor(now / MINUTE_MS);
      if (look?.minute !== minute) {
        const by = new Date((minute + 1) * MINUTE_MS - 1);
        const taken = { minute, earliest: installationsDueBy(deps.db, by), swept: new Set<number>() };
        look = taken;
        taken.earliest.catch(() => {
          if (look === taken) look = undefined;
        });
      }
      const { swept, earliest } = look;
      if (swept.has(installationId)) return undefined;
      const at = (await earliest).get(installationId);
      return at !== undefined && at <= now;
    },
    /** `installationId` was swept: its times moved since the look. */
    swept(installationId: number): void {
      look?.swept.add(installationId);
    },
  };
}

const MINUTE_MS = 60_000;

export type SweepLook = ReturnType<typeof createSweepLook>;
