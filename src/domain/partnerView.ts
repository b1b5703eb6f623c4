import { DateTime } from 'luxon';
import { isoDateIn } from './businessDays.js';
import { isDeclineReason } from './decline.js';
import { forPartner } from './erasure.js';
import { backWithOwner, endedForGood, type HandoffStatus } from './lifecycleState.js';
import { isLostReason, type Outcome } from './outcomes.js';
import { type PartnerSafeUpdate, type PartnerStage, partnerSafeUpdate } from './partnerSafe.js';
import { zoneFor } from './zones.js';

/**
 * The partner's view of a handoff: what the partner who brought the deal may know now, derived from the handoff's
 * history alone. The partner thread is rendered only from it: its parent shows the view now, and each change of the
 * view's stage is one reply (`partnerNews`). The rule is to close the loop without telling the routing:
 *
 * - nothing before a decision (a send, edits, reminders, expiries, pool moves, reassignments, extensions);
 * - an acceptance, naming the AE who accepted; each outcome after it;
 * - a decline, in partner-safe words, naming nobody; a later decline (another AE, after the owner moved it) is
 *   routing too: the partner already knows it was not taken forward;
 * - an acceptance after a decline says so ("taken forward after all");
 * - a take-back after an acceptance is routing: the partner keeps "accepted", with no AE named and no step, and reads
 *   that we are finding the right person (never why), until the next AE accepts, which is news (naming them);
 * - a withdrawal, only when the partner had heard of the deal.
 */

/** What happened to a handoff that a partner may come to know of, in the order it happened. */
export type PartnerFact =
  | {
      kind: 'decision';
      id: number;
      assignment: number;
      decision: 'accepted' | 'declined';
      reasonCode: string | null;
    }
  | {
      kind: 'outcome';
      id: number;
      outcome: Outcome;
      reasonCode: string | null;
      /** When it was recorded (epoch ms): a next move dated after its day still holds. */
      at?: number;
    }
  | { kind: 'withdrawn' };

/** The handoff fields the view reads. */
export interface PartnerHandoff {
  status: HandoffStatus;
  assignment: number;
  accountName: string;
  partnerOrg: string;
  partnerContactName: string;
  aeName: string;
  partnerNextMove: string;
  partnerNextMoveDate: string | null;
  /** The next move as its author confirmed it still true after it named a former AE (null: never confirmed). */
  partnerNextMoveConfirmed?: string | null;
  /** The AE's zone: the day an outcome was recorded on, against the move's "by" date. */
  aeTimeZone?: string;
  /** The first step the AE committed to when accepting, and its date: the partner reads it. */
  firstStep?: string | null;
  firstStepDue?: string | null;
}

export interface PartnerHistory {
  handoff: PartnerHandoff;
  facts: readonly PartnerFact[];
  /**
   * The partner's thread exists (its parent posted or queued). With no fact, it is a thread an earlier version of the
   * app started with a reassignment post: the partner heard of the deal, so it is `considering`.
   */
  threadStarted: boolean;
}

/** The day it is at `at` in a time zone (YYYY-MM-DD; '' for an unknown zone, which holds nothing back). */
export const dayIn = (at: Date, zone: string): string =>
  // An IANA zone from its remembered offsets (every Accept asks); anything else as luxon reads it ('' if invalid).
  typeof zoneFor(zone) === 'string'
    ? (DateTime.fromJSDate(at, { zone }).toISODate() ?? '')
    : isoDateIn(at, zone);

/**
 * The latest "today" anywhere at `at` (UTC+14): a date has passed once it is before today somewhere, so a date before
 * this one has passed everywhere a reader may be.
 */
export const latestTodayAt = (at: Date): string => dayIn(at, 'Pacific/Kiritimati');

