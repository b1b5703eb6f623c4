import { DateTime } from 'luxon';
import { stepDate } from '../../src/domain/firstStep.js';

/** An estimated value as it could be written: 48000, 48,000, 48.000, 48 000. */
export const valueForms = (value: number) => [
  String(value),
  value.toLocaleString('en-US'),
  value.toLocaleString('de-DE'),
  value.toLocaleString('fr-FR'),
  value.toLocaleString('en-US').replace(/,/g, ' '),
];

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
 * - the thread's parent shows the state now;
 * - issue 51: the AE's first step is read with their accept (at the end of its reply) and on the parent while it is
 *   the deal's next step (its new date, once given); a take-back (the AE handed it back, or the policy took it from a
 *   silent first step) is routing: no reply, the parent keeps "Accepted" but names nobody and shows no step, and the
 *   AE it left is never named again in anything sent to the channel since, until they accept it again; the next
 *   accept is a reply naming the new AE with their step.
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

/** A first step the AE committed to (issue 51): its text and date (YYYY-MM-DD). */
export interface FirstStep {
  text: string;
  due: string;
}

/**
 * What happened to a handoff, as the test saw it in the database after a step. `at`: where in the channel's calls it
 * happened (an increasing position, such as how many calls the app had made before it): what was sent from there on
 * is checked against it.
 */
export type Happened =
  | { kind: 'accepted'; ae: string; step?: FirstStep; at?: number }
  | { kind: 'declined' }
  | { kind: 'withdrawn' }
  | { kind: 'outcome'; outcome: 'meeting_held' | 'opportunity_created' | 'won' | 'lost' }
  /** The AE gave their first step a new date. */
  | { kind: 'new_date'; due: string }
  /** Taken back from the AE who accepted: handed back by them, or by the policy after a silent first step. */
  | { kind: 'taken_back'; at: number };

/** An AE the deal was taken back from: not to be named in what is sent from `from` until they accept again. */
export interface LeftBy {
  name: string;
  from: number;
  /** Where they accepted it again (null: they have not). */
  until: number | null;
}

/** The oracle: what the partner of one handoff may know, kept from what happened. */
export interface PartnerModel {
  /** The account name: unique per handoff, it marks everything posted about it. */
  account: string;
  /** The partner channel the packet names. */
  channel: string;
  stage: Stage | null;
  /** Every stage it has been in, oldest first (a parent held back with its channel shows one of them). */
  history: Stage[];
  /** The AE named to the partner now (full name): who accepted it, until it was taken back from them. */
  acceptedBy: string | null;
  /** Everyone who accepted it, oldest first: each is named in their accept's reply, which stays in the thread. */
  everAccepted: string[];
  /** The replies the thread owes, in order. */
  replies: ReplyKind[];
  /** Each accept's first step, as its reply says it (in the order of the accepts). */
  acceptSteps: (FirstStep | null)[];
  /** The first step of the AE named now, with its new date once given (null: none, or taken back since). */
  step: FirstStep | null;
  /** The AEs it was taken back from, each with where that happened. */
  leftBy: LeftBy[];
}

