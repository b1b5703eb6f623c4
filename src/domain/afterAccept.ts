import type { EventLogType, LifecycleState, StepCheck, Transition } from './lifecycleState.js';

/**
 * After the Accept: the AE's first step tracked like the response window (a reminder, the
 * check-in, the owner told), its new dates, and the deal taken back from the AE (handed back by them, or after silence
 * past the policy's take-back). Entries of the lifecycle table (domain/lifecycle.ts), kept here to keep that file
 * short.
 */
export const AFTER_ACCEPT_ACTIONS = ['new_step_date', 'hand_back', 'name_step'] as const;
export type AfterAcceptAction = (typeof AFTER_ACCEPT_ACTIONS)[number];

/** The first step's checks, one event each (the take-back is a move of its own: escalation/takeBacks.ts). */
export type StepCheckEvent = 'step_remind' | 'step_check_in' | 'step_overdue' | 'take_back';
export const STEP_CHECK_EVENT: Readonly<Record<StepCheck, StepCheckEvent>> = {
  reminder: 'step_remind',
  check_in: 'step_check_in',
  owner: 'step_overdue',
  take_back: 'take_back',
};

/** Accepted before first steps existed: no step, and no outcome recorded since. */
const noStepYet = (h: LifecycleState) => !h.firstStep && h.outcome === null;

/** The first step is still ahead: accepted with one, not done, no outcome recorded since. */
const stepOpen = (h: LifecycleState) => Boolean(h.firstStep) && !h.firstStepDoneAt && h.outcome === null;

/**
 * A check of the first step: a new message (the reminder, the check-in, the owner's notice). Visible: the AE's newest
 * one carries their buttons, the older ones lose them.
 */
const stepCheckTransition = (logAs: EventLogType): Transition => ({
  from: ['accepted'],
  to: null,
  by: ['app'],
  guard: stepOpen,
  logAs,
  visible: true,
  cancelsReminders: false,
  crm: false,
});

export const AFTER_ACCEPT_TRANSITIONS: Readonly<
  Record<AfterAcceptAction | StepCheckEvent | 'ask_for_step' | 'remind_owner', Transition>
> = {
  // A deal accepted before first steps existed: an admin asks its AE to name one (`/handoff steps ask`), and the AE
  // names it (the New date modal, with the step's words). Until then nothing checks it, so an upgrade surprises no one.
  ask_for_step: {
    from: ['accepted'],
    to: null,
    by: ['app'],
    guard: noStepYet,
    logAs: 'step_asked',
    visible: false,
    cancelsReminders: false,
    crm: false,
  },
  name_step: {
    from: ['accepted'],
    to: null,
    by: ['ae'],
    guard: noStepYet,
    logAs: 'step_named',
    visible: true,
    cancelsReminders: false,
    crm: true,
  },
  // The AE gives their first step a new date (the owner told from the second on).
  new_step_date: {
    from: ['accepted'],
    to: null,
    by: ['ae'],
    guard: stepOpen,
    logAs: 'step_new_date',
    visible: true,
    cancelsReminders: false,
    crm: true,
  },
  // The AE gives an accepted deal back before any outcome: the owner decides who takes it next.
  hand_back: {
    from: ['accepted'],
    to: 'taken_back',
    by: ['ae'],
    guard: (h) => h.outcome === null,
    logAs: 'handed_back',
    visible: true,
    crm: true,
  },
  // The first step went silent past the policy's take-back: the deal goes back to the owner (or on through a pool).
  take_back: {
    from: ['accepted'],
    to: 'taken_back',
    by: ['app'],
    guard: stepOpen,
    logAs: 'taken_back',
    visible: true,
    crm: true,
  },
  // Back with the owner and given to nobody: the owner reminded each working morning (their manager
  // told with one of them). A new message: the owner's buttons move to it.
  remind_owner: {
    from: ['taken_back'],
    to: null,
    by: ['app'],
    logAs: 'owner_reminded',
    visible: true,
    cancelsReminders: false,
    crm: false,
  },
  step_remind: stepCheckTransition('step_reminded'),
  step_check_in: stepCheckTransition('step_checked_in'),
  step_overdue: stepCheckTransition('step_overdue'),
};
