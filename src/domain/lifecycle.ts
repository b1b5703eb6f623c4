import { type Actor, isInternalActor } from './actor.js';
import { AFTER_ACCEPT_ACTIONS, AFTER_ACCEPT_TRANSITIONS, type StepCheckEvent } from './afterAccept.js';
import { AE_ASKS, type AeAsk, ASK_ACTIONS, ASK_TRANSITIONS } from './asks.js';
import {
  type HandoffStatus,
  type LifecycleState,
  OPEN_STATUSES,
  type Role,
  STATUS_FACTS,
  type Transition,
  windowOpen,
} from './lifecycleState.js';
import { canRecordOutcome, nextOutcomes, type Outcome } from './outcomes.js';

export { STEP_CHECK_EVENT, type StepCheckEvent } from './afterAccept.js';
export type {
  Decision,
  EventLogType,
  HandoffStatus,
  LifecycleState,
  MoreTime,
  Role,
  StepCheck,
  Transition,
} from './lifecycleState.js';
export {
  aeDeclined,
  aeHasDeal,
  awaitsAe,
  backWithOwner,
  DECISIONS,
  dealLive,
  endedForGood,
  HANDOFF_STATUSES,
  isDecision,
  lapsed,
  MORE_TIME_STATES,
  OPEN_STATUSES,
  STATUS_FACTS,
  STEP_CHECKS,
} from './lifecycleState.js';

/**
 * The handoff's lifecycle in one table: its states, the events that move it, who may trigger each, and the guard.
 * The services apply a transition through one function (core/lifecycle.ts) that derives its SQL guard from this
 * table; handlers refuse and renderers hide buttons through `can`, from the same table. Adding a transition is one
 * entry here (or in a group of its own, such as
 * domain/asks.ts) plus its renderers.
 */

/** What a person can do to a handoff (buttons and modals). */
export const PERSON_ACTIONS = [
  'accept',
  'decline',
  'reassign',
  'extend',
  'withdraw',
  'meeting_held',
  'opportunity_created',
  'won',
  'lost',
  'edit',
  'report_outcome',
  'decline_report',
  'undo_outcome',
  ...AFTER_ACCEPT_ACTIONS,
  ...ASK_ACTIONS,
] as const;
export type PersonAction = (typeof PERSON_ACTIONS)[number];

/** Every event of the lifecycle: what people do, and what the app does on its own. */
export type LifecycleEvent =
  | PersonAction
  | 'remind'
  | 'expire'
  | 'stall_nudge'
  | 'escalate'
  | 'resume_clock'
  | 'ask_for_step'
  | 'remind_owner'
  | StepCheckEvent;

const outcomeStep = (step: Outcome) => (h: LifecycleState) => canRecordOutcome(h.outcome, step);
const OPEN_OR_EXPIRED = ['sent', 'expired'] as const;
/** Who records an outcome the partner is told as fact: the AE, or an admin (the CRM records through its read-back). */
const AE_ADMIN = ['ae', 'admin'] as const;
/** Who reports an outcome for the AE to confirm: the owner, the author (partner marketing). */
const OWNER_AUTHOR = ['owner', 'author'] as const;
const aStepAhead = (h: LifecycleState) => nextOutcomes(h.outcome).length > 0;
const OWNER_ADMIN = ['owner', 'admin'] as const;
const AUTHOR_OWNER_ADMIN = ['author', 'owner', 'admin'] as const;