export const newModel = (account: string, channel: string): PartnerModel => ({
  account,
  channel,
  stage: null,
  history: [],
  acceptedBy: null,
  everAccepted: [],
  replies: [],
  acceptSteps: [],
  step: null,
  leftBy: [],
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
      model.everAccepted.push(happened.ae);
      model.step = happened.step ?? null;
      model.acceptSteps.push(happened.step ?? null);
      for (const left of model.leftBy)
        if (left.name === happened.ae && left.until === null) left.until = happened.at ?? left.from;
      return;
    case 'new_date':
      if (model.step) model.step = { ...model.step, due: happened.due };
      return;
    case 'taken_back':
      // Routing: no reply, the same stage; nobody named and no step until the next AE accepts.
      if (model.acceptedBy !== null)
        model.leftBy.push({ name: model.acceptedBy, from: happened.at, until: null });
      model.acceptedBy = null;
      model.step = null;
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

/** The parent's status while nobody is taking an accepted deal forward (taken back, nobody accepted since). */
const FINDING = 'Finding the right person';

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
  // Accepted, and (taken back since, nobody else accepted yet) "we are finding the right person".
  if (text.includes(': accepted.') || text.includes(': accepted; we are finding the right person'))
    return 'accepted';
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
    const was = (s: Stage) =>
      parent?.text === `${model.account}: ${STATUS_TEXT[s]}` ||
      (s === 'accepted' && parent?.text === `${model.account}: ${FINDING}`);
    if (parent && !model.history.some(was))
      problems.push(`${where}: the held parent reads "${parent.text}", a stage it never was in`);
    return problems;
  }
  if (!parent) return [...problems, `${where}: no thread parent, though the partner may know ${model.stage}`];
  if (JSON.stringify(kinds) !== JSON.stringify(owed))
    problems.push(`${where}: replies ${JSON.stringify(kinds)}, owed ${JSON.stringify(owed)}`);
  // Taken back since the accept and nobody else accepted yet (issue 77 item 7): we are finding the right person.
  const finding = model.stage === 'accepted' && model.acceptedBy === null;
  const expected = `${model.account}: ${finding ? FINDING : STATUS_TEXT[model.stage]}`;
  if (parent.text !== expected)
    problems.push(`${where}: the parent reads "${parent.text}", not "${expected}"`);
  const text = shownText(parent);
  if (NAMES_AE.has(model.stage) && model.acceptedBy !== null) {
    if (!text.includes(`our AE: ${model.acceptedBy}`))
      problems.push(`${where}: the parent does not name ${model.acceptedBy}, who accepted`);
  } else if (text.includes('our AE'))
    problems.push(
      `${where}: the parent names an AE at ${model.stage}${NAMES_AE.has(model.stage) ? ', taken back since' : ''}`,
    );
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

const firstName = (name: string) => name.split(' ')[0] ?? name;

/**
 * Only an AE who accepted is ever named to the partner: in every call the app made to the partner channel about this
 * handoff (posts and edits, the past included) and in what it shows now, no other AE's full or first name. (After a
 * take-back, the AE it left stays named in their accept's reply: `checkLeftBy` checks what was sent since.)
 */
export function checkNames(model: PartnerModel, texts: readonly string[], aes: readonly Person[]): string[] {
  const mine = texts.filter((t) => t.includes(model.account));
  const problems: string[] = [];
  const accepted = model.everAccepted;
  for (const ae of aes) {
    if (accepted.includes(ae.name)) continue;
    const first = firstName(ae.name);
    // An AE who accepted may share a first name with another: only the full name tells them apart then.
    const firstToo = !accepted.some((name) => firstName(name) === first);
    const naming = mine.find((t) => wholeWord(t, ae.name) || (firstToo && wholeWord(t, first)));
    if (naming)
      problems.push(
        `${model.account}: names ${ae.name}, who ${accepted.length > 0 ? `did not accept (${accepted.join(' and ')} did)` : 'has not accepted'}: ${naming.slice(0, 300)}`,
      );
  }
  return problems;
}

/** What the app sent to a partner channel, and where in its calls (the positions `Happened` uses). */
export interface Said {
  text: string;
  at: number;
}

/**
 * Issue 51: after a take-back, the AE it left is never named to the partner again (by full name, or by first name
 * unless the AE named now shares it): not in anything the app sent to the channel about the handoff since (posts, and
 * edits of the parent), until that AE accepts it again; nor in the parent it shows now (`parent`: its text, when the
 * channel is not held).
 */
export function checkLeftBy(
  model: PartnerModel,
  said: readonly Said[],
  parent: string | undefined,
): string[] {
  const problems: string[] = [];
  const named = model.acceptedBy === null ? undefined : firstName(model.acceptedBy);
  for (const left of model.leftBy) {
    if (left.name === model.acceptedBy) continue;
    const first = firstName(left.name);
    const names = (t: string) => wholeWord(t, left.name) || (first !== named && wholeWord(t, first));
    const since = said.filter(
      (s) =>
        s.at >= left.from && (left.until === null || s.at < left.until) && s.text.includes(model.account),
    );
    const naming = since.find((s) => names(s.text));
    if (naming)
      problems.push(
        `${model.account}: names ${left.name} after it was taken back from them: ${naming.text.slice(0, 300)}`,
      );
    if (left.until === null && parent !== undefined && names(parent))
      problems.push(
        `${model.account}: the parent names ${left.name}, from whom it was taken back: ${parent.slice(0, 300)}`,
      );
  }
  return problems;
}

/** What the partner never reads of the life after the Accept (issue 51): it is routing, or internal. */
const NEVER_TOLD =
  /taken back|handed back|hand it back|hands? (it )?back|\bidle\b|no news|check-in|how did it go/i;

/**
 * Issue 51: the partner never reads that a deal was taken back or handed back, or went idle, nor the AE's reminders
 * and check-ins: not in anything about this handoff the app sent to the channel, nor in what it shows.
 */
export function checkNeverTold(model: PartnerModel, texts: readonly string[]): string[] {
  const telling = texts.find((t) => t.includes(model.account) && NEVER_TOLD.test(t));
  return telling
    ? [`${model.account}: tells the partner "${NEVER_TOLD.exec(telling)?.[0]}": ${telling.slice(0, 300)}`]
    : [];
}

const ACCEPT_KINDS: ReadonlySet<string> = new Set(['accepted', 'accepted_after_decline']);

/** A first step as the partner reads it: "Intro call with Dana by Mon 30 Nov". */
export const stepWords = (step: FirstStep) => `${step.text} by ${stepDate(step.due)}`;

/**
 * Issue 51: the partner reads an AE's first step with their accept and only then: at the end of that accept's reply
 * ("… *Next:* <step> by <date>.") and on the thread's parent, while it is the deal's next step (accepted by the AE
 * named now, its date, or its new date, not passed where `today` is read); never before an accept (`unseen`: every
 * step the AE could commit to), never in another reply, never once taken back (issue 77 item 6). While the channel is
 * held, its parent may show an earlier stage: a step then only with "Accepted".
 */
export function checkSteps(
  model: PartnerModel,
  shown: readonly Shown[],
  held: boolean,
  today: string,
  unseen: readonly string[],
): string[] {
  const where = `${model.account} in ${model.channel}`;
  const mine = shown.filter((m) => shownText(m).includes(model.account));
  const problems: string[] = [];
  if (model.acceptSteps.length === 0) {
    for (const m of mine)
      for (const text of unseen)
        if (shownText(m).includes(text))
          problems.push(
            `${where}: the first step "${text}" before the accept: ${shownText(m).slice(0, 300)}`,
          );
    return problems;
  }
  const texts = [...new Set(model.acceptSteps.flatMap((s) => (s ? [s.text] : [])).filter((t) => t !== ''))];
  const current = model.stage === 'accepted' && model.acceptedBy !== null ? model.step : null;
  const words = current ? stepWords(current) : undefined;
  const replies = mine.filter((x) => x.thread_ts !== undefined);
  const acceptReplies = replies.filter((m) => ACCEPT_KINDS.has(replyKind(m.text ?? '')));
  for (const m of replies) {
    const kind = replyKind(m.text ?? '');
    if (!ACCEPT_KINDS.has(kind)) {
      const text = texts.find((t) => shownText(m).includes(t));
      if (text) problems.push(`${where}: the first step "${text}" in a ${kind} reply: ${m.text}`);
      continue;
    }
    // Issue 77 item 6: an accept's reply is a view of the deal, like the parent. It shows the step only while it is
    // the deal's next step (the latest accept's, by the AE named now): never an earlier AE's, never after an outcome.
    // Held, its updates wait with the channel.
    if (held) continue;
    const text = m.text ?? '';
    const own = m === acceptReplies.at(-1) && words ? ` *Next:* ${words}.` : undefined;
    const at = acceptReplies.indexOf(m) + 1;
    if (text.includes('*Next:*') && (!own || !text.endsWith(own)))
      problems.push(`${where}: accept reply ${at} shows a step that is not the deal's next: ${text}`);
    // Its date passed: held back once rendered since; one rendered before may still show it.
    if (own && current && current.due >= today && !text.endsWith(own))
      problems.push(`${where}: accept reply ${at} does not end with "*Next:* ${words}.": ${text}`);
  }
  for (const parent of mine.filter((x) => x.thread_ts === undefined)) {
    const all = shownText(parent);
    if (held) {
      const text = texts.find((t) => all.includes(t));
      if (
        text &&
        parent.text !== `${model.account}: Accepted` &&
        parent.text !== `${model.account}: ${FINDING}`
      )
        problems.push(`${where}: the held parent shows the first step "${text}" at ${parent.text}`);
      continue;
    }
    const rest = words ? all.replaceAll(words, '') : all;
    const text = texts.find((t) => rest.includes(t));
    if (text)
      problems.push(
        `${where}: the parent shows the first step "${text}" ${words ? `besides "${words}"` : `at ${model.stage}${model.stage === 'accepted' ? ', taken back since' : ''}`}: ${all.slice(0, 300)}`,
      );
    // Its date passed (today in the AE's calendar is after it): no longer true, so it is held back from the parent
    // rendered since; one rendered before may still show it (nothing re-renders it on the date alone yet).
    if (current && words && current.due >= today && !all.includes(words))
      problems.push(`${where}: the parent does not show the first step "${words}"`);
  }
  return problems;
}

/** A "by" date as the partner reads it ("Fri 4 Dec", the year nearest `today`), as YYYY-MM-DD. */
function shownDate(day: string, today: string): string | undefined {
  const near = DateTime.fromISO(today, { zone: 'UTC' });
  const dates = [-1, 0, 1]
    .map((y) =>
      DateTime.fromFormat(`${day} ${near.year + y}`, 'ccc d LLL yyyy', { locale: 'en-GB', zone: 'UTC' }),
    )
    .filter((d) => d.isValid)
    .sort((a, b) => Math.abs(a.diff(near).toMillis()) - Math.abs(b.diff(near).toMillis()));
  return dates[0]?.toISODate() ?? undefined;
}

/** No next move "by" a date that has passed: `today` where the partner's date is read (YYYY-MM-DD). */
export function checkDates(model: PartnerModel, shown: readonly Shown[], today: string): string[] {
  const problems: string[] = [];
  for (const m of shown.filter(isParentOf(model))) {
    for (const [, day] of shownText(m).matchAll(/\b[Bb]y ([A-Z][a-z]{2} \d{1,2} [A-Z][a-z]{2})\b/g)) {
      const date = day && shownDate(day, today);
      if (date && date < today)
        problems.push(`${model.account}: shows a next move by ${date}, before ${today}`);
    }
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
