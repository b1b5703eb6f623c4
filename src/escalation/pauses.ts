import type { WindowPlanner } from '../core/responseWindow.js';
import type { HandoffRow, NewHandoffRow } from '../db/schema.js';
import type { Policies } from './policies.js';

/**
 * The pause of an AE's response window while their question waits for the author, in the AE's
 * calendar: what starting it changes, and what ending it does (the window planned again, its start and deadline
 * moved by the paused business time, its reminders and escalation steps still ahead moved with them).
 */
export interface PauseDeps {
  windows: WindowPlanner;
  /** The handoff's escalation policy plans the resumed window (absent: the REMINDERS setting). */
  policies?: Policies;
  /** QUESTION_PAUSE_DAYS: the longest pause in business days; 0: a question does not pause the window. */
  pauseDays: number;
}

const HOUR_MS = 3_600_000;
const aeOf = (h: Pick<HandoffRow, 'aeUserId' | 'aeTimeZone'>) => ({ id: h.aeUserId, timeZone: h.aeTimeZone });

/**
 * What a question starts: the clock paused from `at` until it is answered, at most QUESTION_PAUSE_DAYS business days;
 * nothing is reminded or escalated meanwhile, and a new window cycle starts (every message about the running clock
 * then says it in the past tense, with where it stands now). Undefined when questions do not pause the window.
 */
export function pauseStart(
  deps: PauseDeps,
  h: HandoffRow,
  at: Date,
):
  | Pick<NewHandoffRow, 'pausedAt' | 'pauseEndsAt' | 'nextReminderAt' | 'nextEscalationAt' | 'cycle'>
  | undefined {
  if (deps.pauseDays <= 0 || h.pausedAt) return undefined;
  return {
    pausedAt: at,
    pauseEndsAt: deps.windows.businessDaysAfter(at, deps.pauseDays, aeOf(h)),
    nextReminderAt: null,
    nextEscalationAt: null,
    cycle: h.cycle + 1,
  };
}

/** Business hours of the AE's calendar between two moments: a pause's length, left out of the time to decision. */
export function pausedHours(
  deps: Pick<PauseDeps, 'windows'>,
  h: Pick<HandoffRow, 'aeUserId' | 'aeTimeZone'>,
  from: Date,
  to: Date,
): number {
  return deps.windows.businessHoursBetween(from, to, aeOf(h));
}

/**
 * The window after a pause that ran from `h.pausedAt` to `endedAt` (the answer, or the pause's longest): planned again
 * from its start moved on by the paused business time, so its deadline is the old one plus that time (in the AE's
 * business days, holidays included) and the reminders and steps not yet due move with it. A new cycle: the reminders
 * start again from there. `now`: what is already past is not planned (after downtime, the sweep catches up).
 */
export function resumeChange(
  deps: PauseDeps,
  h: HandoffRow,
  endedAt: Date,
  now: Date,
): Partial<NewHandoffRow> {
  const paused = h.pausedAt ? pausedHours(deps, h, h.pausedAt, endedAt) * HOUR_MS : 0;
  const start = deps.windows.businessTimeAfter(h.windowStartedAt ?? h.sentAt, paused, aeOf(h));
  const { timeZone: _zone, ...window } = deps.windows.plan(
    start,
    h.windowDays ?? h.responseWindowDays,
    aeOf(h),
    now,
    deps.policies?.byName(h),
  );
  return { ...window, pausedAt: null, pauseEndsAt: null, cycle: h.cycle + 1 };
}
