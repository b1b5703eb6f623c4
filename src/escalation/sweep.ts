import type { Clock } from '../clock.js';
import type { Lifecycle } from '../core/lifecycle.js';
import { stallMessages } from '../core/notifications.js';
import type { Db, Tx } from '../db/client.js';
import { findOwnerRemindable, findStalled, handoffDueBy } from '../db/repositories/dueTimes.js';
import { cycleEvents } from '../db/repositories/escalation.js';
import {
  findExpiring,
  findRemindable,
  type HandoffRow,
  updateIfUnchanged,
} from '../db/repositories/handoffs.js';
import { pruneFinished } from '../db/repositories/outboxParked.js';
import { findPauseEnded } from '../db/repositories/questions.js';
import { awayDaysOverlap, awayDaysSpan, awayDaysText } from '../domain/absence.js';
import { expiryTargets } from '../domain/escalation.js';
import { isPossible, lapsed, TRANSITIONS } from '../domain/lifecycle.js';
import type { Logger } from '../logger.js';
import type { AbsenceOf } from './absence.js';
import type { Covers } from './covers.js';
import {
  type AwayAtExpiry,
  type EscalationTargets,
  expiryMessages,
  policyExpiryMessages,
  reminderMessages,
  resolveTargets,
} from './notices.js';
import { type OwnerReminders, remindOwner } from './ownerReminders.js';
import type { Policies } from './policies.js';
import { plannedMoveOf } from './policyPlans.js';

export interface SweepDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  /**
   * The process's one look at every installation's due handoffs, as this installation reads it
   * (compose/sweepLook.ts); its own read (`handoffDueBy`) when absent or when it says to.
   */
  look?: { due(): Promise<boolean | undefined>; swept(): void };
  escalation: EscalationTargets;
  lifecycle: Lifecycle;
  /** The nudge after this one for a stalled deal (a period later), or null to stop. */
  nextStallNudge: (handoff: HandoffRow, at: Date) => Date | null;
  /** Delivered outbox messages older than this are deleted (a batch per sweep). */
  outboxRetentionMs?: number;
  /** Rows handled per query: the sweep pages through what is due, never loading every handoff. */
  batchSize?: number;
  /** Escalation policies: a handoff's policy says whom its expiry tells (absent: `escalation`, as before). */
  policies?: Policies;
  /** Covers: an expiry level may tell the AE's cover; the days away an AE gave with it are an absence. */
  covers?: Pick<Covers, 'activeFor' | 'awayDays'>;
  /** Whether an AE is away now (their status, their days away): a stall nudge waits for their return. */
  absenceOf?: AbsenceOf;
  /**
   * A paused clock whose pause reached QUESTION_PAUSE_DAYS runs again (escalation/asks.ts `resumeAtLimit`); true when
   * it changed the handoff. Absent: nothing is resumed.
   */
  resumePaused?: (handoff: HandoffRow, now: Date) => Promise<boolean>;
  /** A deal back with its owner and given to nobody: their reminders. Absent: none are sent. */
  owners?: OwnerReminders;
}

export interface SweepResult {
  /** Paused clocks that run again (their question unanswered for the pause's longest). */
  resumed: number;
  expired: number;
  reminded: number;
  nudged: number;
}

const PRUNE_BATCH = 2000;

/** The longest a process goes without a full sweep when nothing is due (see the sweeper's `due`). */
export const FULL_SWEEP_EVERY_MS = 5 * 60_000;

/**
 * The response-window sweep: expires open handoffs whose window has passed and sends the reminders that are due.
 * Every change is a guarded update (same status, same window, same next reminder) in one transaction with its
 * messages, so overlapping sweeps, restarts and a click in the same second each take effect exactly once.
 */
