import { OUTCOME_LABEL } from '../domain/outcomes.js';
import { outcomeRefusalMessage } from './ephemerals.js';
import { mention, userText } from './mrkdwn.js';
import type { AnswerResult, UndoResult } from './results.js';

/**
 * What the clicker is told after Confirm or Not right on a reported outcome, and after Undo: nothing when it worked
 * (the messages themselves change), otherwise why nothing was done.
 */

export function reportAnswerReply(result: AnswerResult): string | undefined {
  switch (result.kind) {
    case 'recorded':
    case 'declined':
    case 'reported':
    case 'invalid':
      return undefined;
    case 'answered':
      return `That report on handoff #${result.handoff.id} was already answered (or replaced by a newer one), so nothing was changed. The message shows where it stands.`;
    case 'not_allowed':
      return `Only the AE (${mention(result.handoff.aeUserId)}) can answer a reported outcome on handoff #${result.handoff.id}. Nothing was changed.`;
    default:
      return outcomeRefusalMessage(result);
  }
}

export function undoReply(result: UndoResult): string | undefined {
  switch (result.kind) {
    case 'undone':
      return undefined;
    case 'not_found':
      return 'I could not find that handoff, so nothing was changed.';
    case 'external':
      return 'This button is for the internal team working the deal. Nothing was changed.';
    case 'gone':
      return `That step on handoff #${result.handoff.id} was already undone. Nothing was changed.`;
    case 'not_allowed':
      return `Only ${mention(result.step.recordedByUserId)}, who recorded *${OUTCOME_LABEL[result.step.outcome]}*, or an admin can undo it. Nothing was changed.`;
    case 'too_late':
      return `*${OUTCOME_LABEL[result.step.outcome]}* on handoff #${result.handoff.id} *${userText(result.handoff.accountName, 150)}* can no longer be undone: its undo window ended (or a later step followed), and the partner channel hears of it. Nothing was changed.`;
  }
}
