import { type LifecycleState, type Transition, windowOpen } from './lifecycleState.js';

/**
 * Before deciding, the AE may ask instead of declining: one question to the author per
 * assignment (the response window pauses while it waits, QUESTION_PAUSE_DAYS), and more time once per handoff (given
 * at once, or by the owner with one click: MORE_TIME_APPROVAL). Entries of the lifecycle table (domain/lifecycle.ts),
 * kept here to keep that file short.
 */
export const ASK_ACTIONS = ['ask_question', 'answer_question', 'ask_more_time', 'grant_more_time'] as const;
export type AskAction = (typeof ASK_ACTIONS)[number];

/** The AE's choices beside Accept and Decline. */
export type AeAsk = Extract<AskAction, 'ask_question' | 'ask_more_time'>;
export const AE_ASKS: readonly AeAsk[] = ['ask_question', 'ask_more_time'];

/** The question of this AE's assignment still waits for the author's answer. */
export const questionWaits = (h: LifecycleState) => h.questionOpen && h.questionAssignment === h.assignment;

export const ASK_TRANSITIONS: Readonly<Record<AskAction | 'resume_clock', Transition>> = {
  // One question per AE: a reassignment to another AE lets them ask theirs.
  ask_question: {
    from: ['sent'],
    to: null,
    by: ['ae'],
    guard: (h, at) => windowOpen(h, at) && h.questionAssignment !== h.assignment,
    logAs: 'question_asked',
    visible: true,
    // A reminder still on its way says "was waiting for your answer" once the window is paused: still true.
    cancelsReminders: false,
    crm: false,
  },
  // The author answers while the AE still owes their answer; after a decision, a move or a withdrawal nobody needs it.
  answer_question: {
    from: ['sent'],
    to: null,
    by: ['author'],
    guard: questionWaits,
    logAs: 'question_answered',
    visible: true,
    cancelsReminders: false,
    crm: false,
  },
  // The pause reached QUESTION_PAUSE_DAYS without an answer: the AE's clock runs again (the sweep).
  resume_clock: {
    from: ['sent'],
    to: null,
    by: ['app'],
    guard: (h) => h.pausedAt !== null,
    logAs: 'clock_resumed',
    visible: true,
    cancelsReminders: false,
    crm: false,
  },
  // Once per handoff. With MORE_TIME_APPROVAL=auto the app grants it in the same transaction.
  ask_more_time: {
    from: ['sent'],
    to: null,
    by: ['ae'],
    guard: (h, at) => windowOpen(h, at) && h.moreTime === null,
    logAs: 'more_time_asked',
    visible: true,
    cancelsReminders: false,
    crm: false,
  },
  // The owner's one click (or the app's, at once): the days are added to the deadline, as an extension would.
  grant_more_time: {
    from: ['sent', 'expired'],
    to: 'sent',
    by: ['owner', 'admin'],
    guard: (h) => h.moreTime === 'asked',
    logAs: 'more_time_granted',
    visible: true,
    crm: true,
  },
};
