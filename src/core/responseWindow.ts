import { DateTime } from 'luxon';
import type { BusinessCalendar, OwnWeek } from '../domain/businessDays.js';
import {
  businessHoursBetween,
  businessTimeAfter,
  closedWeekdaysBetween,
  isBusinessDay,
  isoDateIn,
  reachableAt,
  responseDueAt,
  worksOn,
} from '../domain/businessDays.js';
import { type Policy, planEscalation, type Step } from '../domain/escalation.js';
import {
  type AfterAccept,
  type ClosedStepDay,
  type StepSchedule,
  stepSchedule,
} from '../domain/firstStep.js';
import { COMPANY_CLOSURE, type HolidayCalendar } from '../domain/holidays.js';
import { type ReminderPoint, reminderTimes } from '../domain/reminders.js';
import type { DeadlinePreview } from '../domain/review.js';
import { zoneFor } from '../domain/zones.js';

export interface WindowPlan {
  windowStartedAt: Date;
  windowDays: number;
  dueAt: Date;
  reminderSchedule: number[];
  nextReminderAt: Date | null;
  /** The escalation policy's notifications and reassignments in this window (none without a policy). */
  escalationSteps: Step[];
  nextEscalationAt: Date | null;
}

/** A window's deadline as the review shows it before sending: in domain/review.ts, where renderers read it. */
export type { DeadlinePreview } from '../domain/review.js';

/**
 * Whose calendar: a person (their Slack user id and zone: their own HOLIDAY_REGIONS entry, if any, wins), or a zone
 * alone (no one's own entry applies). No zone: the deployment's DEFAULT_TIMEZONE.
 */
export type Whose = string | undefined | { id: string; timeZone: string | undefined };

export interface WindowPlannerOptions {
  calendar: Omit<BusinessCalendar, 'timeZone' | 'isHoliday'> & {
    defaultTimeZone: string;
    /** Closed days; a holidayCalendar also says why a day is closed and whose holidays count (the review's line). */
    isHoliday?: NonNullable<BusinessCalendar['isHoliday']> &
      Partial<Pick<HolidayCalendar, 'why' | 'regionsFor' | 'chosenFor' | 'regions'>> & {
        /** A person's own week and hours, when they set any (program/program.ts): their window counts in them. */
        ownWeek?: (person: string) => OwnWeek | undefined;
      };
  };
  reminders: readonly ReminderPoint[];
}

/** What a DeadlinePreview says of how the regions were chosen. */
const HOLIDAYS_BY = { by_zone: 'zone', none: 'none', person: 'person' } as const;

/** Plans one response window: its due time and its reminders, in the AE's timezone and business calendar. */
export function createWindowPlanner(opts: WindowPlannerOptions) {
  return {
    /** A person's today (YYYY-MM-DD) in their own zone (none known: the deployment's DEFAULT_TIMEZONE). */
    todayOf(at: Date, timeZone: string | undefined): string {
      return isoDateIn(at, timeZone ?? opts.calendar.defaultTimeZone);
    },
    deadline: (startAt: Date, businessDays: number, whose: Whose): DeadlinePreview =>
      deadline(opts, startAt, businessDays, whose),
    /** The moment `businessDays` business days after `from`, in the AE's calendar (stalled-deal nudges). */
    businessDaysAfter(from: Date, businessDays: number, whose: Whose): Date {
      return responseDueAt(from, businessDays, calendarOf(opts, whose));
    },
    /**
     * A person's first working morning on a day after `after`'s, in their calendar (their own week and hours, their
     * holidays): when a reminder to them that waits for their morning is due.
     */
    nextMorning(after: Date, whose: Whose): Date {
      const calendar = calendarOf(opts, whose);
      const tomorrow = DateTime.fromJSDate(after, { zone: calendar.timeZone })
        .plus({ days: 1 })
        .startOf('day');
      return reachableAt(tomorrow.toJSDate(), calendar);
    },
    /** A first step's checks under a policy's ladder, in the AE's calendar: domain/firstStep.ts. */
    stepSchedule(due: string, whose: Whose, ladder: AfterAccept): StepSchedule {
      return stepSchedule(due, calendarOf(opts, whose), ladder);
    },
    /** Why a date (YYYY-MM-DD) is no working day for a person, and their next one; undefined when it is one. */
    closedDay(date: string, whose: Whose): ClosedStepDay | undefined {
      return closedDay(opts, date, whose);
    },
    /** The next moment at or after `at` inside a person's business hours on one of their business days. */
    reachableAt(at: Date, whose: Whose): Date {
      return reachableAt(at, calendarOf(opts, whose));
    },
    /** Business hours between two moments in the AE's calendar (time to decision). */
    businessHoursBetween(from: Date, to: Date, whose: Whose): number {
      return businessHoursBetween(from, to, calendarOf(opts, whose));
    },
    /** The moment `ms` of business time after `from` in the AE's calendar (a paused window's time added back). */
    businessTimeAfter(from: Date, ms: number, whose: Whose): Date {
      return businessTimeAfter(from, ms, calendarOf(opts, whose));
    },
    plan: (
      startAt: Date,
      businessDays: number,
      whose: Whose,
      remindAfter?: Date,
      policy?: Policy,
    ): WindowPlan & { timeZone: string } => plan(opts, startAt, businessDays, whose, remindAfter, policy),
  };
}

