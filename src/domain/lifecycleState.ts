import { isFinalOutcome, type Outcome } from './outcomes.js';

/**
 * The lifecycle's vocabulary: a handoff's states, who someone is to it, how the touch log names events, and the part
 * of a handoff the lifecycle table (domain/lifecycle.ts) reads. Its own file so that the table's groups of entries
 * (domain/asks.ts: what the AE may do before deciding) can share it without importing each other.
 */
/**
 * `taken_back`: accepted, then given back to the owner: the AE handed it back, or their first step went
 * silent past the policy's take-back. The owner reassigns or withdraws it; a policy's pool may reassign it at once.
 */
export const HANDOFF_STATUSES = [
  'sent',
  'accepted',
  'declined',
  'expired',
  'withdrawn',
  'taken_back',
] as const;
export type HandoffStatus = (typeof HANDOFF_STATUSES)[number];

/** What the app holds true of a state, said once per state: the lists, predicates and describeStatus read it. */
interface StatusFacts {
  /**
   * Still open: something can still happen to it, so a new packet on the same account is a duplicate or a conflict
   * (an accepted one until won or lost).
   */
  open: boolean;
  /**
   * Left alone, nothing more happens to it: data retention counts its age from its last change (its packet's words go
   * RETAIN_PACKET_TEXT_DAYS after). An expired handoff is open (its owner may still give it to someone) and ages all
   * the same; an accepted one ages once won or lost (its outcome, not its state).
   */
  agesOut: boolean;
  /** The AE owes the answer: their window (or paused clock) runs, and they may accept, decline or ask first. */
  awaitsAe: boolean;
  /** The AE's window ran out with no answer: the owner acts next, and the policy's levels from the due time on. */
  lapsed: boolean;
  /** The AE accepted and has the deal: its outcome steps, first step and nudges follow until won or lost. */
  aeHasDeal: boolean;
  /** Accepted, then back with the owner (handed back, or taken back by the policy), who says who takes it next. */
  backWithOwner: boolean;
  /** The AE declined it: their reason stands, and the owner may give it to someone else. */
  aeDeclined: boolean;
  /** Ended for good by its owner or an admin (withdrawn): nothing more happens to it. */
  endedForGood: boolean;
  /** The state in a few words, naming nobody (describeStatus). */
  words: string;
}

/**
 * Every state's facts. A Record over the union: a state added to HANDOFF_STATUSES without its entry here does not
 * compile. The rest of each state's meaning is its rows in the lifecycle table (domain/lifecycle.ts).
 */
export const STATUS_FACTS: Readonly<Record<HandoffStatus, StatusFacts>> = {
  sent: {
    open: true,
    agesOut: false,
    awaitsAe: true,
    lapsed: false,
    aeHasDeal: false,
    backWithOwner: false,
    aeDeclined: false,
    endedForGood: false,
    words: 'waiting for the AE',
  },
  accepted: {
    open: true,
    agesOut: false,
    awaitsAe: false,
    lapsed: false,
    aeHasDeal: true,
    backWithOwner: false,
    aeDeclined: false,
    endedForGood: false,
    words: 'accepted',
  },
  declined: {
    open: false,
    agesOut: true,
    awaitsAe: false,
    lapsed: false,
    aeHasDeal: false,
    backWithOwner: false,
    aeDeclined: true,
    endedForGood: false,
    words: 'declined',
  },
  expired: {
    open: true,
    agesOut: true,
    awaitsAe: false,
    lapsed: true,
    aeHasDeal: false,
    backWithOwner: false,
    aeDeclined: false,
    endedForGood: false,
    words: 'expired without an answer',
  },
  withdrawn: {
    open: false,
    agesOut: true,
    awaitsAe: false,
    lapsed: false,
    aeHasDeal: false,
    backWithOwner: false,
    aeDeclined: false,
    endedForGood: true,
    words: 'withdrawn',
  },
  taken_back: {
    open: true,
    agesOut: false,
    awaitsAe: false,
    lapsed: false,
    aeHasDeal: false,
    backWithOwner: true,
    aeDeclined: false,
    endedForGood: false,
    words: 'taken back from the AE',
  },
};

const statusesWhere = (fact: (facts: StatusFacts) => boolean): readonly HandoffStatus[] =>
  HANDOFF_STATUSES.filter((status) => fact(STATUS_FACTS[status]));

/**
 * The states a handoff is still open in (something can still happen to it, so a new packet on the same account is a
 * duplicate or a conflict): waiting for its AE, expired or taken back (the owner acts next), or accepted.
 */
export const OPEN_STATUSES = statusesWhere((facts) => facts.open);

/** The states data retention ages from the last change (StatusFacts `agesOut`). */
export const AGEING_STATUSES = statusesWhere((facts) => facts.agesOut);