export function createSweeper(deps: SweepDeps) {
  /** When this process's last sweep began (the app's clock). */
  let swept: number | undefined;
  return {
    sweep: (): Promise<SweepResult> => {
      swept = deps.clock.now().getTime();
      deps.look?.swept();
      return sweep(deps);
    },
    /**
     * Whether a minute's tick has work: a handoff has something due (one read), or this process's last
     * sweep is FULL_SWEEP_EVERY_MS old, or the clock stepped back past it. The full sweep catches what no due time
     * says: the days away an AE gave (the away check), an AE's status read once an hour, an accepted handoff without a
     * first step, the outbox's pruning.
     */
    due: async (): Promise<boolean> => {
      const now = deps.clock.now();
      const since = swept === undefined ? undefined : now.getTime() - swept;
      if (since === undefined || since < 0 || since >= FULL_SWEEP_EVERY_MS) return true;
      return (await deps.look?.due()) ?? handoffDueBy(deps.db, now);
    },
    expireIfDue: (handoff: HandoffRow, now: Date): Promise<HandoffRow> => expireIfDue(deps, handoff, now),
  };
}

export type Sweeper = ReturnType<typeof createSweeper>;

/** Rows per page of what is due. */
const batchOf = (deps: SweepDeps) => deps.batchSize ?? 100;

/**
 * What an expiry owes: the owner's notice and the escalation. The default policy built from the settings tells the
 * escalation channel and the AE's manager, as before policies; a policy of the file tells its expiry levels' targets.
 */
async function expiryOwed(
  deps: SweepDeps,
  tx: Tx,
  after: HandoffRow,
  away: AwayAtExpiry | undefined,
  now: Date,
) {
  const policies = deps.policies;
  const policy = policies?.byName(after);
  if (!policies || !policy || policies.isBuiltIn(policy)) return expiryMessages(after, deps.escalation, away);
  // A level of the policy that will move it (due now, or later): the owner's notice says so instead of asking.
  const cover = (await deps.covers?.activeFor(after.aeUserId, after.aeTimeZone, tx))?.coverUserId;
  return policyExpiryMessages(
    after,
    resolveTargets(after, expiryTargets(policy), deps.escalation.managers, {}),
    away,
    await plannedMoveOf(tx, after, policies, cover, now),
  );
}

/**
 * Whether the AE was known to be away during this window: the app saw an away status (at send, or the away check's
 * look, both in the touch log), or some of the window fell on the days away they gave with their cover. Recorded with
 * the expiry: the metrics do not count it as their silence. A cover named with no days away is not an absence: it
 * says who answers while the AE is away, and the expiry of a window not spent away is their silence.
 */
async function awayDuring(
  deps: SweepDeps,
  h: HandoffRow,
  now: Date,
): Promise<{ detail: Record<string, unknown>; shown: AwayAtExpiry } | null> {
  const seenAway = (await cycleEvents(deps.db, h, ['sent', 'escalated', 'reassigned', 'extended'])).filter(
    (e) => typeof e.detail?.away === 'string' || typeof e.detail?.sentWhileAway === 'string',
  );
  // The latest word on it (the sweep's look after the send's); since when the app knew (for the export's audit).
  const seen = seenAway.at(-1)?.detail;
  const since = seenAway[0]?.at;
  if (seen && since) {
    const status = String(seen.away ?? seen.sentWhileAway);
    const days = typeof seen.awayDays === 'string' ? seen.awayDays : undefined;
    const detail = { away: status, awaySince: since.toISOString(), ...(days ? { awayDays: days } : {}) };
    return { detail, shown: days ? { days } : { status } };
  }
  const given = await deps.covers?.awayDays(h.aeUserId);
  if (!given || !awayDaysOverlap(given, h.aeTimeZone, h.windowStartedAt ?? h.sentAt, now)) return null;
  const days = awayDaysText(given);
  const start = awayDaysSpan(given, h.aeTimeZone).start;
  return {
    detail: { away: `Away ${days}`, awayDays: days, awaySince: start.toISOString() },
    shown: { days },
  };
}

/**
 * Expires `handoff` if its window has passed and nothing else changed it; returns its current state. A paused window
 * (the AE's question waits) does not run out: it runs again first (the sweep resumes it at the pause's longest).
 */
