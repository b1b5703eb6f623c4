import type { HandoffRow } from '../db/schema.js';
import { describeStatus, endedForGood, type OwnerAction } from '../domain/lifecycle.js';
import { SLACK_AUTH_ERRORS, slackErrorCode } from '../domain/slackErrors.js';
import { mention, plain, userText, withdrawnBy } from './mrkdwn.js';

/** Why an action on a handoff was refused. */
export type Refusal =
  | { kind: 'not_found' }
  | { kind: 'external' }
  | { kind: 'not_ae'; handoff: HandoffRow }
  | { kind: 'closed'; handoff: HandoffRow }
  | { kind: 'edited'; handoff: HandoffRow };

/** A refusal as an ephemeral (mrkdwn), shown only to the person who clicked. */
export function refusalMessage(refusal: Refusal): string {
  switch (refusal.kind) {
    case 'not_found':
      return 'I could not find that handoff, so nothing was changed.';
    case 'external':
      return 'This button is for the internal team that sent the handoff, so it cannot be used from another organization. Nothing was changed.';
    case 'not_ae':
      return `Only ${mention(refusal.handoff.aeUserId)}, the account executive named on this handoff, can accept or decline it. Nothing was changed.`;
    case 'closed':
      return `Handoff #${refusal.handoff.id} *${userText(refusal.handoff.accountName, 150)}* is already ${closedState(refusal.handoff)}, so there is nothing left to decide. Nothing was changed.`;
    case 'edited':
      return editedRefusal(refusal.handoff);
  }
}

/** An answer to a packet that was edited after the reader saw it: nothing recorded, read the new version. */
function editedRefusal(h: HandoffRow): string {
  const what = h.editedFields && h.editedFields.length > 0 ? ` (${h.editedFields.join(', ')})` : '';
  return `Handoff #${h.id} *${userText(h.accountName, 150)}* was edited a moment ago${userText(what, 300)}, after the version you answered. Nothing was recorded: read the packet as it is now and answer again.`;
}

/** A closed handoff's state for the AE who clicked: a withdrawal names who withdrew it (the owner, or an admin). */
function closedState(h: HandoffRow): string {
  return endedForGood(h.status) ? `withdrawn${withdrawnBy(h, undefined)}` : describeStatus(h.status);
}

/** The same refusal as plain text, for an inline modal error. */
export function refusalPlain(refusal: Refusal): string {
  switch (refusal.kind) {
    case 'not_ae':
      return 'Only the account executive named on this handoff can accept or decline it.';
    case 'closed':
      return `Handoff #${refusal.handoff.id} (${plain(refusal.handoff.accountName, 150)}) is already ${describeStatus(refusal.handoff.status)}; there is nothing left to decide.`;
    case 'edited': {
      // Plain words (no mrkdwn in an inline error), and what to do: this form answers the older version for good.
      const h = refusal.handoff;
      const what = h.editedFields && h.editedFields.length > 0 ? ` (${h.editedFields.join(', ')})` : '';
      return plain(
        `Handoff #${h.id} (${h.accountName}) was edited a moment ago${what}, after the version you answered. Nothing was recorded: close this, read the packet as it is now in my DM, and answer there.`,
        2000,
      );
    }
    default:
      return refusalMessage(refusal);
  }
}

export const ephemeral = {
  /** A form (views.open) could not be opened: the token refused, or the trigger spent (too slow). */
  modalFailed: (error?: unknown) =>
    SLACK_AUTH_ERRORS.has(slackErrorCode(error) ?? '')
      ? failureText.disconnected
      : 'Slack did not let me open the form just now (it may have taken too long). Please try again.',
} as const;

/** What a person is told when what they asked for could not be done: never that it was done. */
export const failureText = {
  /** A click, a command or a shortcut whose write the database refused. */
  notSaved:
    'That did not go through: the app could not save it just now, so nothing was changed or sent. Please try again in a few minutes.',
  /** The same, inline on a form that stays open with the person's entries. */
  notSavedForm:
    'Nothing was saved or sent: the app could not store this just now. Your entries are still here; please submit again in a few minutes.',
  /** Slack refuses the bot token (revoked, uninstalled). */
  disconnected:
    'The app is disconnected from Slack just now (Slack no longer accepts its token), so that did not go through. A Slack admin needs to reinstall the app or update its token.',
  /** Anything else that failed before the app answered. */
  failed:
    'Something went wrong on our side, so that did not go through and nothing was changed. Please try again; if it keeps failing, tell whoever runs this app.',
} as const;

