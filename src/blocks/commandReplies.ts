import type { HandoffRow, ResellerRow } from '../db/schema.js';
import { CLASSIFICATION_LABEL, type Classification } from '../domain/attribution.js';
import { awaitsAe, backWithOwner, EXTENDABLE_STATUSES, endedForGood, lapsed } from '../domain/lifecycle.js';
import { PERMISSIONS, type Permission, PROGRAM_ROLES, type ProgramRole } from '../domain/permissions.js';
import { mention, userText } from './mrkdwn.js';
import { NOTE_INSTEAD } from './packetReplies.js';

/** A program role as a refusal names one of them ("an admin"), and as a heading names them all ("admins"). */
const ROLE_NAME: Record<ProgramRole, { one: string; all: string }> = {
  revops: { one: 'RevOps', all: 'RevOps' },
  admin: { one: 'an admin', all: 'admins' },
};

/** Who holds a permission, from the table: "RevOps or an admin" (`one`), "RevOps and admins" (`all`). */
export const roleNames = (permission: Permission, form: 'one' | 'all' = 'one'): string =>
  PERMISSIONS[permission].map((role) => ROLE_NAME[role][form]).join(form === 'one' ? ' or ' : ' and ');

/** One line of `/handoff help`; `role`: the heading it goes under (none: everyone's). */
export interface HelpLine {
  text: string;
  role?: ProgramRole;
}

/** Replies to `/handoff` subcommands, shown only to the person who typed them. */
export const commandReply = {
  /**
   * What `/handoff` does, for the person asking: everyone's commands, then each role's (the lines of the subcommand
   * table in handlers/commands/, only those this person may use, under the role the permission names first).
   */
  help: (lines: readonly HelpLine[], metrics: boolean) =>
    [
      '*`/handoff [account name]`*: hand a partner deal to one AE (opens the packet).',
      ...lines.filter((l) => l.role === undefined).map((l) => l.text),
      ...PROGRAM_ROLES.flatMap((role) => {
        const theirs = lines.filter((l) => l.role === role).map((l) => l.text);
        return theirs.length > 0 ? [`*For ${ROLE_NAME[role].all}:*`, ...theirs] : [];
      }),
      `Your App Home shows what waits for you and what you sent${metrics ? ', and the trust metrics' : ''}.`,
    ].join('\n'),
  external: () =>
    '`/handoff` is for the team that runs this app. If you brought a deal, your contact there will share updates in your shared channel.',
  slackUnavailable: () => 'I could not check your account with Slack just now. Please try `/handoff` again.',
  /** Refused for want of a role: names who may (domain/permissions.ts). */
  forbidden: (permission: Permission) => `Only ${roleNames(permission)} can do that. Nothing was changed.`,
  invalid: (message: string) => `${message} Nothing was changed.`,
  /** `note`: a sentence after the usage (where the number is found). */
  usage: (usage: string, note?: string) => `Usage: \`${usage}\`${note ? ` ${note}` : ''}`,
  unknown: (word: string, help: string) =>
    `\`/handoff ${userText(word, 40)}\` is not something I know. To send a handoff for an account of that name, type \`/handoff\` and fill in the account. Here is what I can do:\n${help}`,
  notFound: (id: number) =>
    `I could not find handoff #${id} among the ones you can see (the ones you sent, own or were asked to answer).`,
  resellerAdded: (account: string, reseller: string, added: boolean) =>
    added
      ? `Registered *${userText(reseller, 150)}* as a reseller on *${userText(account, 150)}*. Another partner's handoff on it will be flagged as a channel conflict.`
      : `*${userText(reseller, 150)}* was already registered on *${userText(account, 150)}*.`,
  resellerRemoved: (account: string, reseller: string, removed: boolean) =>
    removed
      ? `Removed *${userText(reseller, 150)}* from *${userText(account, 150)}*.`
      : `*${userText(reseller, 150)}* was not registered on *${userText(account, 150)}*.`,
  resellerList: (rows: ResellerRow[], account?: string) =>
    rows.length === 0
      ? account
        ? `No reseller is registered on *${userText(account, 150)}*.`
        : 'No reseller is registered yet.'
      : rows.map((r) => `• *${userText(r.accountName, 150)}*: ${userText(r.resellerName, 150)}`).join('\n'),
  corrected: (handoffId: number, from: Classification, to: Classification) =>
    `Handoff #${handoffId} is now *${CLASSIFICATION_LABEL[to]}* (was ${CLASSIFICATION_LABEL[from]}). The correction is recorded with your name, the time and your reason.`,
} as const;

/** Why a handoff cannot be edited by this person now, and what to do instead. */
export function editRefusal(
  refusal:
    | { kind: 'not_found' }
    | { kind: 'refused'; verdict: 'external' | 'not_allowed' | 'not_now'; handoff: HandoffRow },
  handoffId: number,
): string {
  if (refusal.kind === 'not_found' || refusal.verdict === 'external') return commandReply.notFound(handoffId);
  const h = refusal.handoff;
  if (refusal.verdict === 'not_allowed')
    return `Only the author, the owner (${mention(h.ownerUserId)}) or an admin can edit handoff #${h.id}. Nothing was changed.`;
  // Past its deadline, expired or not yet (the sweep's next look): its owner can give it more time.
  if (EXTENDABLE_STATUSES.includes(h.status))
    return `Handoff #${h.id} is past its deadline, so it can no longer be edited. Its owner can extend or reassign it.`;
  if (endedForGood(h.status))
    return `Handoff #${h.id} is already withdrawn, so the packet can no longer be edited.`;
  if (backWithOwner(h.status))
    return `Handoff #${h.id} was taken back from ${mention(h.aeUserId)}, who had accepted it, so the packet can no longer be edited. Its owner can reassign it.`;
  return `Handoff #${h.id} is already ${h.status} by ${mention(h.aeUserId)}, so the packet can no longer be edited. ${NOTE_INSTEAD}`;
}

/** Why no note can be sent to the AE now (plain enough for an inline error too). */
export function noteRefusal(
  refusal:
    | { kind: 'not_found' }
    | { kind: 'refused'; verdict: 'external' | 'not_allowed' | 'not_now'; handoff: HandoffRow },
  handoffId: number,
): string {
  if (refusal.kind === 'not_found' || refusal.verdict === 'external') return commandReply.notFound(handoffId);
  if (refusal.verdict === 'not_allowed')
    return `Only the author, the owner or an admin can write a note on handoff #${handoffId}. Nothing was sent.`;
  const status = refusal.handoff.status;
  if (awaitsAe(status))
    return `Handoff #${handoffId} is still waiting for the AE's answer: edit the packet instead.`;
  // In words, never the status's id.
  const now = lapsed(status)
    ? 'expired without an answer'
    : endedForGood(status)
      ? 'withdrawn'
      : backWithOwner(status)
        ? 'taken back from its AE'
        : 'answered';
  return `Handoff #${handoffId} is ${now}: there is no AE answer to add a note to. Nothing was sent.`;
}