async function expireIfDue(deps: SweepDeps, handoff: HandoffRow, now: Date): Promise<HandoffRow> {
  if (!isPossible('expire', handoff) || handoff.pausedAt || handoff.dueAt.getTime() > now.getTime())
    return handoff;
  const away = await awayDuring(deps, handoff, now);
  const expired = await deps.lifecycle.apply({
    event: 'expire',
    before: handoff,
    actor: null,
    at: now,
    // Its reminder time ends with the state; its escalation steps go on (lifecycle's sweepTimesEndedBy).
    change: { expiredAt: now },
    // An AE known to be away in this window (their status, the days away they gave): not counted as their silence.
    detail: away?.detail ?? null,
    // Said so in the owner's notice and the escalation: not "silence", as the metrics do not count it as such.
    owes: (tx, after) => expiryOwed(deps, tx, after, away?.shown, now),
  });
  if (!expired) return handoff;
  deps.logger.info(
    { handoffId: handoff.id, ae: handoff.aeUserId, dueAt: handoff.dueAt },
    'handoff expired without an answer',
  );
  return expired.handoff;
}

/** Sends the latest reminder that is due (one, even after downtime) and schedules the next. */
async function remind(deps: SweepDeps, handoff: HandoffRow, now: Date): Promise<boolean> {
  const schedule = handoff.reminderSchedule ?? [];
  const dueIndexes = schedule.map((at, index) => (at <= now.getTime() ? index : -1)).filter((i) => i >= 0);
  const index = dueIndexes[dueIndexes.length - 1];
  const next = schedule.find((at) => at > now.getTime());
  // An AE the app knows is away in this window (their status, the days away they gave) is not reminded: the owner was
  // told once when it was seen (or chose to send anyway), and the expiry will say it was not their silence.
  if (index === undefined || (await awayDuring(deps, handoff, now))) {
    // Nothing due after all (a schedule changed under it), or nobody to remind: only the next reminder time moves on.
    await deps.db.transaction((tx) =>
      updateIfUnchanged(
        tx,
        handoff.id,
        { statuses: TRANSITIONS.remind.from, cycle: handoff.cycle, nextReminderAt: handoff.nextReminderAt },
        { nextReminderAt: next === undefined ? null : new Date(next), updatedAt: now },
      ),
    );
    return false;
  }
  const applied = await deps.lifecycle.apply({
    event: 'remind',
    before: handoff,
    actor: null,
    at: now,
    expect: { nextReminderAt: handoff.nextReminderAt },
    change: { nextReminderAt: next === undefined ? null : new Date(next) },
    detail: { reminder: index + 1 },
    owes: (_tx, after) => reminderMessages(after, index, now),
  });
  const sent = applied !== undefined;
  if (sent) deps.logger.info({ handoffId: handoff.id, reminder: index }, 'reminder queued');
  return sent;
}

/**
 * One nudge per period for an accepted deal with no news; after downtime, one nudge, not one per missed period. An
 * AE away now (their status, the days away they gave) is not nudged: the nudge waits until they are back (a period
 * later when their status does not say), as reminders skip an away AE; the digest lists the deal with their absence.
 */
async function nudgeStalled(deps: SweepDeps, handoff: HandoffRow, now: Date): Promise<boolean> {
  const due = handoff.nextStallNudgeAt;
  if (!due) return false;
  // The policy's take-back is still ahead: the step's check-in asked already and the take-back answers the
  // silence, so "any news?" waits past it (which ends it) rather than stacking a third message on the ladder. The
  // other checks are over by the first nudge already (handlers' firstStallNudge plans it after them).
  const takeBackAhead = handoff.stepCheck === 'take_back' && handoff.outcome === null;
  if (takeBackAhead && handoff.nextStepCheckAt) {
    const after = new Date(Math.max(handoff.nextStepCheckAt.getTime(), now.getTime()) + 60_000);
    await deps.db.transaction((tx) =>
      updateIfUnchanged(
        tx,
        handoff.id,
        { statuses: TRANSITIONS.stall_nudge.from, cycle: handoff.cycle, nextStallNudgeAt: due },
        { nextStallNudgeAt: after, updatedAt: now },
      ),
    );
    return false;
  }
  const away = await deps.absenceOf?.(handoff.aeUserId, handoff.aeTimeZone);
  if (away) {
    const later = away.until ?? deps.nextStallNudge(handoff, now);
    await deps.db.transaction((tx) =>
      updateIfUnchanged(
        tx,
        handoff.id,
        { statuses: TRANSITIONS.stall_nudge.from, cycle: handoff.cycle, nextStallNudgeAt: due },
        // Gone quiet all the same: the digest lists it (stallNudgedAt), saying the AE is away.
        { nextStallNudgeAt: later, stallNudgedAt: handoff.stallNudgedAt ?? now, updatedAt: now },
      ),
    );
    deps.logger.info({ handoffId: handoff.id, until: later }, 'stall nudge waits: the AE is away');
    return false;
  }
  const applied = await deps.lifecycle.apply({
    event: 'stall_nudge',
    before: handoff,
    actor: null,
    at: now,
    expect: { nextStallNudgeAt: due },
    change: { nextStallNudgeAt: deps.nextStallNudge(handoff, now), stallNudgedAt: now },
    owes: (_tx, after) => stallMessages(after, due),
  });
  if (applied) deps.logger.info({ handoffId: handoff.id }, 'stalled deal nudged');
  return applied !== undefined;
}

