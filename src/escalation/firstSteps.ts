import type { StepRefusal } from '../blocks/stepChecks.js';
import type { Clock } from '../clock.js';
import type { Lifecycle } from '../core/lifecycle.js';
import { dm, takenBackMessages } from '../core/notifications.js';
import { type RequestContext, viewerOf } from '../core/requestContext.js';
import type { Db } from '../db/client.js';
import { findStepChecksDue } from '../db/repositories/dueTimes.js';
import { findHandoff, type HandoffRow, updateIfUnchanged } from '../db/repositories/handoffs.js';
import type { OutboxMessage } from '../db/repositories/outbox.js';
import { isInternalActor } from '../domain/actor.js';
import { type PolicyRef, policyRefOf } from '../domain/escalation.js';
import {
  type ClosedStepDay,
  checkAfter,
  checkFirstStep,
  lastStepCheck,
  nextStepCheck,
  type StepSchedule,
  type TakeBackTarget,
} from '../domain/firstStep.js';
import { check as policy, STEP_CHECK_EVENT, type StepCheck, TRANSITIONS } from '../domain/lifecycle.js';
import type { ProgramRoles } from '../domain/permissions.js';
import type { Logger } from '../logger.js';
import type { AbsenceOf } from './absence.js';
import { askForSteps, nameStep, type StepsAsk } from './earlierSteps.js';

/**
 * After the Accept: the first step the AE committed to, tracked like the response window, in the
 * AE's calendar. The sweep sends a reminder the business day before its date and a check-in on it (Meeting held, New
 * date), each waiting while the AE is away; with no news FIRST_STEP_GRACE_DAYS business days after the check-in, the
 * owner is told. Recording any outcome step is the step done. The AE may give it a new date (the owner told from the
 * second one on). The partner reads the step (and its new date) only where the partner view shows it.
 */
export interface FirstStepDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  lifecycle: Lifecycle;
  /** A step's checks in the AE's calendar (FIRST_STEP_GRACE_DAYS applied). */
  schedule: (due: string, ae: { id: string; timeZone: string; policy: PolicyRef }) => StepSchedule;
  /** The AE's today (YYYY-MM-DD) in their calendar, and the first business day after it (New date's suggestion). */
  today: (at: Date, ae: { id: string; timeZone: string }) => string;
  nextBusinessDay: (at: Date, ae: { id: string; timeZone: string }) => string;
  /** Why a date is no working day of the AE's (a step is not dated on one), with their next; undefined: it is one. */
  closedDay: (date: string, ae: { id: string; timeZone: string }) => ClosedStepDay | undefined;
  /** Whether an AE is away now: their reminder and check-in wait until they are back. */
  absenceOf?: AbsenceOf;
  adminUserIds: readonly string[];
  /** Who holds the program's roles (`/handoff steps ask` is an admin's: domain/permissions.ts). */
  roles?: ProgramRoles;
  batchSize?: number;
  /** Where the policy a handoff follows takes a silent first step back to (none: it never does). */
  takeBackTo?: (policy: PolicyRef) => TakeBackTarget | undefined;
  /** The policy's take-back of a silent first step (escalation/takeBacks.ts); true when the deal moved. */
  takeBack?: (h: HandoffRow, now: Date) => Promise<boolean>;
}

export type { StepRefusal };

export type StepDateCheck = StepRefusal | { kind: 'ok'; handoff: HandoffRow; suggested: string };
export type StepDateResult =
  | StepRefusal
  | { kind: 'invalid'; message: string; field?: 'text' | 'due' }
  | { kind: 'moved'; handoff: HandoffRow; ownerTold: boolean };

const aeOf = (h: HandoffRow) => ({ id: h.aeUserId, timeZone: h.aeTimeZone, policy: policyRefOf(h) });

/** Who each check that is a message goes to: the AE, or the owner (the take-back is a move: escalation/takeBacks.ts). */
const TO: Record<Exclude<StepCheck, 'take_back'>, (h: HandoffRow) => string> = {
  reminder: (h) => h.aeUserId,
  check_in: (h) => h.aeUserId,
  owner: (h) => h.ownerUserId,
};