export const TRANSITIONS: Readonly<Record<LifecycleEvent, Transition>> = {
  accept: {
    from: ['sent'],
    to: 'accepted',
    by: ['ae'],
    guard: windowOpen,
    logAs: 'accepted',
    visible: true,
    crm: true,
  },
  decline: {
    from: ['sent'],
    to: 'declined',
    by: ['ae'],
    guard: windowOpen,
    logAs: 'declined',
    visible: true,
    crm: true,
  },
  remind: { from: ['sent'], to: null, by: ['app'], logAs: 'reminded', visible: false, crm: false },
  // A policy level that notifies (before the due time, or after the window expired): new messages only.
  escalate: {
    from: ['sent', 'expired'],
    to: null,
    by: ['app'],
    logAs: 'escalated',
    visible: false,
    crm: false,
    cancelsReminders: false,
  },
  expire: { from: ['sent'], to: 'expired', by: ['app'], logAs: 'expired', visible: true, crm: true },
  reassign: {
    from: ['sent', 'expired', 'declined', 'taken_back'],
    to: 'sent',
    by: OWNER_ADMIN,
    logAs: 'reassigned',
    visible: true,
    crm: true,
  },
  extend: { from: OPEN_OR_EXPIRED, to: 'sent', by: OWNER_ADMIN, logAs: 'extended', visible: true, crm: true },
  withdraw: {
    from: [...OPEN_OR_EXPIRED, 'taken_back'],
    to: 'withdrawn',
    by: OWNER_ADMIN,
    logAs: 'withdrawn',
    visible: true,
    crm: true,
  },
  // Visible: the new nudge carries the outcome buttons, the older ones lose them.
  stall_nudge: {
    from: ['accepted'],
    to: null,
    by: ['app'],
    logAs: 'stall_nudged',
    visible: true,
    crm: false,
  },
  meeting_held: {
    from: ['accepted'],
    to: null,
    by: AE_ADMIN,
    guard: outcomeStep('meeting_held'),
    logAs: 'meeting_held',
    visible: true,
    crm: true,
  },
  opportunity_created: {
    from: ['accepted'],
    to: null,
    by: AE_ADMIN,
    guard: outcomeStep('opportunity_created'),
    logAs: 'opportunity_created',
    visible: true,
    crm: true,
  },
  won: {
    from: ['accepted'],
    to: null,
    by: AE_ADMIN,
    guard: outcomeStep('won'),
    logAs: 'won',
    visible: true,
    crm: true,
  },
  lost: {
    from: ['accepted'],
    to: null,
    by: AE_ADMIN,
    guard: outcomeStep('lost'),
    logAs: 'lost',
    visible: true,
    crm: true,
  },
  // The owner's or author's word of an outcome: stored, and sent to the AE to confirm (then it is the AE's step).
  report_outcome: {
    from: ['accepted'],
    to: null,
    by: OWNER_AUTHOR,
    guard: aStepAhead,
    logAs: 'outcome_reported',
    visible: true,
    cancelsReminders: false,
    crm: false,
  },
  // The AE's "Not right" on a reported outcome: nothing is recorded, the reporter is told.
  decline_report: {
    from: ['accepted'],
    to: null,
    by: ['ae'],
    logAs: 'outcome_report_declined',
    visible: true,
    cancelsReminders: false,
    crm: false,
  },
  // Undo of the latest outcome step within the undo window, before the partner post (outcomes/outcomeUndo.ts checks
  // the window and that it is the recorder's, or an admin's).
  undo_outcome: {
    from: ['accepted'],
    to: null,
    by: AE_ADMIN,
    guard: (h) => h.outcome !== null,
    logAs: 'outcome_undone',
    visible: true,
    cancelsReminders: false,
    crm: false,
  },
  // Changing the packet while the AE has not answered (after a decision it becomes a note to the AE instead).
  edit: {
    from: ['sent'],
    to: null,
    by: AUTHOR_OWNER_ADMIN,
    guard: windowOpen,
    logAs: 'edited',
    visible: true,
    cancelsReminders: false,
    crm: false,
  },
  ...AFTER_ACCEPT_TRANSITIONS,
  ...ASK_TRANSITIONS,
};

/** A person as the policy sees them: who they are (Slack ids), and what the app knows of them. */
export interface Viewer {
  actor: Actor;
  /** Our workspaces: anyone else is external and may do nothing. */
  internalTeamIds: readonly string[];
  /** ADMIN_USER_IDS. */
  adminUserIds: readonly string[];
}

/** The roles a person has on this handoff (none for anyone external). */
export function rolesOf(viewer: Viewer, h: LifecycleState): Set<Role> {
  const roles = new Set<Role>();
  if (!isInternalActor(viewer.actor, viewer.internalTeamIds)) return roles;
  // The AE by user and team (Slack Connect ids can repeat across organizations); the owner by user id, since the
  // owner may belong to another workspace of the org (checked internal above).
  if (viewer.actor.userId === h.aeUserId && viewer.actor.teamId === h.aeTeamId) roles.add('ae');
  if (viewer.actor.userId === h.ownerUserId) roles.add('owner');
  if (viewer.actor.userId === h.authorUserId) roles.add('author');
  if (viewer.adminUserIds.includes(viewer.actor.userId)) roles.add('admin');
  return roles;
}

/** Why a person may not do something now: not theirs to do, or not in this state. */
export type Verdict = 'ok' | 'external' | 'not_allowed' | 'not_now';

/** The one policy: whether this person may take this action on this handoff now, and if not, why. */
export function check(viewer: Viewer, action: PersonAction, h: LifecycleState, at?: Date): Verdict {
  if (!isInternalActor(viewer.actor, viewer.internalTeamIds)) return 'external';
  const t = TRANSITIONS[action];
  const roles = rolesOf(viewer, h);
  if (!t.by.some((role) => roles.has(role))) return 'not_allowed';
  return isPossible(action, h, at) ? 'ok' : 'not_now';
}

/** Whether this person may take this action on this handoff now. */
export function can(viewer: Viewer, action: PersonAction, h: LifecycleState, at?: Date): boolean {
  return check(viewer, action, h, at) === 'ok';
}

/** Whether the handoff's state allows the event at all, whoever triggers it. */
export function isPossible(event: LifecycleEvent, h: LifecycleState, at?: Date): boolean {
  const t = TRANSITIONS[event];
  return t.from.includes(h.status) && (t.guard?.(h, at) ?? true);
}