/**
 * Handles what is due one page at a time (never loading every handoff), until a page comes back short or changes
 * nothing (what is left was changed by someone else, and must not loop forever). Returns how many changed.
 */
async function inPages(
  deps: SweepDeps,
  findPage: () => Promise<HandoffRow[]>,
  handle: (handoff: HandoffRow) => Promise<boolean>,
): Promise<number> {
  let total = 0;
  for (let page = await findPage(); page.length > 0; page = await findPage()) {
    // Each handoff's change is its own transaction (the lifecycle's), rolled back alone if it fails, one after
    // another. A page is no longer one commit with a savepoint per handoff: a transaction cannot be opened inside
    // another now that they are asynchronous (they take turns), so the write-ahead log is written once per handoff.
    let changed = 0;
    for (const handoff of page) {
      try {
        if (await handle(handoff)) changed += 1;
      } catch (error) {
        // One bad row must not hold back the others: it is logged and tried again next minute.
        deps.logger.error({ err: error, handoffId: handoff.id }, 'sweep could not handle a handoff');
      }
    }
    total += changed;
    if (changed === 0 || page.length < batchOf(deps)) break;
  }
  return total;
}

async function sweep(deps: SweepDeps): Promise<SweepResult> {
  const { db, logger } = deps;
  const batchSize = batchOf(deps);
  const now = deps.clock.now();
  const result: SweepResult = { resumed: 0, expired: 0, reminded: 0, nudged: 0 };
  // Paused clocks at their longest run again first: their deadline moves on by the pause, and expires only if that
  // has passed too (after downtime).
  const resume = deps.resumePaused;
  if (resume)
    result.resumed = await inPages(
      deps,
      () => findPauseEnded(db, now, batchSize),
      (h) => resume(h, now),
    );
  // Expiry first: a handoff overdue after downtime gets its expiry, not a burst of missed reminders.
  result.expired = await inPages(
    deps,
    () => findExpiring(db, now, batchSize),
    async (h) => lapsed((await expireIfDue(deps, h, now)).status),
  );
  result.reminded = await inPages(
    deps,
    () => findRemindable(db, now, batchSize),
    (h) => remind(deps, h, now),
  );
  result.nudged = await inPages(
    deps,
    () => findStalled(db, now, batchSize),
    (h) => nudgeStalled(deps, h, now),
  );
  // The owners of deals given to nobody (escalation/ownerReminders.ts logs each).
  const owners = deps.owners;
  if (owners)
    await inPages(
      deps,
      () => findOwnerRemindable(db, now, batchSize),
      (h) => remindOwner({ ...deps, owners, managers: deps.escalation.managers }, h, now),
    );
  if (deps.outboxRetentionMs !== undefined) {
    // A bounded batch each minute keeps up with any realistic volume without one long delete.
    const before = new Date(now.getTime() - deps.outboxRetentionMs);
    const pruned = await db.transaction((tx) => pruneFinished(tx, before, PRUNE_BATCH));
    if (pruned > 0) logger.debug({ pruned }, 'old delivered outbox messages deleted');
  }
  if (result.resumed > 0 || result.expired > 0 || result.reminded > 0 || result.nudged > 0)
    logger.info({ ...result }, 'sweep');
  return result;
}