/** Why an owner action (reassign, extend, withdraw, more time) was refused. */
export type OwnerRefusalView =
  | { kind: 'not_found' }
  | { kind: 'external' }
  | { kind: 'not_owner'; handoff: HandoffRow }
  | { kind: 'not_now'; handoff: HandoffRow; action: OwnerAction }
  | { kind: 'changed'; handoff: HandoffRow };

const DONE: Record<OwnerAction, string> = {
  reassign: 'reassigned',
  extend: 'extended',
  withdraw: 'withdrawn',
  grant_more_time: 'given more time',
};

function noLonger(refusal: Extract<OwnerRefusalView, { kind: 'not_now' }>): string {
  const { handoff: h, action } = refusal;
  // A second Withdraw or a second "Give more time" (a double click, another admin): it is done, not impossible.
  if (endedForGood(h.status) && action === 'withdraw') return 'already withdrawn';
  if (action === 'grant_more_time' && h.moreTime === 'granted')
    return 'already given the more time its AE asked for';
  return `${describeStatus(h.status)}, so it can no longer be ${DONE[action]}`;
}

export function ownerRefusalMessage(refusal: OwnerRefusalView): string {
  switch (refusal.kind) {
    case 'not_found':
      return 'I could not find that handoff, so nothing was changed.';
    case 'external':
      return 'This button is for the internal team that sent the handoff. Nothing was changed.';
    case 'not_owner':
      return `Only the owner of handoff #${refusal.handoff.id}, ${mention(refusal.handoff.ownerUserId)}, or an admin can do that. Nothing was changed.`;
    case 'not_now':
      return `Handoff #${refusal.handoff.id} *${userText(refusal.handoff.accountName, 150)}* is ${noLonger(refusal)}. Nothing was changed.`;
    case 'changed':
      return `Handoff #${refusal.handoff.id} changed while you were deciding (it is now ${describeStatus(refusal.handoff.status)}). Nothing was changed; please look again.`;
  }
}

/**
 * The same, as plain text for an inline modal error (no mentions or formatting). Slack shows inline errors as plain
 * text, so the account name is written as typed, not escaped: an escape would show as a literal &amp;.
 */
export function ownerRefusalPlain(refusal: OwnerRefusalView): string {
  switch (refusal.kind) {
    case 'not_owner':
      return 'Only the owner of this handoff or an admin can do that. Nothing was changed.';
    case 'not_now':
      return `Handoff #${refusal.handoff.id} ${plain(refusal.handoff.accountName, 150)} is ${noLonger(refusal)}. Nothing was changed.`;
    default:
      return ownerRefusalMessage(refusal);
  }
}

/** Why recording an outcome was refused. */
export type OutcomeRefusalView =
  | { kind: 'not_found' }
  | { kind: 'external' }
  | { kind: 'not_allowed'; handoff: HandoffRow }
  | { kind: 'not_now'; handoff: HandoffRow };

const cannotRecord = (handoff: HandoffRow) =>
  `${describeStatus(handoff.status)}${handoff.outcome ? ` (${handoff.outcome.replace('_', ' ')})` : ''}, so that step cannot be recorded now`;

export function outcomeRefusalMessage(refusal: OutcomeRefusalView): string {
  switch (refusal.kind) {
    case 'not_found':
      return 'I could not find that handoff, so nothing was changed.';
    case 'external':
      return 'This button is for the internal team working the deal. Nothing was changed.';
    case 'not_allowed':
      return `Only the AE (${mention(refusal.handoff.aeUserId)}) or an admin can record outcomes on handoff #${refusal.handoff.id}; its owner or author can report one for the AE to confirm. Nothing was changed.`;
    case 'not_now':
      return `Handoff #${refusal.handoff.id} *${userText(refusal.handoff.accountName, 150)}* is ${cannotRecord(refusal.handoff)}. Nothing was changed.`;
  }
}

/**
 * The same as plain text for an inline modal error: no mention, no bold, and the account name as typed (inline
 * errors are plain text, where an escape would show as a literal &amp;).
 */
export function outcomeRefusalPlain(refusal: OutcomeRefusalView): string {
  switch (refusal.kind) {
    case 'not_allowed':
      return `Only the AE or an admin can record outcomes on handoff #${refusal.handoff.id}; its owner or author can report one for the AE to confirm. Nothing was changed.`;
    case 'not_now':
      return `Handoff #${refusal.handoff.id} ${plain(refusal.handoff.accountName, 150)} is ${cannotRecord(refusal.handoff)}. Nothing was changed.`;
    default:
      return outcomeRefusalMessage(refusal);
  }
}
