import type { Clock } from '../clock.js';
import type { Directory } from '../core/directory.js';
import type { WindowPlanner } from '../core/responseWindow.js';
import type { OutboxRow } from '../db/repositories/outbox.js';
import { reachedReader } from '../db/repositories/outboxRows.js';
import { type AwayDays, awayByDays } from '../domain/absence.js';
import { zoneFor } from '../domain/zones.js';
import type { DeliveryVerdict } from '../outbox/types.js';

/**
 * What the app sends a person on its own (marked so by core/lifecycle.ts `scheduledForReaders`)
 * reaches them only when they may be reached: inside their business hours, on one of their working days (their own
 * week; not a public holiday of theirs, not a company closure day), and not on the days away they gave with their
 * cover. Each reader's own calendar: an owner in New York reads a notice about a Berlin AE's deal in New York's
 * working hours. An internal channel is read by the company: its posts wait for the company's calendar (the default
 * zone's hours, its working days, closure days and the default zone's holidays). What someone does reaches the people
 * it concerns at once; what the sweep and the policies do waits in the outbox for its reader's next working morning.
 */

const PERSON = /^[UW][A-Z0-9]{2,}$/;

export interface ReachDeps {
  clock: Clock;
  directory: Pick<Directory, 'lookupUser'>;
  windows: Pick<WindowPlanner, 'reachableAt'>;
  /** The days away a person gave with their cover. */
  awayDays?: (userId: string) => Promise<AwayDays | undefined>;
  /** The zone of someone Slack gives none for (or cannot be asked about now): DEFAULT_TIMEZONE. */
  defaultTimeZone: string;
}

/** When a person may be reached at or after `at`: the end of their days away, then their next business hours. */
async function reachableAt(deps: ReachDeps, userId: string, at: Date): Promise<Date> {
  const zone = await deps.directory
    .lookupUser(userId)
    .then((user) => user?.timeZone)
    .catch(() => undefined);
  // A zone Slack names that this machine does not know counts as the default one, as no zone does.
  const timeZone = zone && zoneFor(zone) !== zone ? zone : deps.defaultTimeZone;
  const away = awayByDays(await deps.awayDays?.(userId), timeZone, at);
  const from = away?.until && away.until.getTime() > at.getTime() ? away.until : at;
  return deps.windows.reachableAt(from, { id: userId, timeZone });
}

/**
 * The delivery guard's part for a row the app sent on its own: it waits until its reader (a person, or the company
 * for a channel) may be reached, asked again at delivery (their days, hours and zone as they are then). Undefined for
 * every other row.
 */
export function reachGuard(deps: ReachDeps) {
  return async (row: OutboxRow): Promise<DeliveryVerdict | undefined> => {
    const reader = reachedReader(row.channelKey);
    if (!reader) return undefined;
    const now = deps.clock.now();
    const until = PERSON.test(reader)
      ? await reachableAt(deps, reader, now)
      : deps.windows.reachableAt(now, deps.defaultTimeZone);
    return until.getTime() > now.getTime()
      ? { kind: 'wait', until, reason: 'waits for its reader’s working hours' }
      : undefined;
  };
}
