import type { HandoffRow } from '../db/schema.js';
import type { AskAction } from '../domain/asks.js';
import { awaitsAe, describeStatus } from '../domain/lifecycle.js';
import { mention, plain, userText } from './mrkdwn.js';
import type { AskRefusal, AskResult } from './results.js';

/**
 * Why a question, an answer or a request for more time was refused (escalation/asks.ts), shown only to whoever clicked
 * or submitted: who may, or why not now. Nothing was changed.
 */

const named = (h: HandoffRow) => `handoff #${h.id} *${userText(h.accountName, 150)}*`;

/** Not theirs to do. */
function notAllowed(h: HandoffRow, action: AskAction): string {
  if (action === 'answer_question')
    return `Only ${mention(h.authorUserId)}, who wrote ${named(h)}, can answer its AE's question.`;
  return `Only ${mention(h.aeUserId)}, the account executive named on ${named(h)}, can ask before deciding.`;
}

/** Theirs, but not now: done already, or the handoff no longer waits for its AE. */
function notNow(refusal: Extract<AskRefusal, { kind: 'not_now' }>): string {
  const h = refusal.handoff;
  const state = `${named(h)} is ${describeStatus(h.status)}`;
  switch (refusal.action) {
    case 'ask_question':
      if (awaitsAe(h.status) && h.questionAssignment === h.assignment)
        return `You already asked ${mention(h.authorUserId)} your question about ${named(h)}: one question each.`;
      return `${state}, so there is nothing left to ask before deciding.`;
    case 'ask_more_time':
      if (awaitsAe(h.status) && h.moreTime)
        return `More time was already asked for on ${named(h)}: once per handoff. The owner ${mention(h.ownerUserId)} can still extend it.`;
      return `${state}, so there is no deadline left to move.`;
    case 'answer_question':
      if (refusal.question?.answeredAt) return `This question on ${named(h)} was already answered.`;
      return `No answer is needed now: ${state}${awaitsAe(h.status) ? ` with ${mention(h.aeUserId)}, who did not ask this question` : ''}.`;
    case 'grant_more_time':
      return `${state}: there is no request for more time to give.`;
  }
}

/** A refusal as an ephemeral (mrkdwn); what was done, for a result that is none. */
export function askRefusalMessage(refusal: AskResult): string {
  switch (refusal.kind) {
    case 'asked':
    case 'answered':
    case 'more_time':
      return 'Done.';
    case 'not_found':
      return 'I could not find that handoff, so nothing was changed.';
    case 'external':
      return 'This button is for the internal team that sent the handoff. Nothing was changed.';
    case 'invalid':
      return refusal.message;
    case 'not_allowed':
      return `${notAllowed(refusal.handoff, refusal.action)} Nothing was changed.`;
    case 'not_now':
      return `${notNow(refusal)} Nothing was changed.`;
  }
}

/** The same as plain text, for an inline error on the question or answer modal (no mention, no bold). */
export function askRefusalPlain(refusal: AskResult): string {
  if (refusal.kind === 'not_allowed' || refusal.kind === 'not_now') {
    const h = refusal.handoff;
    return askRefusalMessage(refusal)
      .replace(/<@([A-Z0-9]+)>/g, (_m, id: string) =>
        id === h.aeUserId ? 'the AE' : id === h.authorUserId ? 'the author' : 'the owner',
      )
      .replace(`*${userText(h.accountName, 150)}*`, plain(h.accountName, 150))
      .replace(/\*/g, '');
  }
  return askRefusalMessage(refusal);
}
