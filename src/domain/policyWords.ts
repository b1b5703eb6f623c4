/**
 * A policy's levels as people read them in the editor: "4 business hours after the due time: reassign to
 * the next AE of the *EMEA backup* pool", never "step 3" or a file key. The editor's choices are tables here: when a
 * level acts, what it does, and to whom, each the policy file's own value with its words.
 */

/** A level as the policy file writes it. */
export interface RawLevel {
  at: string;
  action: string;
  to?: string[];
  repeat?: { every: string; times: number };
}

/** When a level may act, as the editor offers it: the file's `at`, and its words. */
export const WHEN_CHOICES: readonly { at: string; words: string }[] = [
  { at: '25%', words: 'A quarter of the window gone' },
  { at: '50%', words: 'Half the window gone' },
  { at: '75%', words: 'Three quarters of the window gone' },
  { at: 'last-morning', words: 'The morning of the last day' },
  { at: 'due', words: 'At the due time' },
  { at: 'due+2h', words: '2 business hours after the due time' },
  { at: 'due+4h', words: '4 business hours after the due time' },
  { at: 'due+1d', words: '1 business day after the due time' },
  { at: 'due+2d', words: '2 business days after the due time' },
  { at: 'commitment-1d', words: "1 business day before the first step's date" },
  { at: 'commitment', words: "On the first step's date" },
  { at: 'commitment+1d', words: "1 business day after the first step's date" },
  { at: 'commitment+2d', words: "2 business days after the first step's date" },
  { at: 'commitment+3d', words: "3 business days after the first step's date" },
  { at: 'commitment+5d', words: "5 business days after the first step's date" },
];

/** What a level may do, and its words (a reassign after the first step takes the deal back). */
export const ACTION_CHOICES: readonly { action: string; words: string }[] = [
  { action: 'remind', words: 'Remind the AE' },
  { action: 'notify', words: 'Tell' },
  { action: 'reassign', words: 'Reassign (after the first step: take it back)' },
  { action: 'check_in', words: 'Check in with the AE (on the first step’s date)' },
];

/** Whom, besides channels: the file's target, and its words. */
export const PERSON_TARGETS: readonly { to: string; words: string }[] = [
  { to: 'ae', words: 'the AE' },
  { to: 'manager', words: "the AE's manager" },
  { to: 'owner', words: 'the owner' },
  { to: 'cover', words: "the AE's cover" },
];

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

function spanWords(n: string, unit: string): string {
  return unit === 'h' ? plural(Number(n), 'business hour') : plural(Number(n), 'business day');
}

/** When a level acts, in words (any `at` the file accepts, not only the editor's choices). */
export function whenWords(at: string): string {
  const t = at.trim();
  const listed = WHEN_CHOICES.find((c) => c.at === t);
  if (listed) return listed.words;
  const share = /^(\d{1,2})%$/.exec(t);
  if (share) return `${share[1]}% of the window gone`;
  const afterDue = /^due\+(\d{1,3})(h|d)$/.exec(t);
  if (afterDue) return `${spanWords(afterDue[1] ?? '0', afterDue[2] ?? 'h')} after the due time`;
  const step = /^commitment([+-])(\d{1,2})d$/.exec(t);
  if (step)
    return `${spanWords(step[2] ?? '0', 'd')} ${step[1] === '-' ? 'before' : 'after'} the first step's date`;
  return t;
}

/** A target in words: a pool by its name as people read it, a channel as a Slack channel link. */
export function targetWords(to: string, poolName: (id: string) => string): string {
  const person = PERSON_TARGETS.find((p) => p.to === to);
  if (person) return person.words;
  if (to.startsWith('pool:')) return `the next AE of the *${poolName(to.slice(5))}* pool`;
  if (to.startsWith('channel:')) return `<#${to.slice(8)}>`;
  return to;
}

function listWords(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/** One level as a line: "4 business hours after the due time: reassign to the next AE of the *EMEA backup* pool". */
export function levelSentence(level: RawLevel, poolName: (id: string) => string): string {
  const to = (level.to ?? []).map((t) => targetWords(t, poolName));
  const afterStep = level.at.trim().startsWith('commitment');
  const does =
    level.action === 'remind'
      ? 'remind the AE'
      : level.action === 'check_in'
        ? 'check in with the AE: how did it go?'
        : level.action === 'notify'
          ? `tell ${listWords(to) || 'no one'}`
          : afterStep
            ? `take it back, to ${listWords(to) || 'no one'}`
            : `reassign to ${listWords(to) || 'no one'}`;
  const again = level.repeat
    ? `; again every ${whenWords(`due+${level.repeat.every}`).replace(' after the due time', '')}, ${plural(level.repeat.times, 'more time')}`
    : '';
  return `${whenWords(level.at)}: ${does}${again}`;
}
