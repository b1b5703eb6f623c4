/**
 * The partner thread's invariants (issue 31, item 1), as pure checks over what a partner channel shows, against an
 * oracle the test keeps from what happened to each handoff. The oracle is written here from the rules, not from the
 * app's code (src/domain/partnerView.ts), so a wrong rule there is caught:
 *
 * - the partner hears each decision and outcome about the deal they brought, one reply each, never the routing
 *   (sends, edits, reminders, expiries, away and back, covers, pool moves, reassignments, extensions);
 * - an AE is named to the partner only once that AE accepted; a decline names nobody, and a later decline (after the
 *   owner gave it to someone else) is not news; an acceptance after a decline says it is taken forward after all;
 * - a withdrawal is told only to a partner who had heard of the deal;
 * - the thread's parent shows the state now.
 *
 * test/unit/support/partnerViewChecks.test.ts shows each check failing on a bad channel.
 */

export type Stage =
  | 'accepted'
  | 'declined'
  | 'withdrawn'
  | 'meeting_held'
  | 'opportunity_created'
  | 'won'
  | 'lost';
export type ReplyKind = Stage | 'accepted_after_decline' | 'unknown';

/** What happened to a handoff, as the test saw it in the database after a step. */
export type Happened =
  | { kind: 'accepted'; ae: string }
  | { kind: 'declined' }
  | { kind: 'withdrawn' }
  | { kind: 'outcome'; outcome: 'meeting_held' | 'opportunity_created' | 'won' | 'lost' };

/** The oracle: what the partner of one handoff may know, kept from what happened. */
export interface PartnerModel {
  /** The account name: unique per handoff, it marks everything posted about it. */
  account: string;
  /** The partner channel the packet names. */
  channel: string;
  stage: Stage | null;
  /** Every stage it has been in, oldest first (a parent held back with its channel shows one of them). */
  history: Stage[];
  /** The AE who accepted it (full name), if anyone did. */
  acceptedBy: string | null;
  /** The replies the thread owes, in order. */
  replies: ReplyKind[];
}

export const newModel = (account: string, channel: string): PartnerModel => ({
  account,
  channel,
  stage: null,
  history: [],
  acceptedBy: null,
  replies: [],
});

function enter(model: PartnerModel, stage: Stage, reply: ReplyKind) {
  model.stage = stage;
  model.history.push(stage);
  model.replies.push(reply);
}

/** Applies what happened to the oracle, by the rules above. */
export function apply(model: PartnerModel, happened: Happened): void {
  switch (happened.kind) {
    case 'accepted':
      enter(model, 'accepted', model.stage === 'declined' ? 'accepted_after_decline' : 'accepted');
      model.acceptedBy = happened.ae;
      return;
    case 'declined':
      if (model.stage === null) enter(model, 'declined', 'declined');
      return;
    case 'withdrawn':
      if (model.stage !== null) enter(model, 'withdrawn', 'withdrawn');
      return;
    case 'outcome':
      enter(model, happened.outcome, happened.outcome);
  }
}

/** The parent's status, as its notification text says it (`<account>: <status>`). */
export const STATUS_TEXT: Record<Stage, string> = {
  accepted: 'Accepted',
  declined: 'Not taken forward',
  withdrawn: 'Closed for now',
  meeting_held: 'Meeting held',
  opportunity_created: 'Opportunity open',
  won: 'Won',
  lost: 'Closed, not won',
};

const NAMES_AE: ReadonlySet<Stage> = new Set<Stage>([
  'accepted',
  'meeting_held',
  'opportunity_created',
  'won',
  'lost',
]);

/** What a reply says happened, from its words. */
export function replyKind(text: string): ReplyKind {
  if (text.includes('taken forward after all')) return 'accepted_after_decline';
  if (text.includes(': accepted.')) return 'accepted';
  if (text.includes('not taken forward for now')) return 'declined';
  if (text.includes('closed this handoff for now')) return 'withdrawn';
  if (text.includes('met the customer')) return 'meeting_held';
  if (text.includes('open opportunity')) return 'opportunity_created';
  if (text.includes(': won!')) return 'won';
  if (text.includes('closed without a win')) return 'lost';
  return 'unknown';
}

/** A message as the partner channel shows it now. */
export interface Shown {
  ts: string;
  thread_ts?: string;
  text?: string;
  blocks?: unknown;
}

/** Everything a message shows, as one string. */
export const shownText = (m: { text?: string; blocks?: unknown }) =>
  `${m.text ?? ''}\n${JSON.stringify(m.blocks ?? [])}`;

const isParentOf = (model: PartnerModel) => (m: Shown) =>
  m.thread_ts === undefined && (m.text ?? '').startsWith(`${model.account}: `);

/**
 * Everything in the partner channel about this handoff is true of the oracle now: no thread before the partner may
 * know anything; then one parent showing the stage now (and the AE who accepted, only then), and one reply per event
 * the partner may know, in order. While the channel is held (another organization joined it), what waits has not
 * gone out: the replies are a beginning of the owed ones, and the parent shows a stage the deal was in.
 */