/** The message a check owes: one surface, keyed by the step's date, so a new date's checks are new messages. */
const checkMessages = (
  h: HandoffRow,
  check: Exclude<StepCheck, 'take_back'>,
  due: string,
  takeBack: { at: Date; to: TakeBackTarget } | undefined,
): OutboxMessage[] => [
  dm(h, `step:${due}:${check}`, TO[check](h), 'step_check', {
    stepCheck: check,
    stepDue: due,
    ...(h.firstStep ? { stepText: h.firstStep } : {}),
    // What comes next when nothing is recorded (the check-in and the owner's notice say it): the policy's take-back.
    ...(takeBack && check !== 'reminder'
      ? {
          takeBackAt: takeBack.at.getTime(),
          takeBackTo: takeBack.to.kind === 'pool' ? (takeBack.to.displayName ?? takeBack.to.name) : 'owner',
        }
      : {}),
  }),
];

/** One due check of one handoff; true when a message was owed and queued. */
async function runCheck(deps: FirstStepDeps, h: HandoffRow, now: Date): Promise<boolean> {
  const due = h.nextStepCheckAt;
  const stepDue = h.firstStepDue;
  if (!h.stepCheck || !due || !stepDue) return false;
  const schedule = deps.schedule(stepDue, aeOf(h));
  // After downtime past the check-in's time, a reminder would say "coming up" of a date gone by: the check-in instead.
  const check =
    h.stepCheck === 'reminder' && schedule.check_in && schedule.check_in <= now ? 'check_in' : h.stepCheck;
  const expect = { statuses: TRANSITIONS.step_remind.from, cycle: h.cycle, nextStepCheckAt: due };
  const clear = () =>
    deps.db.transaction((tx) =>
      updateIfUnchanged(tx, h.id, expect, { stepCheck: null, nextStepCheckAt: null, updatedAt: now }),
    );
  // Done (an outcome recorded), or no step to check: nothing more is owed.
  if (h.outcome !== null || h.firstStepDoneAt || !h.firstStep) {
    await clear();
    return false;
  }
  // The AE away now: their reminder, check-in and take-back wait until they are back (the owner's notice does not).
  const away = check === 'owner' ? undefined : await deps.absenceOf?.(h.aeUserId, h.aeTimeZone);
  if (away) {
    const later = away.until ?? new Date(now.getTime() + 24 * 3_600_000);
    await deps.db.transaction((tx) =>
      updateIfUnchanged(tx, h.id, expect, { nextStepCheckAt: later, updatedAt: now }),
    );
    return false;
  }
  // The take-back: the deal leaves the AE (to its owner, or a pool's next AE), one transaction.
  if (check === 'take_back') return (await deps.takeBack?.(h, now)) ?? false;
  const following = checkAfter(schedule, check);
  // The next check at its own time; after downtime one that is past already comes at the next sweep, not at once.
  const nextAt = following ? new Date(Math.max(following.at.getTime(), now.getTime() + 60_000)) : null;
  const applied = await deps.lifecycle.apply({
    event: STEP_CHECK_EVENT[check],
    before: h,
    actor: null,
    at: now,
    expect: { nextStepCheckAt: due },
    change: { stepCheck: following?.check ?? null, nextStepCheckAt: nextAt },
    detail: { due: stepDue },
    owes: (_tx, after) => {
      const to = deps.takeBackTo?.(after);
      const at = schedule.take_back;
      return checkMessages(after, check, stepDue, to && at ? { at, to } : undefined);
    },
  });
  if (applied) deps.logger.info({ handoffId: h.id, check, due: stepDue }, 'first step checked');
  return applied !== undefined;
}

/** Every due check, a page at a time (each its own transaction); how many were sent. */
async function checkDue(deps: FirstStepDeps): Promise<number> {
  const now = deps.clock.now();
  const limit = deps.batchSize ?? 100;
  let sent = 0;
  for (let page = await findStepChecksDue(deps.db, now, limit); page.length > 0; ) {
    let changed = 0;
    for (const h of page) {
      try {
        if (await runCheck(deps, h, now)) sent += 1;
        changed += 1;
      } catch (error) {
        deps.logger.error({ err: error, handoffId: h.id }, 'could not check a first step');
      }
    }
    if (changed === 0 || page.length < limit) break;
    page = await findStepChecksDue(deps.db, now, limit);
  }
  return sent;
}

