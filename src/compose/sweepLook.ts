import type { Clock } from '../clock.js';
import { installationsDueBy } from '../db/repositories/dueTimes.js';
import type { AnyDb } from '../db/types.js';
import { TICK_SPREAD_SECONDS } from '../runtime/scheduler.js';

/**
 * The sweep's look for every installation: each one's earliest handoff due by the end of the minute's ticks (each
 * installation's tick comes up to TICK_SPREAD_SECONDS after the slot: runtime/scheduler.ts), read once and kept that
 * long; each installation's tick reads it (due when its earliest is past) instead of asking for its own. An
 * installation swept since the look, whose times the sweep moved, asks its own until the next look; what another
 * request writes in that time is swept at the next look. A failed look is asked again.
 */
export function createSweepLook(deps: { db: AnyDb; clock: Clock }) {
  let look:
    | { from: number; until: number; earliest: Promise<Map<number, number>>; swept: Set<number> }
    | undefined;
  return {
    /** Whether `installationId` has a handoff due now; undefined: it asks its own (swept since the look). */
    async due(installationId: number): Promise<boolean | undefined> {
      const now = deps.clock.now().getTime();
      if (!look || now < look.from || now > look.until) {
        const until = now + TICK_SPREAD_SECONDS * 1000;
        const taken = {
          from: now,
          until,
          earliest: installationsDueBy(deps.db, new Date(until)),
          swept: new Set<number>(),
        };
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

export type SweepLook = ReturnType<typeof createSweepLook>;