/** The state after the event (unchanged for events that do not move it). */
export function nextStatus(event: LifecycleEvent, h: Pick<LifecycleState, 'status'>): HandoffStatus {
  return TRANSITIONS[event].to ?? h.status;
}

/**
 * The sweep's times a handoff keeps only while it is in a state their sweep reads: a reminder while it waits for its
 * AE, an escalation step while it is open or expired. Entering any other state clears them, so they leave their
 * partial indexes (db/schema.ts) instead of lingering there. Applied by every transition that moves the state
 * (core/lifecycle.ts, and the decision's prepared statement).
 */
export function sweepTimesEndedBy(status: HandoffStatus): {
  nextReminderAt?: null;
  nextEscalationAt?: null;
  pausedAt?: null;
  pauseEndsAt?: null;
} {
  return {
    ...(TRANSITIONS.remind.from.includes(status) ? {} : { nextReminderAt: null }),
    ...(TRANSITIONS.escalate.from.includes(status) ? {} : { nextEscalationAt: null }),
    // A paused clock (an open question) ends with the wait for the AE: a decision or a withdrawal ends the pause.
    ...(TRANSITIONS.resume_clock.from.includes(status) ? {} : { pausedAt: null, pauseEndsAt: null }),
  };
}

/**
 * The state in a few words, naming nobody: the messages that say who (the AE, the owner, or "you") add the person
 * themselves (blocks/).
 */
export function describeStatus(status: HandoffStatus): string {
  return STATUS_FACTS[status].words;
}

/**
 * Lists of states derived from the table, for the queries and renderers that need one (a state added to the table's
 * rows joins them). Open but before any outcome step: its AE still owes the answer, or its owner acts next (the
 * outcome steps' states are open until won or lost). The escalation sweep's states. The states an owner may extend
 * from (the AE's deadline passed, or about to). The states someone is reminded in: the AE in their window, or the
 * owner of a deal back with them and given to nobody.
 */
export const OPEN_BEFORE_OUTCOMES = OPEN_STATUSES.filter((status) => !TRANSITIONS.won.from.includes(status));
export const ESCALATING_STATUSES = TRANSITIONS.escalate.from;
export const EXTENDABLE_STATUSES = TRANSITIONS.extend.from;
export const REMINDED_STATUSES = [...TRANSITIONS.remind.from, ...TRANSITIONS.remind_owner.from];

/** The owner's recovery actions, and their one click on the AE's request for more time: events of the table. */
export const OWNER_ACTIONS = [
  'reassign',
  'extend',
  'withdraw',
  'grant_more_time',
] as const satisfies readonly LifecycleEvent[];
export type OwnerAction = (typeof OWNER_ACTIONS)[number];

/** The buttons a person is offered on a handoff: only what `can` allows them now. */
export interface Offer {
  decide: boolean;
  /** Beside Accept and Decline: ask the author a question, ask for more time (domain/asks.ts). */
  asks: readonly AeAsk[];
  /** Answer the AE's question (the author). */
  answer: boolean;
  /** Edit the packet (while the AE has not answered). */
  edit: boolean;
  /** Give the first step a new date (the AE, while it is ahead: issue 51). */
  newStepDate: boolean;
  /** Hand the accepted deal back to the owner (the AE, before any outcome: issue 51). */
  handBack: boolean;
  owner: readonly OwnerAction[];
  /** Outcome steps this person records (the AE, an admin): the partner hears them. */
  outcomes: readonly Outcome[];
  /** Outcome steps this person may only report (the owner, the author): the AE confirms them first. */
  reports: readonly Outcome[];
}

export const NO_OFFER: Offer = {
  decide: false,
  asks: [],
  answer: false,
  edit: false,
  newStepDate: false,
  handBack: false,
  owner: [],
  outcomes: [],
  reports: [],
};

const OUTCOME_ACTIONS: readonly Outcome[] = ['meeting_held', 'opportunity_created', 'won', 'lost'];

export function offerFor(viewer: Viewer, h: LifecycleState, at?: Date): Offer {
  return {
    decide: can(viewer, 'accept', h, at),
    asks: AE_ASKS.filter((ask) => can(viewer, ask, h, at)),
    answer: can(viewer, 'answer_question', h, at),
    edit: can(viewer, 'edit', h, at),
    newStepDate: can(viewer, 'new_step_date', h, at),
    handBack: can(viewer, 'hand_back', h, at),
    owner: OWNER_ACTIONS.filter((action) => can(viewer, action, h, at)),
    outcomes: OUTCOME_ACTIONS.filter((step) => can(viewer, step, h, at)),
    reports: can(viewer, 'report_outcome', h, at)
      ? nextOutcomes(h.outcome).filter((step) => !can(viewer, step, h, at))
      : [],
  };
}