/** What makes the partner's next move no longer true (it is then held back from them). */
export interface NextMoveCheck {
  /** Today where the date is read (YYYY-MM-DD): a "by" date before it has passed. */
  today?: string;
  /** People who were the deal's AE and are not now: a next move naming one of them no longer holds. */
  formerAeNames?: readonly string[];
  /**
   * The latest outcome step the partner may know of (its step and when it was recorded, epoch ms): a move written
   * before it holds past it only if its date does, or its author confirmed or rewrote it since (`answeredAt`).
   */
  outcome?: { step: Outcome; at: number; day: string };
  /** When the author last confirmed or rewrote the next move (its held-back notice's answer, epoch ms). */
  answeredAt?: number;
}

export type HeldBack = 'date_passed' | 'names_former_ae' | 'outcome_passed';

/** The facts of a handoff's stored rows, in the order they can happen: decisions, then outcomes, then a withdrawal. */
export function partnerFacts(
  h: { status: HandoffStatus },
  decisions: readonly {
    id: number;
    assignment: number;
    decision: 'accepted' | 'declined';
    reasonCode: string | null;
  }[],
  outcomes: readonly { id: number; outcome: Outcome; reasonCode: string | null; recordedAt?: Date }[],
): PartnerFact[] {
  // An acceptance is final and outcomes follow it; a withdrawal ends an open or expired handoff.
  return [
    ...[...decisions]
      .sort((a, b) => a.id - b.id)
      .map(
        (d): PartnerFact => ({
          kind: 'decision',
          id: d.id,
          assignment: d.assignment,
          decision: d.decision,
          reasonCode: d.reasonCode,
        }),
      ),
    ...[...outcomes]
      .sort((a, b) => a.id - b.id)
      .map(
        (o): PartnerFact => ({
          kind: 'outcome',
          id: o.id,
          outcome: o.outcome,
          reasonCode: o.reasonCode,
          ...(o.recordedAt ? { at: o.recordedAt.getTime() } : {}),
        }),
      ),
    ...(endedForGood(h.status) ? [{ kind: 'withdrawn' as const }] : []),
  ];
}

interface Fold {
  stage: PartnerStage | null;
  declineReason: string | null;
  lostReason: string | null;
  afterDecline: boolean;
  /** Whether the AE named is the one who accepted (the current assignment). */
  acceptedNow: boolean;
  /** The latest outcome step and when it was recorded (epoch ms; absent on facts that do not say). */
  outcome?: { step: Outcome; at?: number };
}

function fold(history: PartnerHistory): Fold {
  const state: Fold = {
    stage: history.threadStarted ? 'considering' : null,
    declineReason: null,
    lostReason: null,
    afterDecline: false,
    acceptedNow: false,
  };
  for (const fact of history.facts) {
    if (fact.kind === 'decision' && fact.decision === 'accepted') {
      state.afterDecline = state.stage === 'declined';
      state.stage = 'accepted';
      // Taken back since: the AE who accepted is no longer the deal's, so nobody is named until the next
      // AE accepts (the partner never hears of the take-back itself).
      state.acceptedNow =
        fact.assignment === history.handoff.assignment && !backWithOwner(history.handoff.status);
    } else if (fact.kind === 'decision') {
      // A second decline (after the owner gave it to someone else) is routing: the partner knows already.
      if (state.stage === null || state.stage === 'considering') {
        state.stage = 'declined';
        state.declineReason = fact.reasonCode;
      }
    } else if (fact.kind === 'outcome') {
      state.stage = fact.outcome;
      state.outcome = { step: fact.outcome, ...(fact.at === undefined ? {} : { at: fact.at }) };
      if (fact.outcome === 'lost') state.lostReason = fact.reasonCode;
    } else if (state.stage !== null) {
      // Withdrawn: news only to a partner who had heard of the deal.
      state.stage = 'withdrawn';
    }
  }
  return state;
}

/** Whether a word (or phrase) appears in text as a whole word, whatever its case. */
function mentions(text: string, name: string): boolean {
  const escaped = name.trim().replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  if (escaped.length < 2) return false;
  return new RegExp(`(^|[^\\p{L}\\p{N}])${escaped}($|[^\\p{L}\\p{N}])`, 'iu').test(text);
}

