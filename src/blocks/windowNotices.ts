import type { KnownBlock } from '@slack/types';
import type { HandoffRow } from '../db/schema.js';
import type { SlackMessage } from './handoffMessage.js';
import { mention, slackDate, userText } from './mrkdwn.js';
import { context, handoffTitle, section } from './parts.js';

/** Replaced by the outbox with the permalink of the AE's packet message when the reminder is delivered. */
export const PERMALINK_TOKEN = '%PACKET_PERMALINK%';

/** "about 5 hours", "about 2 days": how long is left, in plain words. */
export function timeLeft(now: Date, due: Date): string {
  const hours = Math.max(0, (due.getTime() - now.getTime()) / 3_600_000);
  if (hours < 1) return 'less than an hour';
  if (hours < 36) return `about ${Math.round(hours)} hour${Math.round(hours) === 1 ? '' : 's'}`;
  return `about ${Math.round(hours / 24)} days`;
}

/** `now`: when the reminder was sent (the time left is as of then). */
export function reminderMessage(h: HandoffRow, now: Date): SlackMessage {
  const left = timeLeft(now, h.dueAt);
  return {
    text: `Reminder: handoff ${userText(h.accountName, 150)} needs your answer (${left} left).`,
    blocks: [
      section(
        `:alarm_clock: *Reminder*: handoff ${handoffTitle(h)} is waiting for your answer, due *${slackDate(h.dueAt, h.aeTimeZone)}* (${left} left).`,
      ),
      context(
        `<${PERMALINK_TOKEN}|Open the handoff> to accept or decline. The owner is ${mention(h.ownerUserId)}.`,
      ),
    ],
  };
}

export function expiredOwnerNotice(h: HandoffRow): SlackMessage {
  const blocks: KnownBlock[] = [
    section(
      `:hourglass: ${mention(h.aeUserId)} did not answer handoff ${handoffTitle(h)} by ${slackDate(h.dueAt, h.aeTimeZone)}. It has *expired*.\nReassign it to another AE, give more time, or withdraw it.`,
    ),
  ];
  return { text: `Handoff ${userText(h.accountName, 150)} expired without an answer.`, blocks };
}

/** For the escalation channel and the AE's manager: internal readers only. */
export function escalationMessage(h: HandoffRow): SlackMessage {
  return {
    text: `Escalation: handoff ${userText(h.accountName, 150)} expired without an answer.`,
    // Admins (ADMIN_USER_IDS) and the owner act from here; anyone else clicking is refused politely.
    blocks: [
      section(
        `:rotating_light: *Silence*: handoff ${handoffTitle(h)} sent to ${mention(h.aeUserId)} expired with no answer.`,
      ),
      context(
        `Owner: ${mention(h.ownerUserId)} · author: ${mention(h.authorUserId)} · due was ${slackDate(h.dueAt, h.aeTimeZone)}`,
      ),
    ],
  };
}

export function reassignedOwnerNotice(h: HandoffRow, previousAe: string): SlackMessage {
  return {
    text: `Handoff ${userText(h.accountName, 150)} reassigned.`,
    blocks: [
      section(
        `:arrows_counterclockwise: Handoff ${handoffTitle(h)} moved from ${mention(previousAe)} to ${mention(h.aeUserId)}, who has until *${slackDate(h.dueAt, h.aeTimeZone)}* to answer.`,
      ),
    ],
  };
}

export function extendedOwnerNotice(h: HandoffRow): SlackMessage {
  return {
    text: `Handoff ${userText(h.accountName, 150)} extended.`,
    blocks: [
      section(
        `:calendar: ${mention(h.aeUserId)} now has until *${slackDate(h.dueAt, h.aeTimeZone)}* to answer handoff ${handoffTitle(h)}.`,
      ),
    ],
  };
}

export function extendedAeNotice(h: HandoffRow): SlackMessage {
  return {
    text: `More time for handoff ${userText(h.accountName, 150)}.`,
    blocks: [
      section(
        `:calendar: ${mention(h.ownerUserId)} gave you more time on handoff ${handoffTitle(h)}: please answer by *${slackDate(h.dueAt, h.aeTimeZone)}*.`,
      ),
    ],
  };
}

export function withdrawnOwnerNotice(h: HandoffRow): SlackMessage {
  return {
    text: `Handoff ${userText(h.accountName, 150)} withdrawn.`,
    blocks: [
      section(
        `:no_entry_sign: Handoff ${handoffTitle(h)} is withdrawn. ${mention(h.aeUserId)}'s buttons are gone and the partner channel is being told it is closed for now.`,
      ),
    ],
  };
}
