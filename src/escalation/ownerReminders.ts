import type { Lifecycle } from '../core/lifecycle.js';
import type { Db } from '../db/client.js';
import { cycleEvents } from '../db/repositories/escalation.js';
import { type HandoffRow, updateIfUnchanged } from '../db/repositories/handoffs.js';
import { isoDateIn } from '../domain/businessDays.js';
import { TRANSITIONS } from '../domain/lifecycle.js';
import type { Logger } from '../logger.js';
import { unassignedMessages } from './notices.js';

/** What the owner's reminders of a deal given to nobody read: the owner's calendar, and when their manager is told. */
export interface OwnerReminders {
  /** The owner's calendar: their id and zone (Slack's word, or the default zone). */
  whose: (userId: string) => Promise<{ id: string; timeZone: string }>;
  /** Their first working morning on a day after `after`'s. */
  nextMorning: (after: Date, whose: { id: string; timeZone: string }) => Date;
  /** The first moment at or after `at` within their working hours. */
  reachableAt: (at: Date, whose: { id: string; timeZone: string }) => Date;
  /** UNASSIGNED_MANAGER_DAYS: business days after which their manager is told (0: never). */
  managerDays: () => number;
}

/** What the sweep hands the owners' reminders. */
export interface OwnerReminderDeps {
  db: Db;
  logger: Logger;
  lifecycle: Lifecycle;
  owners: OwnerReminders;
  /** Each person's manager (ESCALATION_MANAGERS, the program's). */
  managers: Readonly<Record<string, string>>;
}

/**
 * A deal handed back or taken back to its owner, and given to nobody: the owner reminded on each of
 * their working mornings until they reassign or withdraw it, and their manager (ESCALATION_MANAGERS, the program's)
 * told once with the reminder of the day it has waited UNASSIGNED_MANAGER_DAYS business days. The take-back leaves
 * the first reminder's time here (`nextReminderAt` at the take-back itself): the owner's zone is Slack's to say.
 */
export async function remindOwner(deps: OwnerReminderDeps, handoff: HandoffRow, now: Date): Promise<boolean> {
  const owners = deps.owners;
  const due = handoff.nextReminderAt;
  const since = handoff.takenBackAt;
  if (!due || !since) return false;
  const whose = await owners.whose(handoff.ownerUserId);
  const expect = { statuses: TRANSITIONS.remind_owner.from, cycle: handoff.cycle, nextReminderAt: due };
  // Never outside their working hours: one missed (the app was down) comes at their next working time, not at night.
  const planned = due.getTime() === since.getTime() ? owners.nextMorning(since, whose) : due;
  const at = owners.reachableAt(planned > now ? planned : now, whose);
  if (at > now) {
    await deps.db.transaction((tx) =>
      updateIfUnchanged(tx, handoff.id, expect, { nextReminderAt: at, updatedAt: now }),
    );
    return false;
  }
  // The owner's working days since the take-back's, counted by their mornings: today's is the latest.
  let days = 0;
  for (let morning = owners.nextMorning(since, whose); morning <= now && days < 400; days += 1)
    morning = owners.nextMorning(morning, whose);
  const managerDays = owners.managerDays();
  const manager = deps.managers[handoff.ownerUserId];
  const toldBefore = (await cycleEvents(deps.db, handoff, ['owner_reminded'])).some(
    (e) => typeof e.detail?.manager === 'string',
  );
  const tell =
    managerDays > 0 && days >= managerDays && manager && manager !== handoff.ownerUserId && !toldBefore
      ? manager
      : undefined;
  const waiting = {
    since: since.getTime(),
    sinceDay: isoDateIn(since, whose.timeZone),
    days,
    day: isoDateIn(now, whose.timeZone),
  };
  const applied = await deps.lifecycle.apply({
    event: 'remind_owner',
    before: handoff,
    actor: null,
    at: now,
    expect: { nextReminderAt: due },
    change: { nextReminderAt: owners.nextMorning(now, whose) },
    detail: { days, ...(tell ? { manager: tell } : {}) },
    owes: (_tx, after) => unassignedMessages(after, waiting, tell),
  });
  if (applied) deps.logger.info({ handoffId: handoff.id, days, manager: tell }, 'owner reminded');
  return applied !== undefined;
}