/** Why the partner's next move no longer holds: the reason, the former AE it names, the step it predates. */
export interface HeldBackWhy {
  reason: HeldBack;
  former?: string;
  /** outcome_passed: the step the move was written before. */
  step?: Outcome;
}

/**
 * Why the partner's next move no longer holds, if it does not: its "by" date has passed, or it names someone who was
 * the deal's AE and is not now (by full name, or by first name unless the AE now shares it), unless its author
 * confirmed this very text as still true.
 */
export function heldBackWhy(
  h: Pick<PartnerHandoff, 'aeName' | 'partnerNextMove' | 'partnerNextMoveDate' | 'partnerNextMoveConfirmed'>,
  check: NextMoveCheck,
): HeldBackWhy | undefined {
  if (check.today && h.partnerNextMoveDate && h.partnerNextMoveDate < check.today)
    return { reason: 'date_passed' };
  if (check.outcome && !reachesPast(h, check.outcome, check.answeredAt))
    return { reason: 'outcome_passed', step: check.outcome.step };
  if (h.partnerNextMoveConfirmed != null && h.partnerNextMoveConfirmed === h.partnerNextMove)
    return undefined;
  const current = h.aeName.trim().toLowerCase();
  const currentFirst = current.split(/\s+/)[0] ?? '';
  for (const former of check.formerAeNames ?? []) {
    const name = former.trim();
    if (!name || name.toLowerCase() === current) continue;
    const first = name.split(/\s+/)[0] ?? '';
    if (mentions(h.partnerNextMove, name)) return { reason: 'names_former_ae', former: name };
    if (first.length >= 2 && first.toLowerCase() !== currentFirst && mentions(h.partnerNextMove, first))
      return { reason: 'names_former_ae', former: name };
  }
  return undefined;
}

/**
 * Whether a next move written before an outcome step still holds after it: its "by" date is after the step's day, or
 * its author confirmed or rewrote it since the step was recorded. Otherwise the author is asked (core/heldBack.ts).
 */
function reachesPast(
  h: Pick<PartnerHandoff, 'partnerNextMoveDate'>,
  outcome: NonNullable<NextMoveCheck['outcome']>,
  answeredAt: number | undefined,
): boolean {
  if (h.partnerNextMoveDate && outcome.day && h.partnerNextMoveDate > outcome.day) return true;
  return answeredAt !== undefined && answeredAt >= outcome.at;
}

/** Why the partner's next move no longer holds, if it does not (see `heldBackWhy`). */
export function heldBackNextMove(
  h: Pick<PartnerHandoff, 'aeName' | 'partnerNextMove' | 'partnerNextMoveDate' | 'partnerNextMoveConfirmed'>,
  check: NextMoveCheck,
): HeldBack | undefined {
  return heldBackWhy(h, check)?.reason;
}

/**
 * Where the partner's next move can still be ahead of them: the deal taken up and not closed (a move written before
 * a step is checked against it: `reachesPast`). Issue 50 item 6: a step used to erase it. Won and lost close it.
 */
const NEXT_MOVE_AHEAD: ReadonlySet<PartnerStage> = new Set<PartnerStage>([
  'accepted',
  'meeting_held',
  'opportunity_created',
]);

/** The latest step the partner may know of, as the next move is checked against it (the day in the AE's zone). */
export function outcomeCheck(history: PartnerHistory): NextMoveCheck['outcome'] {
  const state = fold(history);
  const at = state.outcome?.at;
  if (!state.outcome || at === undefined || !NEXT_MOVE_AHEAD.has(state.stage ?? 'considering'))
    return undefined;
  const zone = history.handoff.aeTimeZone;
  return { step: state.outcome.step, at, day: zone ? dayIn(new Date(at), zone) : '' };
}

/** Whether the view would show the partner's next move with nothing held back (a move written, the deal taken up). */
export function nextMoveAhead(history: PartnerHistory): boolean {
  const stage = fold(history).stage;
  return stage !== null && NEXT_MOVE_AHEAD.has(stage) && history.handoff.partnerNextMove.trim() !== '';
}

