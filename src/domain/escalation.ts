import { DateTime } from 'luxon';
import { type BusinessCalendar, clockOf, isBusinessDay, windowStart } from './businessDays.js';
import type { AfterAccept } from './firstStep.js';
import { addBusinessMinutes, lastMorningOf, type ReminderPoint } from './reminders.js';
import { zoneFor } from './zones.js';

/**
 * Escalation policies: what happens while a handoff waits for its AE, level by level, like an on-call tool's
 * escalation policy. Each level has a trigger (a share of the window's business hours, the morning of the last
 * day, the due time, or business hours after it), targets and an action (remind the AE, notify people or a channel,
 * or reassign to the next AE of a pool with a fresh window), and may repeat. Every time is counted in the AE's
 * business calendar (their time zone, business hours, weekends, holidays and closure days).
 */
export type Trigger =
  | { kind: 'share'; percent: number }
  | { kind: 'lastMorning' }
  /**
   * The due time, or this many business hours after it; `afterBusinessDays` when the policy wrote it in days (due+1d),
   * so people read it in the unit it was given, one unit per interval.
   */
  | { kind: 'due'; afterBusinessHours: number; afterBusinessDays?: number };

export type Target =
  | { kind: 'ae' }
  | { kind: 'manager' }
  | { kind: 'owner' }
  /** Whoever the AE named to answer for them (`/handoff cover`), while the cover lasts. */
  | { kind: 'cover' }
  | { kind: 'channel'; id: string }
  /** `displayName`: the pool's name as people read it (the file's `name`, or the id made readable). */
  | { kind: 'pool'; name: string; displayName?: string };

export type Action = 'remind' | 'notify' | 'reassign';

export interface Level {
  at: Trigger;
  action: Action;
  to: Target[];
  /**
   * Again every so many business hours, so many more times, within one window (not past the due time for reminders).
   * A reassigning level that moved the handoff starts a new window, where the policy's levels run again; its repeats
   * are the tries again when nobody could take it.
   */
  repeat?: { everyBusinessHours: number; times: number };
}

/**
 * The policy file's limits (its `limits` object): how far the policies may go on one handoff, each a whole number in
 * its range, with its default when the file does not say.
 */
export const POLICY_LIMITS = {
  /** Times the policies may move one handoff to another AE, all levels and windows together; then the owner decides. */
  reassignments: { default: 2, min: 0, max: 10 },
} as const;

export type PolicyLimit = keyof typeof POLICY_LIMITS;
export type PolicyLimits = Record<PolicyLimit, number>;

/** The limits in force: the file's, and the default of every one it does not name. */
export function limitsWith(given: Partial<PolicyLimits> | undefined): PolicyLimits {
  const limits = {} as PolicyLimits;
  for (const name of Object.keys(POLICY_LIMITS) as PolicyLimit[])
    limits[name] = given?.[name] ?? POLICY_LIMITS[name].default;
  return limits;
}

export interface Policy {
  /** The policy's id in the file (`strategic`): the handoff keeps it, and the touch log names it. */
  name: string;
  /** What people read ("the *Strategic accounts* escalation policy"): the file's `name`, or the id made readable. */
  displayName: string;
  levels: Level[];
  /** Where the levels are in the file, for the places messages name: `policies.x.levels` (an object); absent: a list. */
  levelsAt?: string;
  /**
   * After the Accept: the checks of the AE's first step, from the file's `commitment` levels; absent: the
   * default ladder (domain/firstStep.ts `defaultAfterAccept`), which never takes a deal back.
   */
  afterAccept?: AfterAccept;
}

/**
 * Which policy a handoff runs under: its id (null: the default) and the version it was sent under (the
 * program_log entry; null: sent before policies were data, which follows the version in force).
 */
export interface PolicyRef {
  escalationPolicy: string | null;
  policyVersion: number | null;
}

export const policyRefOf = (h: PolicyRef): PolicyRef => ({
  escalationPolicy: h.escalationPolicy,
  policyVersion: h.policyVersion,
});

/** A pool a packet may name instead of an AE: its id in the policy file, and its name as people read it. */
export interface PoolChoice {
  id: string;
  name: string;
}

/**
 * A policy's id as people read it when the file gives it no `name`: its words apart and the first capitalized
 * (`enterprise-backup` → "Enterprise backup", `default` → "Default"). Never the raw id in a message.
 */
export function readablePolicyName(id: string): string {
  const words = id.replace(/[-_]+/g, ' ').trim();
  return words ? `${words.charAt(0).toUpperCase()}${words.slice(1)}` : 'Default';
}

/** One planned escalation step: when, which level (its index in the policy), and which repeat (0: the first). */
export interface Step {
  at: number;
  level: number;
  repeat: number;
}

/**
 * The policy that reproduces the app without a policy file: the reminders of `REMINDERS` to the AE, and at the due
 * time (when the window expires) the escalation channel and the AE's manager from `ESCALATION_MANAGERS`.
 */
export function defaultPolicy(
  reminders: readonly ReminderPoint[],
  escalationChannelId: string | undefined,
): Policy {
  const levels: Level[] = reminders.map((point) => ({
    at: point.kind === 'share' ? { kind: 'share', percent: point.percent } : { kind: 'lastMorning' },
    action: 'remind',
    to: [{ kind: 'ae' }],
  }));
  levels.push({
    at: { kind: 'due', afterBusinessHours: 0 },
    action: 'notify',
    to: [
      ...(escalationChannelId ? [{ kind: 'channel' as const, id: escalationChannelId }] : []),
      { kind: 'manager' },
    ],
  });
  return { name: 'default', displayName: readablePolicyName('default'), levels };
}

