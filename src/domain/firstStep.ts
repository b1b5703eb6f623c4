import { DateTime } from 'luxon';
import { type BusinessCalendar, clockOf, isBusinessDay, responseDueAt } from './businessDays.js';
import { internalWords } from './internalText.js';
import { STEP_CHECKS, type StepCheck } from './lifecycleState.js';
import { partnerFiller } from './partnerFiller.js';

/**
 * Accept with a commitment: the AE's first step, its date and an estimated value, asked when they
 * accept. The partner reads the step word for word ("Next: intro call with Dana by Tue 2 Dec"), so it passes the same
 * checks as the packet's partner-read fields: no filler, no words that read as internal. The value stays internal.
 */

/** The step is one line the partner reads: short enough to read at a glance. */
export const FIRST_STEP_MAX = 150;
/** A step further ahead than this is not a first step: it would leave the deal idle for a quarter. */
export const FIRST_STEP_MAX_DAYS_AHEAD = 90;
/** The estimated value: whole units of the company's currency, up to a billion. */
export const ESTIMATED_VALUE_MAX = 1_000_000_000;

/**
 * The step offered when the AE opens the modal: one more click when it fits. It is the packet's own seller next move
 * when the partner may read it, else an intro call with the partner contact. It always passes its
 * own checks: a contact's name that would not (too long, or one the filler check refuses) gives "Intro call with the
 * partner".
 */
export function defaultFirstStep(h: { partnerContactName: string; sellerNextMove?: string | null }): string {
  // One line, without the closing full stop: the partner reads "Next: <step> by Thu 3 Dec".
  const move = (h.sellerNextMove ?? '').replace(/\s+/g, ' ').trim().replace(/\.$/, '');
  if (move && stepTextProblem(move) === undefined) return move;
  const named = `Intro call with ${h.partnerContactName.replace(/\s+/g, ' ').trim()}`;
  return stepTextProblem(named) === undefined ? named : 'Intro call with the partner';
}

/** Why the partner may not read this step as it is (the modal's inline error), or undefined when they may. */
function stepTextProblem(text: string): string | undefined {
  if (!text) return 'Say what the first step is, like “Intro call with Dana and their CFO”.';
  if (text.length > FIRST_STEP_MAX) return `Keep the step under ${FIRST_STEP_MAX} characters.`;
  const filler = partnerFiller('partnerNextMove', text);
  if (filler) return filler;
  const internal = internalWords(text);
  return internal.length > 0
    ? `The partner reads this word for word, and “${internal.join('”, “')}” reads as internal. Say the step as the partner may read it; keep the rest for the CRM.`
    : undefined;
}

export interface FirstStep {
  text: string;
  /** YYYY-MM-DD in the AE's calendar. */
  due: string;
  /** Internal: whole units, or null when not given. */
  estimatedValue: number | null;
}

export type FirstStepField = 'text' | 'due' | 'estimatedValue';

/** The step as typed, or each field's problem as the modal shows it inline. */
export type FirstStepCheck =
  | { ok: true; step: FirstStep }
  | { ok: false; errors: Partial<Record<FirstStepField, string>> };

/**
 * Why a date is no working day for the AE (planned in their calendar, core/responseWindow.ts `closedDay`): a company
 * closure day, a public holiday of theirs, or a day outside their own week; with their next working day.
 */
export type ClosedStepDay =
  | { kind: 'closure' | 'off'; next: string }
  | { kind: 'holiday'; name: string; next: string };

/** The modal's inline error for a step dated on a day the AE does not work. */
export function closedStepDayProblem(due: string, closed: ClosedStepDay): string {
  const why =
    closed.kind === 'closure'
      ? 'a company closure day'
      : closed.kind === 'holiday'
        ? `a public holiday for you (${closed.name})`
        : 'not one of your working days';
  return `${stepDate(due)} is ${why}: pick a day you work, like ${stepDate(closed.next)}.`;
}

/**
 * Checks the modal's three inputs. `today`: the AE's date now (YYYY-MM-DD, their calendar): the step may be today, not
 * before, and at most FIRST_STEP_MAX_DAYS_AHEAD days after. `closedOn`: why a date is no working day of the AE's (a
 * company closure day, a holiday of theirs, a day outside their week): the step is not dated on one.
 */
export function checkFirstStep(
  input: { text: string; due: string | null | undefined; estimatedValue: string | null | undefined },
  today: string,
  closedOn?: (date: string) => ClosedStepDay | undefined,
): FirstStepCheck {
  const errors: Partial<Record<FirstStepField, string>> = {};
  const text = input.text.replace(/\s+/g, ' ').trim();
  const textProblem = stepTextProblem(text);
  if (textProblem) errors.text = textProblem;
  const due = input.due ?? '';
  const dueDay = DateTime.fromISO(due, { zone: 'UTC' });
  if (!/^\d{4}-\d{2}-\d{2}$/.test(due) || !dueDay.isValid) errors.due = 'Pick the date of the first step.';
  else if (due < today) errors.due = 'Pick today or a later date.';
  else if (dueDay.diff(DateTime.fromISO(today, { zone: 'UTC' }), 'days').days > FIRST_STEP_MAX_DAYS_AHEAD)
    errors.due = `Pick a date within ${FIRST_STEP_MAX_DAYS_AHEAD} days: a first step further out leaves the deal idle.`;
  else {
    const closed = closedOn?.(due);
    if (closed) errors.due = closedStepDayProblem(due, closed);
  }
  const rawValue = (input.estimatedValue ?? '').trim();
  const value = rawValue === '' ? null : Number(rawValue);
  if (value !== null && (!Number.isInteger(value) || value < 0 || value > ESTIMATED_VALUE_MAX))
    errors.estimatedValue = 'Give a whole number, like 48000, or leave it empty.';
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, step: { text, due, estimatedValue: value } };
}

