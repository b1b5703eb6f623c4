import { stepDate } from './firstStep.js';

/**
 * A person's own days: their working week and hours, whose public holidays count for them, and a pause from
 * their pools. The rules and words here; the values are the program's `person` part (program/kinds.ts).
 */

/** A pause from one's pools: until they resume, or through this day of their calendar (YYYY-MM-DD). */
export type Pause = 'until_resumed' | string;

/** One person's own days as the program keeps them (the `person` part; its schema: `personSchema`, program/kinds.ts). */
export interface PersonBody {
  /** Their own holiday regions, or `none` (unset: their time zone's country, or everyone's setting). */
  regions?: 'none' | string[] | undefined;
  /** The days of the week they work, ISO numbered 1..7 (unset: Monday to Friday). */
  workingDays?: number[] | undefined;
  /** Their own business hours, HH:MM (unset: the deployment's). */
  hours?: { start: string; end: string } | undefined;
  /** Out of their pools' round robin: through this date (YYYY-MM-DD, in their calendar), or until they resume. */
  paused?: Pause | undefined;
}

const WEEKDAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;

/** The day's name, ISO numbered (1 Monday … 7 Sunday). */
export const weekdayName = (day: number): string => WEEKDAY_NAMES[day - 1] ?? String(day);

/**
 * A week's days in reading order: Monday first for days of Monday to Friday; a week with a weekend day worked starts
 * after its longest time off, so that a week across the weekend reads as one run (Sunday to Thursday: 7, 1, 2, 3, 4).
 */
export function weekInOrder(days: readonly number[] | undefined): number[] {
  const set = new Set((days ?? [1, 2, 3, 4, 5]).filter((d) => Number.isInteger(d) && d >= 1 && d <= 7));
  const sorted = [...set].sort((a, b) => a - b);
  if (sorted.length === 7 || sorted.every((d) => d <= 5)) return sorted;
  // The days off before each day worked (across the week's end); the run starts after the most.
  const off = sorted.map((d, i) => (d - (sorted[i - 1] ?? (sorted.at(-1) as number) - 7) + 6) % 7);
  const at = off.indexOf(Math.max(...off));
  return [...sorted.slice(at), ...sorted.slice(0, at)];
}

/** Whether days in reading order are one run of the week (Sunday, Monday … Thursday). */
const isRun = (ordered: readonly number[]) =>
  ordered.every((d, i) => i === 0 || d === ((ordered[i - 1] as number) % 7) + 1);

/**
 * Working days as people read them: "Monday to Friday", "Sunday to Thursday", "Monday, Tuesday and Thursday", "every
 * day"; `names` gives each day's name (short names in a file's diff).
 */
export function workingDaysWords(
  days: readonly number[] | undefined,
  names: (day: number) => string = weekdayName,
  to = ' to ',
): string {
  const ordered = weekInOrder(days);
  const first = ordered[0];
  const last = ordered.at(-1);
  if (first === undefined || last === undefined) return 'no day';
  if (ordered.length === 7) return 'every day';
  if (ordered.length >= 3 && isRun(ordered)) return `${names(first)}${to}${names(last)}`;
  const named = ordered.map(names);
  return named.length === 1 ? (named[0] as string) : `${named.slice(0, -1).join(', ')} and ${named.at(-1)}`;
}

/** A person's own hours as people read them: "08:00–16:00 (Asia/Jerusalem)" (no zone known: the hours alone). */
export function hoursWords(hours: { start: string; end: string }, timeZone?: string): string {
  return `${hours.start}–${hours.end}${timeZone ? ` (${timeZone})` : ''}`;
}

/** Whether a pause keeps someone out of their pools on `today` (their calendar's date): its last day included. */
export function pausedOn(paused: Pause | undefined, today: string): boolean {
  if (paused === undefined) return false;
  return paused === 'until_resumed' || today <= paused;
}

/** How long a pause lasts, after "until": "you resume" or "Thu 3 Dec". */
export function pauseEnd(paused: Pause, who: 'you' | 'they' = 'you'): string {
  return paused === 'until_resumed' ? `${who} resume` : stepDate(paused);
}

/**
 * The regions typed in the form: empty, their time zone's country (undefined); `none`, no public holiday; else the
 * regions, split on commas or spaces and upper-cased (checked by the `person` schema afterwards).
 */
export function regionsFromText(text: string | undefined): string[] | 'none' | undefined {
  const trimmed = (text ?? '').trim();
  if (trimmed === '') return undefined;
  if (trimmed.toLowerCase() === 'none') return 'none';
  return trimmed
    .split(/[\s,;]+/)
    .filter(Boolean)
    .map((r) => r.toUpperCase());
}

/** The regions as the form shows them again: "US, DE-BY", "none", or empty. */
export function regionsText(regions: readonly string[] | 'none' | undefined): string {
  if (regions === undefined) return '';
  return regions === 'none' ? 'none' : regions.join(', ');
}

/** A region as people read it: "Germany (DE)", "Germany, DE-BY". */
export function regionWords(region: string): string {
  const [country = region, state] = region.split('-');
  let name: string | undefined;
  try {
    name = new Intl.DisplayNames(['en'], { type: 'region' }).of(country);
  } catch {
    name = undefined;
  }
  if (!name || name === country) return region;
  return state ? `${name}, ${region}` : `${name} (${region})`;
}

/** Whose public holidays count for a person, and why (the App Home's "Your days"). */
export type HolidaysFor =
  /** Their own choice: these regions (none: no public holiday for them). */
  | { kind: 'own'; regions: readonly string[] }
  /** Their time zone's country (no zone known: said so; a zone of no country: none). */
  | { kind: 'zone'; regions: readonly string[]; timeZone?: string }
  /** The workspace skips no public holiday. */
  | { kind: 'none' }
  /** The same regions for everyone. */
  | { kind: 'everyone'; regions: readonly string[] };

/** A pool someone is in, by the name people read. */
export interface PoolOfPerson {
  id: string;
  name: string;
  managers: readonly string[];
}

/** What the App Home says of a person's own days. */
export interface OwnDays {
  workingDays?: readonly number[] | undefined;
  /** Their own business hours (unset: the team's). */
  hours?: { start: string; end: string } | undefined;
  /** Their time zone, when known (their hours are in it). */
  timeZone?: string | undefined;
  holidays: HolidaysFor;
  /** Their pause, while it keeps them out of their pools today. */
  paused?: Pause | undefined;
  /** The listed pools they are in. */
  pools: readonly PoolOfPerson[];
  /** The program has pools by user group (whose members are read from Slack when a pool is used). */
  byGroup: boolean;
}