/**
 * Levels carried out by the expiry itself (a notification at the due time, once): what the window's end tells, as
 * the app did before policies. Everything else is a step of the sweep.
 */
export function isExpiryLevel(level: Level): boolean {
  return (
    level.action === 'notify' &&
    level.at.kind === 'due' &&
    level.at.afterBusinessHours === 0 &&
    !level.repeat &&
    // A pool's members are read from Slack: a step of the sweep, not of the expiry's transaction.
    !level.to.some((t) => t.kind === 'pool')
  );
}

/** The targets told when the window expires (the union of the expiry levels' targets). */
export function expiryTargets(policy: Policy): Target[] {
  return policy.levels.filter(isExpiryLevel).flatMap((level) => level.to);
}

/** Business minutes in one business day of this calendar. */
function dayMinutes(calendar: BusinessCalendar, at: DateTime): number {
  return clockOf(at, calendar.dayEnd).diff(clockOf(at, calendar.dayStart), 'minutes').minutes;
}

/** The first moment inside business hours at or after `at` (a due time at closing counts from the next opening). */
function openAtOrAfter(at: DateTime, calendar: BusinessCalendar): DateTime {
  // windowStart moves a moment before opening, after closing or on a day off to the next opening.
  return windowStart(at.toJSDate(), calendar);
}

export interface WindowShape {
  /** When the window started (the send, a reassignment or an extension that restarted it). */
  start: Date;
  due: Date;
  businessDays: number;
}

/** When a level first fires in this window (business time, the AE's calendar). */
export function levelTime(level: Level, window: WindowShape, calendar: BusinessCalendar): DateTime {
  const zone = zoneFor(calendar.timeZone);
  const start = windowStart(window.start, calendar);
  const due = DateTime.fromJSDate(window.due, { zone });
  switch (level.at.kind) {
    case 'share':
      return addBusinessMinutes(
        start,
        Math.round((dayMinutes(calendar, start) * window.businessDays * level.at.percent) / 100),
        calendar,
      );
    case 'lastMorning':
      return lastMorningOf(due, calendar);
    case 'due':
      return level.at.afterBusinessHours === 0
        ? due
        : addBusinessMinutes(openAtOrAfter(due, calendar), level.at.afterBusinessHours * 60, calendar);
  }
}

/** Every time a level fires in this window: the first, then its repeats. */
function levelTimes(level: Level, window: WindowShape, calendar: BusinessCalendar): DateTime[] {
  const first = levelTime(level, window, calendar);
  const times = [first];
  if (level.repeat) {
    let at = first;
    for (let n = 0; n < level.repeat.times; n += 1) {
      at = addBusinessMinutes(openAtOrAfter(at, calendar), level.repeat.everyBusinessHours * 60, calendar);
      times.push(at);
    }
  }
  return times;
}

export interface WindowEscalation {
  /** The reminders to the AE (epoch ms), strictly inside the window, in order, without duplicates. */
  reminders: number[];
  /** The notifications and reassignments the sweep carries out, in order (the expiry's own notice is not one). */
  steps: Step[];
}

/**
 * Plans a window's escalation under a policy. Reminders keep only the times strictly between the window's start and
 * its due time (a reminder after the due time has nothing left to ask). Steps before the start are dropped; steps
 * from the due time on happen only if the handoff is still unanswered then (the sweep checks).
 */
export function planEscalation(
  policy: Policy,
  window: WindowShape,
  calendar: BusinessCalendar,
): WindowEscalation {
  const start = windowStart(window.start, calendar).toMillis();
  const due = window.due.getTime();
  const reminders = new Set<number>();
  const steps: Step[] = [];
  policy.levels.forEach((level, index) => {
    if (isExpiryLevel(level)) return;
    const times = levelTimes(level, window, calendar).map((t) => t.toMillis());
    if (level.action === 'remind') {
      for (const at of times) if (at > start && at < due) reminders.add(at);
      return;
    }
    times.forEach((at, repeat) => {
      if (at > start) steps.push({ at, level: index, repeat });
    });
  });
  steps.sort((a, b) => a.at - b.at || a.level - b.level || a.repeat - b.repeat);
  return { reminders: [...reminders].sort((a, b) => a - b), steps };
}

/** The latest step due at `now` (one, even after downtime: stale notifications are noise) and the next one after. */
export function dueStep(steps: readonly Step[], now: number): { due?: Step; next?: Step } {
  let due: Step | undefined;
  let next: Step | undefined;
  for (const step of steps) {
    if (step.at <= now) due = step;
    else {
      next = step;
      break;
    }
  }
  return { ...(due ? { due } : {}), ...(next ? { next } : {}) };
}

/** Whether a business moment falls on a business day of the calendar (tests and the policy file's examples). */
export function onBusinessDay(at: Date, calendar: BusinessCalendar): boolean {
  return isBusinessDay(DateTime.fromJSDate(at, { zone: zoneFor(calendar.timeZone) }), calendar);
}