/** Whether this person may give the handoff's first step a new date now (the AE, while it is ahead). */
async function checkNewDate(
  deps: FirstStepDeps,
  req: RequestContext & { handoffId: number },
): Promise<StepDateCheck> {
  if (!isInternalActor(req.actor, req.internalTeamIds)) return { kind: 'external' };
  const handoff = Number.isSafeInteger(req.handoffId) ? await findHandoff(deps.db, req.handoffId) : undefined;
  if (!handoff) return { kind: 'not_found' };
  const now = deps.clock.now();
  // A deal accepted before first steps: its AE names one in the same modal (escalation/earlierSteps.ts).
  const action = handoff.firstStep ? 'new_step_date' : 'name_step';
  const verdict = policy(viewerOf(req, deps.adminUserIds), action, handoff, now);
  if (verdict === 'external') return { kind: 'external' };
  if (verdict === 'not_allowed') return { kind: 'not_allowed', handoff };
  if (verdict === 'not_now') return { kind: 'not_now', handoff };
  return { kind: 'ok', handoff, suggested: deps.nextBusinessDay(now, aeOf(handoff)) };
}

/**
 * The AE's new date for their first step: checked as the accept checks it, stored, its checks planned again from it,
 * and the owner told from the second new date on. The partner's view shows the new date where it shows the step.
 */
async function newDate(
  deps: FirstStepDeps,
  req: RequestContext & {
    handoffId: number;
    due: string | undefined;
    shownNewDates?: number;
    text?: string | undefined;
  },
): Promise<StepDateResult> {
  const checked = await checkNewDate(deps, req);
  if (checked.kind !== 'ok') return checked;
  const before = checked.handoff;
  if (!before.firstStep) return nameStep(deps, { ...req, text: req.text }, before);
  // Opened before another new date was saved (a double submit): nothing more changes.
  if (req.shownNewDates !== undefined && req.shownNewDates !== before.stepNewDates)
    return { kind: 'not_now', handoff: before };
  const at = deps.clock.now();
  const stepChecked = checkFirstStep(
    { text: before.firstStep ?? '', due: req.due, estimatedValue: '' },
    deps.today(at, aeOf(before)),
    (date) => deps.closedDay(date, aeOf(before)),
  );
  if (!stepChecked.ok) return { kind: 'invalid', message: stepChecked.errors.due ?? 'Pick a date.' };
  const due = stepChecked.step.due;
  const from = before.firstStepDue ?? due;
  const ownerTold = before.stepNewDates >= 1 && before.ownerUserId !== before.aeUserId;
  const schedule = deps.schedule(due, aeOf(before));
  const next = nextStepCheck(schedule, at);
  // The stall nudge waits for the step's checks, as at the accept: a later date moves it on (never sooner).
  const { take_back: _takeBack, ...checks } = schedule;
  const checksEnd = lastStepCheck(checks);
  const nudge = before.nextStallNudgeAt;
  const nudgeLater = nudge && checksEnd && checksEnd > nudge ? { nextStallNudgeAt: checksEnd } : {};
  const applied = await deps.lifecycle.apply({
    event: 'new_step_date',
    before,
    actor: req.actor,
    at,
    // A double submit: the second finds the count moved on and changes nothing.
    expect: { stepNewDates: before.stepNewDates },
    change: {
      firstStepDue: due,
      stepNewDates: before.stepNewDates + 1,
      stepCheck: next?.check ?? null,
      nextStepCheckAt: next?.at ?? null,
      ...nudgeLater,
    },
    detail: { from, to: due, ...(ownerTold ? { ownerTold: true } : {}) },
    owes: (_tx, after) =>
      ownerTold
        ? [
            dm(after, `step:${due}:moved:${after.stepNewDates}`, after.ownerUserId, 'step_check', {
              stepCheck: 'moved',
              stepDue: due,
              ...(after.firstStep ? { stepText: after.firstStep } : {}),
              stepFrom: from,
            }),
          ]
        : [],
  });
  if (!applied) return { kind: 'not_now', handoff: (await findHandoff(deps.db, before.id)) ?? before };
  deps.logger.info({ handoffId: before.id, from, to: due, ownerTold }, 'first step given a new date');
  return { kind: 'moved', handoff: applied.handoff, ownerTold };
}

