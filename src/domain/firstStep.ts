import { DateTime } from 'luxon';
import { type BusinessCalendar, clockOf, isBusinessDay, responseDueAt } from './businessDays.js';
import { internalWords } from './internalText.js';
import type { StepCheck } from './lifecycleState.js';
import { partnerFiller } from './partnerFiller.js';

/**
 * Accept with a commitment (issue 51 item 1): the AE's first step, its date and an estimated value, asked when they
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
 * The step offered when the AE opens the modal: one more click when it fits. It always passes its own checks: a
 * contact's name that would not (too long, or one the filler check refuses) gives "Intro call with the partner".
 */
export function defaultFirstStep(partnerContactName: string): string {
  const named = `Intro call with ${partnerContactName.replace(/\s+/g, ' ').trim()}`;
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
 * Checks the modal's three inputs. `today`: the AE's date now (YYYY-MM-DD, their calendar): the step may be today, not
 * before, and at most FIRST_STEP_MAX_DAYS_AHEAD days after.
 */
export function checkFirstStep(
  input: { text: string; due: string | null | undefined; estimatedValue: string | null | undefined },
  today: string,
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

/** When each of a step's checks is due (issue 51 item 2), in the AE's calendar. */
export type StepSchedule = Record<StepCheck, Date>;

/**
 * A step's checks: the reminder on the morning (business hours' start) of the last business day before its date; the
 * check-in on its date, an hour before business hours end; the owner told `graceDays` business days after the
 * check-in, at the same time of day. Holidays and closure days of the AE's calendar are skipped.
 */
export function stepSchedule(due: string, calendar: BusinessCalendar, graceDays: number): StepSchedule {
  const day = DateTime.fromISO(due, { zone: calendar.timeZone });
  if (!day.isValid) throw new RangeError(`not a step date in ${calendar.timeZone}: ${due}`);
  const checkIn = clockOf(day, calendar.dayEnd).minus({ hours: 1 });
  let before = day.minus({ days: 1 });
  for (let looked = 0; looked < 30 && !isBusinessDay(before, calendar); looked += 1)
    before = before.minus({ days: 1 });
  return {
    reminder: clockOf(before, calendar.dayStart).toJSDate(),
    check_in: checkIn.toJSDate(),
    owner: responseDueAt(checkIn.toJSDate(), graceDays, calendar),
  };
}

/** The first check still ahead of `now` (a step due soon skips its reminder), or undefined when none is. */
export function nextStepCheck(schedule: StepSchedule, now: Date): { check: StepCheck; at: Date } | undefined {
  for (const check of ['reminder', 'check_in', 'owner'] as const)
    if (schedule[check].getTime() > now.getTime()) return { check, at: schedule[check] };
  return undefined;
}
