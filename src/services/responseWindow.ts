import type { BusinessCalendar } from '../domain/businessDays.js';
import {
  businessHoursBetween,
  closedWeekdaysBetween,
  isoDateIn,
  responseDueAt,
} from '../domain/businessDays.js';
import { type Policy, planEscalation, type Step } from '../domain/escalation.js';
import type { ClosedDay, HolidayCalendar } from '../domain/holidays.js';
import { type ReminderPoint, reminderTimes } from '../domain/reminders.js';

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

/**
 * A window's deadline as the review shows it before sending (JSON: it is kept with the draft): when the answer is
 * due, the closed weekdays it skipped and why ("Thanksgiving Day (US)"), and whose public holidays count.
 */
export interface DeadlinePreview {
  /** ISO instant. */
  dueAt: string;
  timeZone: string;
  businessDays: number;
  skipped: ClosedDay[];
  /** The public-holiday regions that count for the AE (empty: none do). */
  holidayRegions: string[];
  /** How they were chosen: from the AE's time zone (the default), listed for everyone, or switched off. */
  holidaysBy: 'zone' | 'setting' | 'none';
}

export interface WindowPlannerOptions {
  calendar: Omit<BusinessCalendar, 'timeZone' | 'isHoliday'> & {
    defaultTimeZone: string;
    /** Closed days; a holidayCalendar also says why a day is closed and whose holidays count (the review's line). */
    isHoliday?: NonNullable<BusinessCalendar['isHoliday']> &
      Partial<Pick<HolidayCalendar, 'why' | 'regionsFor' | 'regions'>>;
  };
  reminders: readonly ReminderPoint[];
}

/** Plans one response window: its due time and its reminders, in the AE's timezone and business calendar. */
export function createWindowPlanner(opts: WindowPlannerOptions) {
  return {
    /** A person's today (YYYY-MM-DD) in their own zone (none known: the deployment's DEFAULT_TIMEZONE). */
    todayOf(at: Date, timeZone: string | undefined): string {
      return isoDateIn(at, timeZone ?? opts.calendar.defaultTimeZone);
    },
    /** The deadline of a window starting at `startAt`, and the holidays or closure days that moved it. */
    deadline(startAt: Date, businessDays: number, timeZone: string | undefined): DeadlinePreview {
      const zone = timeZone ?? opts.calendar.defaultTimeZone;
      const calendar = { ...opts.calendar, timeZone: zone };
      const dueAt = responseDueAt(startAt, businessDays, calendar);
      const holidays = opts.calendar.isHoliday;
      const regions = holidays?.regions;
      return {
        dueAt: dueAt.toISOString(),
        timeZone: zone,
        businessDays,
        skipped: closedWeekdaysBetween(startAt, dueAt, calendar).map((date) => ({
          date,
          why: holidays?.why?.(date, zone) ?? 'a closed day',
        })),
        holidayRegions: [...(holidays?.regionsFor?.(zone) ?? [])],
        holidaysBy: regions === 'none' ? 'none' : regions === 'by_zone' ? 'zone' : 'setting',
      };
    },
    /** The moment `businessDays` business days after `from`, in the AE's calendar (stalled-deal nudges). */
    businessDaysAfter(from: Date, businessDays: number, timeZone: string | undefined): Date {
      const zone = timeZone ?? opts.calendar.defaultTimeZone;
      return responseDueAt(from, businessDays, { ...opts.calendar, timeZone: zone });
    },
    /** Business hours between two moments in the AE's calendar (time to decision). */
    businessHoursBetween(from: Date, to: Date, timeZone: string | undefined): number {
      const zone = timeZone ?? opts.calendar.defaultTimeZone;
      return businessHoursBetween(from, to, { ...opts.calendar, timeZone: zone });
    },
    /**
     * `remindAfter`: keep only reminders and steps after this moment (a window that has already been running).
     * `policy`: the handoff's escalation policy (its reminders and steps); none: the REMINDERS setting alone.
     */
    plan(
      startAt: Date,
      businessDays: number,
      timeZone: string | undefined,
      remindAfter?: Date,
      policy?: Policy,
    ): WindowPlan & { timeZone: string } {
      const zone = timeZone ?? opts.calendar.defaultTimeZone;
      const calendar = { ...opts.calendar, timeZone: zone };
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
    },
  };
}

export type WindowPlanner = ReturnType<typeof createWindowPlanner>;