/** What an accepted deal's sweep reads (its step's checks, its stall nudge) ends when it is taken back. */
export const ACCEPTED_TIMES_ENDED = {
  stepCheck: null,
  nextStepCheckAt: null,
  nextStallNudgeAt: null,
} as const;

/**
 * A deal taken back to its owner (handed back, or by the policy): what the sweep read of it as accepted ends, and the
 * owner's morning reminders begin. The first one's time is the sweep's to plan, in the owner's
 * calendar (escalation/sweep.ts `remindOwner`): `nextReminderAt` at the take-back itself says so.
 */
export const takenBackTimes = (at: Date) => ({ ...ACCEPTED_TIMES_ENDED, nextReminderAt: at });

export type HandBackResult = StepRefusal | { kind: 'done'; handoff: HandoffRow };

/**
 * Hand it back: the AE gives an accepted deal back to its owner before any outcome. The owner (and the
 * author) are told, with Reassign and Withdraw; the partner hears nothing until the next AE accepts. `cycle`: the
 * window the button was shown for (a click on a message older than a move changes nothing).
 */
async function handBack(
  deps: FirstStepDeps,
  req: RequestContext & { handoffId: number; cycle?: number },
): Promise<HandBackResult> {
  if (!isInternalActor(req.actor, req.internalTeamIds)) return { kind: 'external' };
  const before = Number.isSafeInteger(req.handoffId) ? await findHandoff(deps.db, req.handoffId) : undefined;
  if (!before) return { kind: 'not_found' };
  const at = deps.clock.now();
  const verdict = policy(viewerOf(req, deps.adminUserIds), 'hand_back', before, at);
  if (verdict === 'external') return { kind: 'external' };
  if (verdict === 'not_allowed') return { kind: 'not_allowed', handoff: before };
  if (verdict === 'not_now' || (req.cycle !== undefined && req.cycle !== before.cycle))
    return { kind: 'not_now', handoff: before };
  const takenBack = { handedBack: true, step: before.firstStep ?? '', stepDue: before.firstStepDue ?? '' };
  const applied = await deps.lifecycle.apply({
    event: 'hand_back',
    before,
    actor: req.actor,
    at,
    change: { takenBackAt: at, ...takenBackTimes(at) },
    detail: before.firstStep ? { step: before.firstStep, due: before.firstStepDue } : null,
    owes: (_tx, after) => takenBackMessages(after, takenBack, { owner: true, ae: false }),
  });
  if (!applied) return { kind: 'not_now', handoff: (await findHandoff(deps.db, before.id)) ?? before };
  deps.logger.info({ handoffId: before.id, ae: before.aeUserId }, 'handed back to the owner');
  return { kind: 'done', handoff: applied.handoff };
}

export function createFirstSteps(deps: FirstStepDeps) {
  return {
    /** Hand it back: the AE gives the accepted deal back to its owner. */
    handBack: (req: RequestContext & { handoffId: number; cycle?: number }): Promise<HandBackResult> =>
      handBack(deps, req),
    /** The sweep's part: every first step's check that is due. */
    checkDue: (): Promise<number> => checkDue(deps),
    checkNewDate: (req: RequestContext & { handoffId: number }): Promise<StepDateCheck> =>
      checkNewDate(deps, req),
    newDate: (
      req: RequestContext & {
        handoffId: number;
        due: string | undefined;
        shownNewDates?: number;
        text?: string | undefined;
      },
    ): Promise<StepDateResult> => newDate(deps, req),
    /** `/handoff steps [ask]`: deals accepted before first steps, and asking their AEs to name one (admins). */
    askForSteps: (ctx: RequestContext, ask: boolean): Promise<StepsAsk> =>
      askForSteps(
        { ...deps, roles: deps.roles ?? { revopsUserIds: [], adminUserIds: deps.adminUserIds } },
        ctx,
        ask,
      ),
  };
}

export type FirstSteps = ReturnType<typeof createFirstSteps>;