export function checkThread(model: PartnerModel, shown: readonly Shown[], held: boolean): string[] {
  const where = `${model.account} in ${model.channel}`;
  const problems: string[] = [];
  const parents = shown.filter(isParentOf(model));
  const replies = shown.filter((m) => m.thread_ts !== undefined && (m.text ?? '').includes(model.account));
  if (parents.length > 1) problems.push(`${where}: ${parents.length} thread parents`);
  const parent = parents[0];
  const stray = replies.filter((r) => r.thread_ts !== parent?.ts);
  if (stray.length > 0) problems.push(`${where}: ${stray.length} replies outside its thread`);
  const kinds = replies.filter((r) => r.thread_ts === parent?.ts).map((r) => replyKind(r.text ?? ''));
  if (model.stage === null) {
    if (parents.length > 0 || replies.length > 0)
      problems.push(`${where}: posted before the partner may know anything (${JSON.stringify(kinds)})`);
    return problems;
  }
  const owed = model.replies;
  if (held) {
    if (kinds.length > owed.length || kinds.some((k, i) => k !== owed[i]))
      problems.push(
        `${where}: replies ${JSON.stringify(kinds)} are not a beginning of ${JSON.stringify(owed)}`,
      );
    if (parent && !model.history.some((s) => parent.text === `${model.account}: ${STATUS_TEXT[s]}`))
      problems.push(`${where}: the held parent reads "${parent.text}", a stage it never was in`);
    return problems;
  }
  if (!parent) return [...problems, `${where}: no thread parent, though the partner may know ${model.stage}`];
  if (JSON.stringify(kinds) !== JSON.stringify(owed))
    problems.push(`${where}: replies ${JSON.stringify(kinds)}, owed ${JSON.stringify(owed)}`);
  const expected = `${model.account}: ${STATUS_TEXT[model.stage]}`;
  if (parent.text !== expected)
    problems.push(`${where}: the parent reads "${parent.text}", not "${expected}"`);
  const text = shownText(parent);
  if (NAMES_AE.has(model.stage)) {
    if (!text.includes(`our AE: ${model.acceptedBy}`))
      problems.push(`${where}: the parent does not name ${model.acceptedBy}, who accepted`);
  } else if (text.includes('our AE')) problems.push(`${where}: the parent names an AE at ${model.stage}`);
  return problems;
}

/** An AE, by full name; their first name is checked too. */
export interface Person {
  name: string;
}

const wholeWord = (text: string, word: string) =>
  new RegExp(
    `(^|[^\\p{L}\\p{N}])${word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^\\p{L}\\p{N}])`,
    'u',
  ).test(text);

/**
 * Only an AE who accepted is ever named to the partner: in every call the app made to the partner channel about this
 * handoff (posts and edits, the past included) and in what it shows now, no other AE's full or first name.
 */
export function checkNames(model: PartnerModel, texts: readonly string[], aes: readonly Person[]): string[] {
  const mine = texts.filter((t) => t.includes(model.account));
  const problems: string[] = [];
  for (const ae of aes) {
    if (ae.name === model.acceptedBy) continue;
    const first = ae.name.split(' ')[0] ?? ae.name;
    // The AE who accepted may share a first name with another: only the full name tells them apart then.
    const firstToo = first !== model.acceptedBy?.split(' ')[0];
    const naming = mine.find((t) => wholeWord(t, ae.name) || (firstToo && wholeWord(t, first)));
    if (naming)
      problems.push(
        `${model.account}: names ${ae.name}, who ${model.acceptedBy ? `did not accept (${model.acceptedBy} did)` : 'has not accepted'}: ${naming.slice(0, 300)}`,
      );
  }
  return problems;
}

/** No next move "by" a date that has passed: `today` where the partner's date is read (YYYY-MM-DD). */
export function checkDates(model: PartnerModel, shown: readonly Shown[], today: string): string[] {
  const problems: string[] = [];
  for (const m of shown.filter(isParentOf(model))) {
    for (const [, date] of shownText(m).matchAll(/\(by (\d{4}-\d{2}-\d{2})\)/g))
      if (date && date < today)
        problems.push(`${model.account}: shows a next move by ${date}, before ${today}`);
  }
  return problems;
}

/** A call the app made to a channel, as every string in its arguments. */
export interface ChannelCall {
  channel: string;
  text: string;
}

/** Nothing of one partner's handoff in another partner's channel, ever. */
export function checkOtherPartners(models: readonly PartnerModel[], calls: readonly ChannelCall[]): string[] {
  const problems: string[] = [];
  for (const call of calls) {
    for (const model of models) {
      if (model.channel !== call.channel && call.text.includes(model.account))
        problems.push(`${model.account} (of ${model.channel}) in a call to ${call.channel}`);
    }
  }
  return problems;
}
