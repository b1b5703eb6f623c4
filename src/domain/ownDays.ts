import { stepDate } from './firstStep.js';

/**
 * A person's own days (issue 53): their working weekdays, whose public holidays count for them, and a pause from
 * their pools. The rules and words here; the values are the program's `person` part (program/kinds.ts).
 */

/** A pause from one's pools: until they resume, or through this day of their calendar (YYYY-MM-DD). */
export type Pause = 'until_resumed' | string;

const WEEKDAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'] as const;

/** The weekday's name, ISO numbered (1 Monday … 5 Friday). */
export const weekdayName = (day: number): string => WEEKDAY_NAMES[day - 1] ?? String(day);

/** Working days as people read them: "Monday to Friday", "Monday to Thursday", "Monday, Tuesday and Thursday". */
export function workingDaysWords(days: readonly number[] | undefined): string {
  const sorted = [...new Set(days ?? [1, 2, 3, 4, 5])].sort((a, b) => a - b);
  const first = sorted[0];
  const last = sorted.at(-1);
  if (first === undefined || last === undefined) return 'no day';
  if (sorted.length >= 3 && last - first === sorted.length - 1)
    return `${weekdayName(first)} to ${weekdayName(last)}`;
  const names = sorted.map(weekdayName);
  return names.length === 1 ? (names[0] as string) : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
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
  holidays: HolidaysFor;
  /** Their pause, while it keeps them out of their pools today. */
  paused?: Pause | undefined;
  /** The listed pools they are in. */
  pools: readonly PoolOfPerson[];
  /** The program has pools by user group (whose members are read from Slack when a pool is used). */
  byGroup: boolean;
}
