import type { Clock } from '../clock.js';
import type { Directory } from '../core/directory.js';
import { type Away, type AwayRules, awayFrom } from '../domain/absence.js';
import type { Covers } from './covers.js';

/** Whether an AE is away now, and until when: what the stall nudges and the digest ask. */
export type AbsenceOf = (aeUserId: string, timeZone: string) => Promise<Away | undefined>;

/**
 * One answer to "is this AE away now?" for everything that is not a response window (those read the touch log and
 * the away check): the days away they gave with their cover, else their Slack status. A status Slack cannot give now
 * counts as not away (the nudge or the line goes as before).
 */
export function createAbsenceOf(deps: {
  clock: Clock;
  directory: Pick<Directory, 'status'>;
  away: AwayRules;
  covers?: Pick<Covers, 'awayNow'> | undefined;
}): AbsenceOf {
  return async (aeUserId, timeZone) => {
    const byDays = await deps.covers?.awayNow(aeUserId, timeZone);
    if (byDays) return byDays;
    const status = await deps.directory.status?.(aeUserId).catch(() => undefined);
    return awayFrom(status, deps.away, deps.clock.now());
  };
}
