import type { HandoffRow } from '../db/schema.js';
import { type GuestKind, type GuestPolicy, guestRefusal, NO_GUESTS } from '../domain/guests.js';
import { awaitsAe, backWithOwner, EXTENDABLE_STATUSES, endedForGood } from '../domain/lifecycle.js';
import { mention, userText, withdrawnBy } from './mrkdwn.js';

/**
 * What the packet form, the review and Send say to the author when something stops them (plain text: inline errors
 * on a field, or a notice in a modal), and the replies an edit or a note posts under the AE's packet (mrkdwn).
 * Pure functions; the packet feature (`src/packets/`) decides when each is said.
 */

/** A lookup Slack could not answer just now (said on the field it was about). */
export const SLACK_UNAVAILABLE = 'I could not check this with Slack just now. Please submit again.';

export const packetFieldText = {
  aeIsAuthor: 'Choose the account executive who will act on this, not yourself.',
  ownerIsAe: 'The owner follows up if the AE does not answer, so choose someone other than the AE.',
  aeAndPool: 'Choose an account executive or a pool, not both.',
  unknownPool: 'Choose an account executive.',
} as const;

/** Why a person the packet names cannot be its AE or its owner (undefined: they can). */
export function userProblemText(
  user: { isBot: boolean; deleted: boolean; teamId: string; guest?: GuestKind | undefined } | undefined,
  role: 'ae' | 'owner',
  internal: readonly string[],
  guests: GuestPolicy = NO_GUESTS,
): string | undefined {
  if (!user) return 'I could not find this person in Slack.';
  if (user.isBot) return 'Choose a person, not a bot or an app.';
  if (user.deleted) return "This person's Slack account is deactivated.";
  if (!internal.includes(user.teamId)) {
    return role === 'ae'
      ? 'Choose an account executive from your own company, not a partner.'
      : 'Choose an owner from your own company, not a partner.';
  }
  return guestRefusal(user, role, guests);
}

/** Why the app cannot post in the partner channel the packet names (undefined: it can). */
export function channelProblemText(
  channel: { isArchived: boolean; isMember: boolean } | undefined,
): string | undefined {
  if (!channel) return 'I cannot see this channel. Invite the app to it first (type /invite in the channel).';
  if (channel.isArchived) return 'This channel is archived. Choose the live partner channel.';
  if (!channel.isMember)
    return 'The app is not in this channel yet. Invite it first (type /invite in the channel).';
  return undefined;
}

/** Nobody in the pool the packet names can take it now. */
export function emptyPoolText(pool: string, skipped: number): string {
  return `Nobody in the ${pool} pool can take it now (${skipped} skipped: away, paused, full, or you). Choose an account executive.`;
}

/** What the risk note must say: who else is on the account (the first finding that is not a duplicate). */
export function conflictText(
  other:
    | { kind: 'reseller'; resellerName: string }
    | { kind: 'conflict'; partnerOrg: string; handoffId: number }
    | undefined,
): string {
  const who =
    other?.kind === 'reseller'
      ? `${other.resellerName} is a registered reseller`
      : `${other?.partnerOrg ?? 'Another partner'} is already on it (handoff #${other ? other.handoffId : '?'})`;
  return `Channel conflict: ${who}. Note how the conflict and the credit are settled before sending.`;
}

/** Why Send stopped: what the author must do first. */
export const sendRefusalText = {
  confirmPartner: 'Confirm that these are the same partner, or go back and choose another channel.',
  confirmInternalText:
    'The partner reads this word for word. Go back and edit it, or confirm it may be shared.',
  conflictUnnoted:
    'Another partner or a registered reseller is now on this account. Go back and note the conflict first.',
  duplicate: 'This looks like a duplicate of an open handoff. Say why it should go anyway, or go back.',
  belowLowestBand:
    'This packet is below the lowest band. Say why it should go anyway, or go back and strengthen it.',
  absenceChoice:
    'Choose what to do while the AE is away: send to their cover, start the window when they are back, or send now.',
  ownerReason:
    'The CRM names another owner for this account. Say why this AE, or go back and choose the owner.',
} as const;

/** Why an edit could not be made, from who tried, what the handoff is now, or who got there first. */
export type EditRefusedCase =
  | { kind: 'not_found' }
  | { kind: 'refused'; verdict: string; handoff: HandoffRow }
  | { kind: 'overtaken'; handoff: HandoffRow };

/** After the AE's answer, what to do instead of an edit (plain text: the App Home lists the handoff with that button). */
export const NOTE_INSTEAD = 'To tell the AE something, use “Note to the AE” on it in your App Home.';

/** Why an edit is not possible (plain text, for an inline error or a notice in a modal). */
export function editRefusedText(result: EditRefusedCase | undefined): string {
  if (!result || result.kind === 'not_found') return 'I could not find that handoff, so nothing was changed.';
  const h = result.handoff;
  if (result.kind === 'overtaken' && awaitsAe(h.status) && h.editCount > 0)
    return `Handoff #${h.id} was edited by someone else meanwhile. Nothing was saved: open Edit again to see the packet as it is now.`;
  if (result.kind === 'refused' && result.verdict === 'not_allowed')
    return `Only the author, the owner or an admin can edit handoff #${h.id}. Nothing was changed.`;
  if (EXTENDABLE_STATUSES.includes(h.status))
    return `Handoff #${h.id} is past its deadline, so it can no longer be edited. Nothing was changed; its owner can extend or reassign it.`;
  if (endedForGood(h.status))
    return `Handoff #${h.id} was withdrawn${withdrawnBy(h, undefined)}, so it can no longer be edited. Nothing was changed.`;
  if (backWithOwner(h.status))
    return `Handoff #${h.id} was taken back from its AE after the accept, so it can no longer be edited. Nothing was changed; its owner can reassign it.`;
  return `Handoff #${h.id} is already ${h.status} by its AE, so the packet can no longer be edited and nothing was changed. ${NOTE_INSTEAD}`;
}

/** The edit form was opened before another edit was saved: saving it would silently undo that one. */
export function editedSinceOpenedText(handoffId: number): string {
  return `Handoff #${handoffId} was edited by someone else after you opened this form. Nothing was saved: close it and open Edit again to start from the packet as it is now.`;
}

/** The reply under the AE's packet after an edit: who changed what, and that the message above is the new version. */
export function editedReplyText(editorUserId: string, fields: string[]): string {
  return `:pencil2: ${mention(editorUserId)} edited this packet: ${userText(fields.join(', '), 500)}. The message above shows the new version; the deadline has not moved.`;
}

/** The reply under the AE's packet carrying a note added after their answer (`max`: the note's length limit). */
export function noteReplyText(authorUserId: string, text: string, max: number): string {
  return `:memo: ${mention(authorUserId)} added a note: ${userText(text, max)}`;
}
