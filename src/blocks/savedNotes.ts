import type { HandoffRow } from '../db/schema.js';
import { OUTCOME_LABEL } from '../domain/outcomes.js';
import { aeDeadline, mention, userText } from './mrkdwn.js';
import type {
  AddResult,
  AnswerResult,
  AskResult,
  DecisionResult,
  HeldBackResult,
  HelpRequestResult,
  NoteResult,
  OutcomeResult,
  OwnerResult,
  SendResult,
  UndoResult,
} from './results.js';

/**
 * What the people who clicked or submitted are told was saved when the app answered Slack late (runtime/lateAnswers.ts):
 * Slack showed them an error, but the listener had saved before it answered.
 */

/** `Handoff #12 · Northwind Logistics`, escaped. */
const named = (h: Pick<HandoffRow, 'id' | 'accountName'>) =>
  `Handoff #${h.id} · ${userText(h.accountName, 150)}`;

/** An outcome step recorded or reported (the button, its modal, or the AE's Confirm). */
function outcomeSaved(result: OutcomeResult | AnswerResult, recorded: string): string | undefined {
  if (result.kind === 'recorded')
    return `${recorded} *${OUTCOME_LABEL[result.step.outcome]}* on ${named(result.handoff)}`;
  if (result.kind === 'reported')
    return `you reported *${OUTCOME_LABEL[result.report.outcome]}* on ${named(result.handoff)}; ${mention(result.handoff.aeUserId)} confirms it before the partner hears it`;
  return undefined;
}

/**
 * Every listener that saves before it answers Slack, and what it says it saved, from its result: the words after
 * "Saved:". Undefined when the result saved nothing (a refusal, an invalid entry, a repeat of a save already made):
 * then nothing is said. A new listener that saves before its answer gets a line here and one `markSaved` call
 * (handlers/saved.ts).
 */
export const SAVED = {
  accept: (r: DecisionResult) => (r.kind === 'recorded' ? `you accepted ${named(r.handoff)}` : undefined),
  decline: (r: DecisionResult) => (r.kind === 'recorded' ? `you declined ${named(r.handoff)}` : undefined),
  withdraw: (r: OwnerResult) => (r.kind === 'done' ? `you withdrew ${named(r.handoff)}` : undefined),
  reassign: (r: OwnerResult) =>
    r.kind === 'done' ? `you reassigned ${named(r.handoff)} to ${mention(r.handoff.aeUserId)}` : undefined,
  extend: (r: OwnerResult) =>
    r.kind === 'done'
      ? `you extended ${named(r.handoff)}: ${mention(r.handoff.aeUserId)} now has until ${aeDeadline(r.handoff.dueAt, r.handoff.aeTimeZone)}`
      : undefined,
  /** Meeting held and Won (buttons), Opportunity created and Closed lost (their modals). */
  outcome: (r: OutcomeResult) => outcomeSaved(r, 'you recorded'),
  reportConfirm: (r: AnswerResult) => outcomeSaved(r, 'you confirmed'),
  reportDecline: (r: AnswerResult) =>
    r.kind === 'declined'
      ? `you answered Not right to ${mention(r.report.reportedByUserId)}'s report of *${OUTCOME_LABEL[r.report.outcome]}* on ${named(r.handoff)}: nothing is recorded, and they are told`
      : undefined,
  outcomeUndo: (r: UndoResult) =>
    r.kind === 'undone' ? `you undid *${OUTCOME_LABEL[r.step.outcome]}* on ${named(r.handoff)}` : undefined,
  /** Send on the review: a new handoff (not a repeat of the same modal's), or an edit's changes. */
  send: (r: SendResult) =>
    r.kind === 'sent' && !r.duplicate
      ? `you sent ${named(r.handoff)} to ${mention(r.handoff.aeUserId)}`
      : r.kind === 'edited' && r.fields.length > 0
        ? `your changes to ${named(r.handoff)} (${userText(r.fields.join(', '), 500)})`
        : undefined,
  note: (r: NoteResult) =>
    r.kind === 'noted' ? `your note on ${named(r.handoff)} went to the AE` : undefined,
  helpRequest: (r: HelpRequestResult) =>
    r.kind === 'sent' && !r.duplicate
      ? `your partner-help request about *${userText(r.request.accountName, 150)}* went to partner marketing`
      : undefined,
  nextMove: (r: HeldBackResult) =>
    r.kind === 'done' ? `the partner next move of ${named(r.handoff)}, as you wrote it` : undefined,
  /** Before deciding: the AE's question, the author's answer, the AE's and the owner's more time. */
  question: (r: AskResult) =>
    r.kind === 'asked'
      ? `your question on ${named(r.handoff)} went to ${mention(r.handoff.authorUserId)}`
      : undefined,
  answer: (r: AskResult) =>
    r.kind === 'answered'
      ? `your answer on ${named(r.handoff)} went to ${mention(r.question.askedByUserId)}`
      : undefined,
  moreTime: (r: AskResult) =>
    r.kind === 'more_time'
      ? r.granted
        ? `you have more time on ${named(r.handoff)}: until ${aeDeadline(r.handoff.dueAt, r.handoff.aeTimeZone)}`
        : `you asked ${mention(r.handoff.ownerUserId)} for more time on ${named(r.handoff)}`
      : undefined,
  grantMoreTime: (r: OwnerResult) =>
    r.kind === 'done'
      ? `you gave ${mention(r.handoff.aeUserId)} more time on ${named(r.handoff)}: until ${aeDeadline(r.handoff.dueAt, r.handoff.aeTimeZone)}`
      : undefined,
  /** "Add to handoff": a Slack message added to a handoff's history. */
  addToHandoff: (r: AddResult) =>
    r.kind === 'added' ? `the message, added to the history of ${named(r.handoff)}` : undefined,
} as const;

/** The note itself (mrkdwn: `what` comes escaped from SAVED). */
export function savedLateNote(what: string): string {
  return `:white_check_mark: Saved: ${what}. Slack may have shown you an error because the app answered late; it went through, nothing more to do.`;
}
