import { DateTime } from 'luxon';

/**
 * Whether a Slack status says its person is away (out of office, vacation, leave): by words in the status text or
 * by its emoji, both configurable (AWAY_STATUS_WORDS, AWAY_STATUS_EMOJI). A status with an expiration says until
 * when; one without says nothing about the end.
 */
export interface SlackStatus {
  text: string;
  emoji: string;
  /** Unix seconds; 0: no expiration. */
  expiration: number;
}

export interface AwayRules {
  words: readonly string[];
  emoji: readonly string[];
}

export const DEFAULT_AWAY_WORDS = [
  'out of office',
  'ooo',
  'ooto',
  'vacation',
  'vacationing',
  'holiday',
  'holidays',
  'on leave',
  'leave',
  'parental leave',
  'sick',
  'pto',
  'off today',
  'day off',
  'away',
] as const;

export const DEFAULT_AWAY_EMOJI = [
  ':palm_tree:',
  ':airplane:',
  ':desert_island:',
  ':beach_with_umbrella:',
  ':face_with_thermometer:',
  ':thermometer:',
  ':baby:',
  ':baby_bottle:',
  ':luggage:',
] as const;

export interface Away {
  /** When the status says they are back (its expiration), or null when it does not say. */
  until: Date | null;
  /** The status as Slack shows it, for the message that says so (or "Away Mon 7 Dec to Fri 11 Dec"). */
  status: string;
  /** Away by the days they gave (not by their status): those days, "Mon 7 Dec to Fri 11 Dec". */
  days?: string;
}

const escapeRegExp = (word: string) => word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Away per this status now, or undefined. A status that has expired is no status (Slack clears it). */
export function awayFrom(status: SlackStatus | undefined, rules: AwayRules, now: Date): Away | undefined {
  if (!status) return undefined;
  if (status.expiration > 0 && status.expiration * 1000 <= now.getTime()) return undefined;
  const text = status.text.trim();
  const byEmoji = status.emoji !== '' && rules.emoji.includes(status.emoji);
  const byWord = rules.words.some((word) =>
    new RegExp(`(^|[^\\p{L}\\p{N}])${escapeRegExp(word)}($|[^\\p{L}\\p{N}])`, 'iu').test(text),
  );
  if (!byEmoji && !byWord) return undefined;
  return {
    until: status.expiration > 0 ? new Date(status.expiration * 1000) : null,
    status: [status.emoji, text].filter(Boolean).join(' '),
  };
}

/**
 * The days an AE said they are away (`/handoff cover`, "Away from" to "Until"), days of their calendar. Naming a
 * cover without them says only who answers while the Slack status says away: it does not make anyone away.
 */
export interface AwayDays {
  /** The first day away, YYYY-MM-DD. */
  from: string;
  /** The last day away, YYYY-MM-DD. */
  until: string;
  /** When they said so: never away before that moment (no day away can be given after the fact). */
  givenAt: Date;
}

/** "Mon 7 Dec to Fri 11 Dec": the days away, as the notices say them (days of the AE's calendar). */
export function awayDaysText(days: Pick<AwayDays, 'from' | 'until'>): string {
  const day = (iso: string) => DateTime.fromISO(iso).toFormat('ccc d LLL');
  return days.from === days.until ? day(days.from) : `${day(days.from)} to ${day(days.until)}`;
}

/** When the days away begin and end, as moments: from the later of the first day's start and when they were given. */
export function awayDaysSpan(days: AwayDays, zone: string): { start: Date; end: Date } {
  const first = DateTime.fromISO(days.from, { zone }).startOf('day').toJSDate();
  const end = DateTime.fromISO(days.until, { zone }).plus({ days: 1 }).startOf('day').toJSDate();
  return { start: first.getTime() > days.givenAt.getTime() ? first : days.givenAt, end };
}

/** Away per the days they gave, at `now` (the day after the last they are back), or undefined. */
export function awayByDays(days: AwayDays | undefined, zone: string, now: Date): Away | undefined {
  if (!days) return undefined;
  const { start, end } = awayDaysSpan(days, zone);
  if (now.getTime() < start.getTime() || now.getTime() >= end.getTime()) return undefined;
  return { until: end, status: `Away ${awayDaysText(days)}`, days: awayDaysText(days) };
}

/** Whether the days they gave overlap [from, to): some of that time was spent away. */
export function awayDaysOverlap(days: AwayDays | undefined, zone: string, from: Date, to: Date): boolean {
  if (!days) return false;
  const { start, end } = awayDaysSpan(days, zone);
  return start.getTime() < to.getTime() && end.getTime() > from.getTime();
}

/**
 * "Why this AE" (the handoff's `routing_reason`) when a cover has the handoff: sent to the AE's cover, or moved to it
 * by a policy's level. The away AE by name, as the CRM owner's reason names its owner: internal, never partner-facing.
 */
export const coverRoutingReason = (awayAeName: string): string => `cover for ${awayAeName}`;