/** A step's date as people read it: "Tue 2 Dec" (never more than FIRST_STEP_MAX_DAYS_AHEAD away: no year needed). */
export function stepDate(due: string): string {
  const day = DateTime.fromISO(due, { zone: 'UTC' });
  return day.isValid ? day.toFormat('ccc d LLL', { locale: 'en-GB' }) : due;
}

/** The step in one line, for everyone who reads it (the partner included): "intro call with Dana by Tue 2 Dec". */
export const stepLine = (step: { firstStep: string; firstStepDue: string }) =>
  `${step.firstStep} by ${stepDate(step.firstStepDue)}`;

/**
 * The pool or person a take-back gives the deal to: back to its owner, or on to the next AE of a pool (round robin,
 * a fresh window for them).
 */
export type TakeBackTarget = { kind: 'owner' } | { kind: 'pool'; name: string; displayName?: string };

/**
 * One check of the first step's ladder: when, in business days from the step's date (negative: before it; the
 * check-in is on it), and, for the take-back, where the deal goes.
 */
export interface StepLevel {
  days: number;
  to?: TakeBackTarget;
}

/**
 * The checks a policy makes after the Accept, keyed by check: the policy file's `commitment` levels
 * (domain/policyFileLevels.ts). A check not named does not happen.
 */
export type AfterAccept = Partial<Record<StepCheck, StepLevel>>;

/**
 * The ladder of a policy that names none: reminded the business day before, asked on the date, the owner told
 * `graceDays` business days later (FIRST_STEP_GRACE_DAYS). No take-back: an install turns it on in its policy file.
 */
export const defaultAfterAccept = (graceDays: number): AfterAccept => ({
  reminder: { days: -1 },
  check_in: { days: 0 },
  owner: { days: graceDays },
});

/** When each of a step's checks is due, in the AE's calendar (a check the ladder does not name is absent). */
export type StepSchedule = Partial<Record<StepCheck, Date>>;

/**
 * A step's checks under `ladder`: a reminder on the morning (business hours' start) of the Nth business day before
 * its date; the check-in on its date, an hour before business hours end (a date that became a closure day or holiday
 * of the AE's after it was given: on their next working day); the owner told, and the take-back, so many business
 * days after the check-in's time. Holidays and closure days of the AE's calendar are skipped.
 */
export function stepSchedule(due: string, calendar: BusinessCalendar, ladder: AfterAccept): StepSchedule {
  const day = DateTime.fromISO(due, { zone: calendar.timeZone });
  if (!day.isValid) throw new RangeError(`not a step date in ${calendar.timeZone}: ${due}`);
  let checkDay = day;
  for (let looked = 0; looked < 366 && !isBusinessDay(checkDay, calendar); looked += 1)
    checkDay = checkDay.plus({ days: 1 });
  const checkIn = clockOf(checkDay, calendar.dayEnd).minus({ hours: 1 });
  const schedule: StepSchedule = {};
  const reminder = ladder.reminder;
  if (reminder) {
    let before = day;
    for (let left = Math.max(1, -reminder.days), looked = 0; left > 0 && looked < 60; looked += 1) {
      before = before.minus({ days: 1 });
      if (isBusinessDay(before, calendar)) left -= 1;
    }
    schedule.reminder = clockOf(before, calendar.dayStart).toJSDate();
  }
  if (ladder.check_in) schedule.check_in = checkIn.toJSDate();
  for (const check of ['owner', 'take_back'] as const) {
    const level = ladder[check];
    if (level) schedule[check] = responseDueAt(checkIn.toJSDate(), level.days, calendar);
  }
  return schedule;
}

/** The first check still ahead of `now` (a step due soon skips its reminder), or undefined when none is. */
export function nextStepCheck(schedule: StepSchedule, now: Date): { check: StepCheck; at: Date } | undefined {
  for (const check of STEP_CHECKS) {
    const at = schedule[check];
    if (at && at.getTime() > now.getTime()) return { check, at };
  }
  return undefined;
}

/** The check after `done` in the schedule (none after the last). */
export function checkAfter(
  schedule: StepSchedule,
  done: StepCheck,
): { check: StepCheck; at: Date } | undefined {
  for (const check of STEP_CHECKS.slice(STEP_CHECKS.indexOf(done) + 1)) {
    const at = schedule[check];
    if (at) return { check, at };
  }
  return undefined;
}

/** The last check of the schedule (when the first stall nudge may come: the checks are over then). */
export function lastStepCheck(schedule: StepSchedule): Date | undefined {
  const times = STEP_CHECKS.map((check) => schedule[check]).filter((at): at is Date => at !== undefined);
  return times.at(-1);
}
