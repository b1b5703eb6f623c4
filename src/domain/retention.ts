/**
 * What data retention leaves of an aged-out handoff's words. A NOT NULL text column it empties holds
 * REMOVED_TEXT, said plainly where the text was (the App Home, the export), so nobody takes it for what was written.
 */
export const REMOVED_TEXT = '(removed after the retention period)';

/**
 * Touch-log detail keys whose values are facts, not anyone's words or ids: codes, counts, dates, the program's names
 * (policies, pools), the packet fields' names. The detail's retention keeps them, so the export's counts (reminders,
 * expiries excused, more time given, the policies' moves) stay what they were.
 */
const FACT_KEYS = new Set([
  'outcome',
  'source',
  'reasonCode',
  'approval',
  'classification',
  'from',
  'to',
  'due',
  'until',
  'firstStepDue',
  'pauseEndsAt',
  'createdOn',
  'awaySince',
  'policy',
  'policyName',
  'pool',
  'poolName',
  'action',
  'unassigned',
  'heldBack',
  'fields',
]);

/**
 * Keys whose presence is the fact and whose words are someone's: `away` holds the AE's Slack status, and says the
 * expiry is not counted as their silence. Both retentions keep them as REMOVED_TEXT.
 */
const MARKED_KEYS = new Set(['away', 'awayDays', 'coverNamed']);

/** Keys that hold words from the packet or a person's name: they go with the packet's text. */
const WORD_KEYS = new Set(['firstStep', 'step', 'aeName', 'note', 'text']);

const marked = (value: unknown) => (typeof value === 'string' ? REMOVED_TEXT : value);
const orNull = (kept: Record<string, unknown>) => (Object.keys(kept).length > 0 ? kept : null);

/**
 * An event's detail without the packet's words (RETAIN_PACKET_TEXT_DAYS): WORD_KEYS dropped, MARKED_KEYS as
 * REMOVED_TEXT, the rest as it was. Null when nothing is left.
 */
export function detailWithoutWords(detail: Record<string, unknown> | null): Record<string, unknown> | null {
  if (detail === null) return null;
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(detail)) {
    if (WORD_KEYS.has(key)) continue;
    kept[key] = MARKED_KEYS.has(key) ? marked(value) : value;
  }
  return orNull(kept);
}

/**
 * An event's detail with only its facts (RETAIN_TOUCH_DETAIL_DAYS): numbers and yes-or-no values, FACT_KEYS' text and
 * lists of names, MARKED_KEYS as REMOVED_TEXT; every other value (a person's id or words, a list of people) dropped.
 * Null when nothing is left.
 */
export function detailFacts(detail: Record<string, unknown> | null): Record<string, unknown> | null {
  if (detail === null) return null;
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(detail)) {
    if (value === null || value === undefined || WORD_KEYS.has(key)) continue;
    if (MARKED_KEYS.has(key)) kept[key] = marked(value);
    else if (typeof value === 'number' || typeof value === 'boolean') kept[key] = value;
    else if (FACT_KEYS.has(key) && (typeof value === 'string' || key === 'fields' || key === 'heldBack'))
      kept[key] = value;
  }
  return orNull(kept);
}