export type WindowPlanner = ReturnType<typeof createWindowPlanner>;

/**
 * The business calendar of a person (or a zone): their zone, who they are for their own holiday regions, and their
 * own week and hours when they set them. The default hours are read from `opts.calendar` at each call, so a change of
 * them applies to the next window planned.
 */
function calendarOf(opts: WindowPlannerOptions, whose: Whose): BusinessCalendar {
  const { timeZone, id } = typeof whose === 'object' ? whose : { timeZone: whose, id: undefined };
  const own = id === undefined ? undefined : opts.calendar.isHoliday?.ownWeek?.(id);
  return {
    ...opts.calendar,
    timeZone: timeZone ?? opts.calendar.defaultTimeZone,
    ...(id === undefined ? {} : { person: id }),
    ...(own?.workingDays ? { workingDays: own.workingDays } : {}),
    ...(own?.hours ? { dayStart: own.hours.start, dayEnd: own.hours.end } : {}),
  };
}

/**
 * Why `date` is no working day in a person's calendar (their first step may not be dated on it), and the next day that
 * is: a company closure day, a public holiday of theirs (by its name), or a day outside their own week.
 */
function closedDay(opts: WindowPlannerOptions, date: string, whose: Whose): ClosedStepDay | undefined {
  const calendar = calendarOf(opts, whose);
  const day = DateTime.fromISO(date, { zone: zoneFor(calendar.timeZone) });
  if (!day.isValid || isBusinessDay(day, calendar)) return undefined;
  let next = day.plus({ days: 1 });
  for (let looked = 0; looked < 366 && !isBusinessDay(next, calendar); looked += 1)
    next = next.plus({ days: 1 });
  const nextDate = next.toISODate() ?? date;
  if (!worksOn(calendar, day.weekday)) return { kind: 'off', next: nextDate };
  const why = opts.calendar.isHoliday?.why?.(date, calendar.timeZone, calendar.person);
  return why === undefined || why === COMPANY_CLOSURE
    ? { kind: 'closure', next: nextDate }
    : { kind: 'holiday', name: why, next: nextDate };
}

/** The deadline of a window starting at `startAt`, and the holidays or closure days that moved it. */
function deadline(
  opts: WindowPlannerOptions,
  startAt: Date,
  businessDays: number,
  whose: Whose,
): DeadlinePreview {
  const calendar = calendarOf(opts, whose);
  const { timeZone: zone, person } = calendar;
  const dueAt = responseDueAt(startAt, businessDays, calendar);
  const holidays = opts.calendar.isHoliday;
  const chosen = holidays?.chosenFor?.(person) ?? holidays?.regions;
  const regions = [...(holidays?.regionsFor?.(zone, person) ?? [])];
  return {
    dueAt: dueAt.toISOString(),
    timeZone: zone,
    businessDays,
    skipped: closedWeekdaysBetween(startAt, dueAt, calendar).map((date) => ({
      date,
      why: holidays?.why?.(date, zone, person) ?? 'a closed day',
    })),
    holidayRegions: regions,
    // `U…=none`: 'person' with no region, said as that person's setting (not the workspace's, nor the zone's).
    holidaysBy: typeof chosen === 'string' ? HOLIDAYS_BY[chosen] : 'setting',
  };
}

/**
 * `remindAfter`: keep only reminders and steps after this moment (a window that has already been running).
 * `policy`: the handoff's escalation policy (its reminders and steps); none: the REMINDERS setting alone.
 */
function plan(
  opts: WindowPlannerOptions,
  startAt: Date,
  businessDays: number,
  whose: Whose,
  remindAfter?: Date,
  policy?: Policy,
): WindowPlan & { timeZone: string } {
  const calendar = calendarOf(opts, whose);
  const zone = calendar.timeZone;
  const dueAt = responseDueAt(startAt, businessDays, calendar);
  const after = (ms: number) => remindAfter === undefined || ms > remindAfter.getTime();
  const planned = policy
    ? planEscalation(policy, { start: startAt, due: dueAt, businessDays }, calendar)
    : {
        reminders: reminderTimes(startAt, dueAt, businessDays, opts.reminders, calendar).map((d) =>
          d.getTime(),
        ),
        steps: [],
      };
  const schedule = planned.reminders.filter(after);
  const steps = planned.steps.filter((step) => after(step.at));
  return {
    timeZone: zone,
    windowStartedAt: startAt,
    windowDays: businessDays,
    dueAt,
    reminderSchedule: schedule,
    nextReminderAt: schedule.length > 0 ? new Date(schedule[0] as number) : null,
    escalationSteps: steps,
    nextEscalationAt: steps.length > 0 ? new Date((steps[0] as Step).at) : null,
  };
}