/** The AE owes the answer (StatusFacts `awaitsAe`): their deadline, pause and asks apply. */
export const awaitsAe = (status: HandoffStatus) => STATUS_FACTS[status].awaitsAe;
/** The AE's window ran out with no answer (StatusFacts `lapsed`). */
export const lapsed = (status: HandoffStatus) => STATUS_FACTS[status].lapsed;
/** The AE accepted and has the deal (StatusFacts `aeHasDeal`), whatever its outcome. */
export const aeHasDeal = (status: HandoffStatus) => STATUS_FACTS[status].aeHasDeal;
/** Accepted, then back with the owner (StatusFacts `backWithOwner`). */
export const backWithOwner = (status: HandoffStatus) => STATUS_FACTS[status].backWithOwner;
/** The AE declined it (StatusFacts `aeDeclined`). */
export const aeDeclined = (status: HandoffStatus) => STATUS_FACTS[status].aeDeclined;
/** Ended for good by its owner or an admin (StatusFacts `endedForGood`). */
export const endedForGood = (status: HandoffStatus) => STATUS_FACTS[status].endedForGood;
/** The AE has the deal and it is not yet won or lost: its next move and outcome reports still count. */
export const dealLive = (h: { status: HandoffStatus; outcome: Outcome | null }) =>
  aeHasDeal(h.status) && !isFinalOutcome(h.outcome);

/**
 * The AE's answers, as the states they lead to (the lifecycle table's accept and decline) and as the `decisions`
 * table's enum. After one, the owner and author add a note to the AE instead of editing the packet.
 */
export const DECISIONS = ['accepted', 'declined'] as const satisfies readonly HandoffStatus[];
export type Decision = (typeof DECISIONS)[number];
export const isDecision = (status: HandoffStatus): status is Decision =>
  (DECISIONS as readonly string[]).includes(status);

/** Who someone is to a handoff. `app`: the app itself (the sweep). */
export type Role = 'ae' | 'owner' | 'author' | 'admin' | 'app';

/** More time the AE asked for before deciding, once per handoff: waiting for the owner, or given. */
export const MORE_TIME_STATES = ['asked', 'granted'] as const;
export type MoreTime = (typeof MORE_TIME_STATES)[number];

/**
 * The first step's checks after the Accept, in order: a reminder to the AE before its date, the
 * check-in on it, the owner told once the grace has passed with no news, and the take-back (to the owner, or through a
 * pool) when the policy has one. Which of them a handoff gets, and when, is its escalation policy's (`afterAccept`).
 */
export const STEP_CHECKS = ['reminder', 'check_in', 'owner', 'take_back'] as const;
export type StepCheck = (typeof STEP_CHECKS)[number];

/** The touch-log type each event is recorded as. */
export type EventLogType =
  | 'accepted'
  | 'declined'
  | 'reminded'
  | 'expired'
  | 'reassigned'
  | 'extended'
  | 'withdrawn'
  | 'stall_nudged'
  | 'edited'
  | 'escalated'
  | 'outcome_reported'
  | 'outcome_report_declined'
  | 'outcome_undone'
  | 'question_asked'
  | 'question_answered'
  | 'clock_resumed'
  | 'more_time_asked'
  | 'more_time_granted'
  | 'step_reminded'
  | 'step_checked_in'
  | 'step_overdue'
  | 'step_new_date'
  | 'handed_back'
  | 'taken_back'
  | 'owner_reminded'
  | 'step_asked'
  | 'step_named'
  | Outcome;

/** The part of a handoff the table reads. */
export interface LifecycleState {
  status: HandoffStatus;
  outcome: Outcome | null;
  aeUserId: string;
  aeTeamId: string;
  ownerUserId: string;
  authorUserId: string;
  dueAt: Date;
  /** Which AE this is for the handoff (1 for the first, +1 on each reassignment). */
  assignment: number;
  /** The assignment whose AE asked the author a question (one each), and whether it still waits for the answer. */
  questionAssignment: number | null;
  questionOpen: boolean;
  /** The AE's clock is paused (an open question) since then; null: it runs. */
  pausedAt: Date | null;
  /** More time the AE asked for (once per handoff). */
  moreTime: MoreTime | null;
  /** After the Accept: the first step the AE committed to, and when it was done (absent: none known). */
  firstStep?: string | null;
  firstStepDoneAt?: Date | null;
}

export interface Transition {
  /** States the event may start from (the SQL guard checks the same list, and the window's cycle). */
  from: readonly HandoffStatus[];
  /** The state it leads to; null: it stays (reminders, outcome steps). */
  to: HandoffStatus | null;
  /** Who may trigger it. */
  by: readonly Role[];
  /** A further condition on the handoff, beyond its state. `at`: now, when the caller knows it. */
  guard?: (h: LifecycleState, at?: Date) => boolean;
  /** How it is recorded in the touch log. */
  logAs: EventLogType;
  /** Whether the messages and App Homes showing the handoff change with it (a reminder changes none of them). */
  visible: boolean;
  /** False: queued reminders and nudges stay true after it (an edit still waits for the same answer). */
  cancelsReminders?: boolean;
  /** A state change the linked CRM record hears of (one Task or note each); reminders and edits are not. */
  crm: boolean;
}

/**
 * The window is open until its due time, whether or not the sweep has run yet; while the clock is paused (an open
 * question) it does not run out.
 */
export const windowOpen = (h: LifecycleState, at?: Date) =>
  h.pausedAt !== null || at === undefined || at.getTime() < h.dueAt.getTime();
