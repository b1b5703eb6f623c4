import type { KnownBlock } from '@slack/types';
import type { DecisionRow, HandoffRow } from '../db/schema.js';
import { DECLINE_REASONS, type DeclineReason } from '../domain/decline.js';
import { windowDaysText } from './handoffMessage.js';
import type { SlackMessage } from './message.js';
import { aeDeadline, channelLink, dateInZone, mention, slackDate, userText } from './mrkdwn.js';
import { firstStepLine } from './outcomes.js';
import { context, handoffTitle, notifyText, section } from './parts.js';

/** The outbox's reason for a partner update waiting on a channel the directory holds (see partners/channelGuard). */
export const PARTNER_CHANNEL_HELD = 'partner_channel_held';

/** ", as @Jordan's cover" after the AE, when the handoff went to the away AE's cover (`coverFor`). */
const coverWords = (coverFor: string | undefined) => (coverFor ? `, as ${mention(coverFor)}'s cover` : '');

/** To the author, right after sending: who has it and by when they must answer. */
export function sentConfirmation(h: HandoffRow, coverFor?: string): SlackMessage {
  const due = aeDeadline(h.dueAt, h.aeTimeZone);
  const lines = [
    `:incoming_envelope: Handoff ${handoffTitle(h)} is with ${mention(h.aeUserId)}${coverWords(coverFor)}.`,
    `They have until *${due}* to accept or decline: ${windowDaysText(h)}, counted in their timezone.`,
  ];
  const authorOwns = h.ownerUserId === h.authorUserId;
  const owner = authorOwns ? 'You own it' : `${mention(h.ownerUserId)} owns it`;
  const blocks: KnownBlock[] = [
    section(lines.join('\n')),
    context(
      `${owner} until the AE accepts. ${
        h.partnerChannelId
          ? `Decisions will be posted, partner-safe, in ${channelLink(h.partnerChannelId)}.`
          : 'There is no partner channel, so the partner hears nothing in Slack: keep them posted yourself.'
      }`,
    ),
  ];
  const text = `sent to ${userText(h.aeName, 100)}, who answers by ${dateInZone(h.dueAt, h.aeTimeZone)}.`;
  return { text: notifyText(h, text), blocks };
}

/** To the owner when someone else named them owner. */
export function ownerAssigned(h: HandoffRow, coverFor?: string): SlackMessage {
  const due = aeDeadline(h.dueAt, h.aeTimeZone);
  return {
    text: notifyText(
      h,
      `you own it; ${userText(h.aeName, 100)} answers by ${dateInZone(h.dueAt, h.aeTimeZone)}.`,
    ),
    blocks: [
      section(
        `:bust_in_silhouette: ${mention(h.authorUserId)} made you the owner of handoff ${handoffTitle(h)}, sent to ${mention(h.aeUserId)}${coverWords(coverFor)}, who should answer by *${due}*.`,
      ),
    ],
  };
}

/**
 * Whether the partner thread got a reply about a decision: fixed when the decision is recorded (the reply is queued in
 * its transaction, or not at all when the answer changes nothing the partner knows, like a second decline after a
 * reassignment), so the notice says the same thing whenever it is rendered; except while that reply is held
 * (core/surfaces.ts): because the app is not in the channel (`waits`: the removal and the invite refresh the
 * notice), or because the directory holds the channel (`held`: the hold and the admin's confirmation refresh it).
 */
export type PartnerPost = 'told' | 'waits' | 'held' | 'none';

/** The partner channel's part of a decision notice, by what became of the partner's reply. */
const PARTNER_LINES: Record<PartnerPost, (channel: string, note: string) => string> = {
  told: (channel, note) => `The partner reads a partner-safe update of it${note} in ${channel}.`,
  waits: (channel, note) =>
    `The partner's partner-safe update${note} waits: I am not in ${channel}. It goes out once someone invites me there.`,
  held: (channel, note) =>
    `The partner's partner-safe update${note} waits: ${channel} is on hold until an admin confirms who is in it.`,
  none: (channel) =>
    `Nothing is posted in ${channel} about this answer: the partner's thread already says where the deal stands.`,
};

function partnerLine(h: HandoffRow, post: PartnerPost, note: string): string {
  if (!h.partnerChannelId) return 'There is no partner channel: tell the partner yourself.';
  return PARTNER_LINES[post](channelLink(h.partnerChannelId), note);
}

/** To the owner (and author) when the AE decides. Internal: the decline note is shown here, never to the partner. */
export function decisionNotice(
  h: HandoffRow,
  decision: DecisionRow,
  post: PartnerPost = 'told',
): SlackMessage {
  const when = slackDate(decision.decidedAt, h.aeTimeZone);
  if (decision.decision === 'accepted') {
    // The handoff's step is the accept's of its current assignment: an earlier AE's accept (taken back, then given to
    // another AE: issue 51) does not show the step the next AE committed to.
    const step = h.firstStep && decision.assignment === h.assignment ? `\n${firstStepLine(h)}` : '';
    return {
      text: notifyText(h, 'accepted.'),
      blocks: [
        section(
          `:white_check_mark: ${mention(decision.decidedByUserId)} *accepted* handoff ${handoffTitle(h)}.${step}`,
        ),
        context(`Decided ${when}. ${partnerLine(h, post, '')}`),
      ],
    };
  }
  const reason = DECLINE_REASONS[(decision.reasonCode ?? 'other') as DeclineReason].label;
  const blocks: KnownBlock[] = [
    section(
      `:x: ${mention(decision.decidedByUserId)} *declined* handoff ${handoffTitle(h)}.\n*Reason:* ${reason}`,
    ),
  ];
  if (decision.note) blocks.push(section(`*Note from the AE (internal)*\n${userText(decision.note, 2900)}`));
  blocks.push(context(`Decided ${when}. ${partnerLine(h, post, ", without the AE's note,")}`));
  return { text: notifyText(h, `declined: ${reason}.`), blocks };
}

/** To the owner when the partner channel refuses the app: the update waits until the app is invited. */
export function partnerChannelBlocked(h: HandoffRow, error: string): SlackMessage {
  const channel = channelLink(h.partnerChannelId ?? '');
  if (error === PARTNER_CHANNEL_HELD) {
    return {
      text: notifyText(h, 'the partner update is on hold.'),
      blocks: [
        section(
          `:warning: The partner-safe update for handoff ${handoffTitle(h)} is on hold: ${channel} is no longer shared with ${userText(h.partnerOrg, 150)} alone, so another organization could read it.\nIt is kept and goes out once an admin confirms the channel (\`/handoff partners confirm\`) or the other organization leaves.`,
        ),
      ],
    };
  }
  const why =
    error === 'is_archived'
      ? `${channel} is archived`
      : `I am not a member of ${channel} (or can no longer see it)`;
  return {
    text: notifyText(h, 'I cannot post the partner update yet.'),
    blocks: [
      section(
        `:warning: I cannot post the partner-safe update for handoff ${handoffTitle(h)}: ${why}.\nInvite me by typing \`/invite @Handoff\` in that channel. The update is kept and goes out as soon as I can post there.`,
      ),
    ],
  };
}