/** What the partner may know now (null: nothing, they have not heard of the deal). */
export function partnerView(history: PartnerHistory, check: NextMoveCheck = {}): PartnerSafeUpdate | null {
  const state = fold(history);
  if (state.stage === null) return null;
  const h = history.handoff;
  const view = partnerSafeUpdate(
    h,
    state.stage,
    isDeclineReason(state.declineReason) ? state.declineReason : null,
    isLostReason(state.lostReason) ? state.lostReason : null,
  );
  // Only the AE who accepted is named (an acceptance is final, so it is the AE now; checked all the same).
  if (view.aeName !== null && !state.acceptedNow) view.aeName = null;
  const outcome = outcomeCheck(history);
  // Taken back since the accept: nobody is the partner's AE until the next accept, so a next move naming
  // the handoff's AE now (the one it was taken from, or the next, who has not accepted) no longer holds either.
  const awaitingAccept = state.stage === 'accepted' && !state.acceptedNow;
  const showNextMove =
    NEXT_MOVE_AHEAD.has(state.stage) &&
    h.partnerNextMove.trim() !== '' &&
    !heldBackNextMove(awaitingAccept ? { ...h, aeName: '' } : h, {
      ...check,
      ...(awaitingAccept ? { formerAeNames: [...(check.formerAeNames ?? []), h.aeName] } : {}),
      ...(outcome ? { outcome } : {}),
    });
  if (!showNextMove) {
    view.partnerNextMove = '';
    view.partnerNextMoveDate = null;
  }
  if (state.afterDecline) view.afterDecline = true;
  if (awaitingAccept) view.finding = true;
  // The AE's first step, while it is the deal's next step: accepted by the AE named now, no outcome after it, and its
  // date not passed where it is read (a step "by Tue 2 Dec" read on the 3rd is no longer true: it is held back).
  const stepAhead = !check.today || !h.firstStepDue || h.firstStepDue >= check.today;
  if (state.stage === 'accepted' && state.acceptedNow && h.firstStep && h.firstStepDue && stepAhead)
    view.nextStep = { text: forPartner(h.firstStep), due: h.firstStepDue };
  return view;
}

/**
 * The thread's reply about a decision, as it reads now: the view just after that decision, naming our
 * AE and their step only while the view now names them too. A step whose date has passed, an AE the deal has moved
 * from, a step an outcome has since made: none of them is shown as the plan. Null: no such decision (nothing to say).
 */
export function partnerReplyView(
  history: PartnerHistory,
  decisionId: number,
  check: NextMoveCheck = {},
): PartnerSafeUpdate | null {
  const at = history.facts.findIndex((f) => f.kind === 'decision' && f.id === decisionId);
  if (at < 0) return null;
  const then = partnerView({ ...history, facts: history.facts.slice(0, at + 1) }, check);
  if (!then) return null;
  const now = partnerView(history, check);
  if (then.aeName !== null && now?.aeName !== then.aeName) then.aeName = null;
  // Whether we are finding the right person is said as it is now: an earlier accept's reply reads it only meanwhile.
  if (now?.finding && then.event === 'accepted') then.finding = true;
  else delete then.finding;
  if (then.nextStep && (!now?.nextStep || then.aeName === null)) delete then.nextStep;
  else if (then.nextStep && now?.nextStep) then.nextStep = now.nextStep;
  return then;
}

/** The reply a change of the partner's view owes: the view after it, when its stage changed (null: nothing). */
export function partnerNews(
  before: PartnerSafeUpdate | null,
  after: PartnerSafeUpdate | null,
): PartnerSafeUpdate | null {
  if (!after || after.event === 'considering') return null;
  // Another AE accepted after a take-back: the same stage, news all the same (it names them).
  if (after.event === 'accepted' && after.aeName !== null && before?.aeName !== after.aeName) return after;
  return before?.event === after.event ? null : after;
}
