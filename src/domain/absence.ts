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
  /** The status as Slack shows it, for the message that says so. */
  status: string;
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
