import type { KnownBlock } from '@slack/types';
import { DateTime } from 'luxon';
import type { HandoffRow } from '../db/schema.js';
import type { MoveFacts, PlannedMove, Unassigned } from '../domain/moves.js';
import type { SlackMessage } from './message.js';
import {
  gaveItText,
  moveWhyLine,
  packetNamesBlock,
  partnerSoFarLine,
  plannedMoveText,
  unassignedText,
} from './moveNotices.js';
import { aeDeadline, channelLink, dateInZone, mention, slackDate, userText } from './mrkdwn.js';
import { context, handoffTitle, notifyText, ON_NEWEST, type OwnerButtons, section } from './parts.js';

/** The AE's name and due time, as notification text says them (no date tokens there). */
const aeText = (h: HandoffRow) => userText(h.aeName, 100);
const dueText = (h: HandoffRow) => dateInZone(h.dueAt, h.aeTimeZone);

/** Replaced by the outbox with the permalink of the AE's packet message when the reminder is delivered. */
export const PERMALINK_TOKEN = '%PACKET_PERMALINK%';

/** "about 5 hours", "about 2 days": how long is left, in plain words. */
export function timeLeft(now: Date, due: Date): string {
  const hours = Math.max(0, (due.getTime() - now.getTime()) / 3_600_000);
  if (hours < 1) return 'less than an hour';
  if (hours < 36) return `about ${Math.round(hours)} hour${Math.round(hours) === 1 ? '' : 's'}`;
  return `about ${Math.round(hours / 24)} days`;
}

/**
 * `now`: when the reminder was sent. The message stays in the DM, so it says no "time left" that would be frozen
 * there: the deadline is a Slack date token, which each reader's Slack renders as of when they read it ("tomorrow at
 * 9:00 AM"). Only the notification, read as it arrives, says how long is left.
 */
export function reminderMessage(h: HandoffRow, now: Date): SlackMessage {
  return {
    text: notifyText(h, `reminder: accept or decline by ${dueText(h)} (${timeLeft(now, h.dueAt)} left).`),
    blocks: [
      section(
        `:alarm_clock: *Reminder*: handoff ${handoffTitle(h)} is waiting for your answer, due *${slackDate(h.dueAt, h.aeTimeZone)}*.`,
      ),
      context(
        `<${PERMALINK_TOKEN}|Open the handoff> to accept or decline. The owner is ${mention(h.ownerUserId)}.`,
      ),
    ],
  };
}

/**
 * What showed an AE was away: the days away they gave, or their Slack status (escaped). `cover`: only on notices
 * queued before issue 50, when naming a cover counted as being away.
 */
export function awayWhy(away: AwayShown | undefined): string {
  if (away?.days) return `the days away they gave: ${userText(away.days, 100)}`;
  if (away?.status) return `status: ${userText(away.status, 100)}`;
  return away?.cover ? `they named ${mention(away.cover)} to cover` : 'away';
}

type AwayShown = { status?: string | undefined; days?: string | undefined; cover?: string | undefined };

/** The expiry, in its first line: the AE did not answer by the due time (while away: not their silence). */
function expiredLine(h: HandoffRow, ae: string, due: Date, away: AwayShown | undefined): string {
  const answer = `did not answer handoff ${handoffTitle(h)} by ${slackDate(due, h.aeTimeZone)}`;
  return away
    ? `:palm_tree: ${mention(ae)} was away (${awayWhy(away)}) and ${answer}. It has *expired*; it does not count as their silence.`
    : `:hourglass: ${mention(ae)} ${answer}. It has *expired*.`;
}

/** What the expiry notice asks of its reader, by where their buttons are (none: they cannot act now). */
const EXPIRED_ASK: Record<OwnerButtons, string> = {
  here: '\nReassign it to another AE, give more time, or withdraw it.',
  newest: `\nYou can reassign it to another AE, give more time, or withdraw it ${ON_NEWEST}.`,
  none: '',
};

/**
 * `away`: the expiry came while the AE was known to be away (what showed it): said so, not as their silence.
 * `unassigned`: a policy's level due by then could not move it to another AE (said here, not in a second message).
 * `plan`: a policy's level will move it (said instead of asking the owner to act: they are asked only when nothing
 * will act). `buttons`: where the reader's Reassign, Extend and Withdraw are; the words ask for a click only there.
 */
export function expiredOwnerNotice(
  h: HandoffRow,
  away?: AwayShown,
  unassigned?: Unassigned,
  plan?: PlannedMove,
  buttons: OwnerButtons = 'here',
): SlackMessage {
  const failed = unassigned ? `\n${unassignedText(h, unassigned)}` : '';
  const next = plan
    ? `\n:arrows_counterclockwise: ${plannedMoveText(h, plan, false)} You need not do anything.`
    : EXPIRED_ASK[buttons];
  const blocks: KnownBlock[] = [section(`${expiredLine(h, h.aeUserId, h.dueAt, away)}${failed}${next}`)];
  const todo = plan
    ? ': the escalation policy moves it.'
    : buttons === 'none'
      ? '.'
      : ': reassign, extend or withdraw it.';
  const silent = `expired without an answer from ${aeText(h)}${away ? ' (away)' : ''}`;
  return { text: notifyText(h, `${silent}${todo}`), blocks };
}

/** The window that expired, as the owner's expiry notice recorded it: its AE and due time, and any absence. */
export interface ExpiredWindow {
  ae: string;
  due: number;
  away?: AwayShown | undefined;
}

/**
 * The owner's expiry notice once the policy moved the handoff in the same sweep (one message for the one event): it
 * expired, the policy gave it to the new AE (`h` is their window while nothing changed since), what the partner has
 * been told, and, to the author, the packet's fields that still name the AE it moved from. Nothing asks the owner to
 * do what the policy did; their buttons stay on it.
 */
export function expiredMovedNotice(
  h: HandoffRow,
  expired: ExpiredWindow,
  move: MoveFacts,
  reader: string | undefined,
): SlackMessage {
  const moved = `:arrows_counterclockwise: ${gaveItText(move, h.aeUserId, reader)} ${mention(h.aeUserId)} has until *${slackDate(h.dueAt, h.aeTimeZone)}* to answer.`;
  const names = packetNamesBlock(h, move, reader);
  return {
    text: notifyText(h, `expired without an answer; it moved to ${aeText(h)}, who answers by ${dueText(h)}.`),
    blocks: [
      section(`${expiredLine(h, expired.ae, new Date(expired.due), expired.away)}\n${moved}`),
      context(partnerSoFarLine(h, move, h.aeUserId)),
      ...(names ? [names] : []),
    ],
  };
}

/** The same in the past tense, once the handoff moved on: what expired, and whom the policy gave it to then. */
export function expiredMovedPast(
  h: HandoffRow,
  expired: ExpiredWindow,
  move: MoveFacts,
  reader?: string,
): string {
  const away = expired.away ? ` while ${mention(expired.ae)} was away (${awayWhy(expired.away)})` : '';
  const gave = move.to ? ` ${gaveItText(move, move.to, reader)}` : '';
  return `:hourglass: Handoff ${handoffTitle(h)} expired${away}, due ${slackDate(new Date(expired.due), h.aeTimeZone)}.${gave}`;
}

/**
 * For the escalation channel and the AE's manager: internal readers only. `away`: the AE was known to be away in the
 * window (their status, the days away they gave): not called silence, as the metrics do not count it as such.
 */
export function escalationMessage(h: HandoffRow, away?: AwayShown): SlackMessage {
  return {
    text: notifyText(
      h,
      `escalation: expired without an answer from ${aeText(h)}${away ? ' while they were away' : ''}.`,
    ),
    // Admins (ADMIN_USER_IDS) and the owner act from here; anyone else clicking is refused politely.
    blocks: [
      section(
        away
          ? `:palm_tree: *Expired while away*: handoff ${handoffTitle(h)} sent to ${mention(h.aeUserId)} expired with no answer while they were away (${awayWhy(away)}).`
          : `:rotating_light: *Silence*: handoff ${handoffTitle(h)} sent to ${mention(h.aeUserId)} expired with no answer.`,
      ),
      context(
        `${h.ownerUserId === h.authorUserId ? `Owner and author: ${mention(h.ownerUserId)}` : `Owner: ${mention(h.ownerUserId)} · author: ${mention(h.authorUserId)}`} · due was ${slackDate(h.dueAt, h.aeTimeZone)}`,
      ),
    ],
  };
}

/** An escalation policy's notice while the AE can still answer: who it waits for, and until when. */
export function waitingMessage(h: HandoffRow, reader?: string): SlackMessage {
  const ae = reader === h.aeUserId ? 'you' : mention(h.aeUserId);
  return {
    text: notifyText(h, `still waiting for ${aeText(h)}, who answers by ${dueText(h)}.`),
    blocks: [
      section(
        `:mega: *Still waiting*: handoff ${handoffTitle(h)} has had no answer from ${ae}. It is due *${slackDate(h.dueAt, h.aeTimeZone)}*.`,
      ),
      context(
        `${h.ownerUserId === h.authorUserId ? `Owner and author: ${mention(h.ownerUserId)}` : `Owner: ${mention(h.ownerUserId)} · author: ${mention(h.authorUserId)}`} · sent by the escalation policy`,
      ),
    ],
  };
}

/**
 * The day an away AE is back, in their calendar, said so ("Wed 9 Dec, their time"): a status that ends at their
 * midnight is the evening before west of them.
 */
export function backDay(back: number | Date, aeTimeZone: string): string {
  const at = typeof back === 'number' ? back : back.getTime();
  return `${DateTime.fromMillis(at, { zone: aeTimeZone }).toFormat('ccc d LLL')}, their time`;
}

/**
 * What the away notice asks of its reader when no level of the policy will move the handoff, by where their buttons
 * are: the buttons by their names on it; where they are, on a newer message; nothing when the reader cannot act.
 */
function awayAsk(buttons: OwnerButtons, cover: string | undefined, day: string | undefined): string {
  const named = cover ? ` They named ${mention(cover)} to answer for them` : '';
  const past = day ? ' past their return' : '';
  switch (buttons) {
    case 'here':
      return `${cover ? `${named}: Reassign to them` : ' Reassign it'}, or Extend the window${past}.`;
    case 'newest':
      return `${cover ? `${named}: you can reassign it to them` : ' You can reassign it'}, or extend the window${past}, ${ON_NEWEST}.`;
    case 'none':
      return cover ? `${named}.` : '';
  }
}

/** The same when a level of the policy will move it: the owner need not act, and where to if it cannot wait. */
const AWAY_PLAN_ASK: Record<OwnerButtons, string> = {
  here: ' You need not do anything; if it cannot wait, Reassign gives it to someone now.',
  newest: ` You need not do anything; if it cannot wait, you can reassign it ${ON_NEWEST}.`,
  none: '',
};

/**
 * To the owner: the AE went away during the window (their Slack status, or the days away they gave: `days`). What
 * they can do is on the buttons; they are asked to use them only when no level of the policy will move it, and only
 * where the buttons are (`buttons`).
 */
export function awayMessage(
  h: HandoffRow,
  status: string,
  back: number | undefined,
  cover: string | undefined,
  /** What a level of the policy will do if the AE does not answer (then the owner is not asked to act). */
  plan?: PlannedMove,
  days?: string,
  buttons: OwnerButtons = 'here',
): SlackMessage {
  // Back on a day (statuses end at midnight): the day, in the AE's calendar, said so.
  const day = back !== undefined ? backDay(back, h.aeTimeZone) : undefined;
  const until = day ? ` (back ${day})` : '';
  // A level of the policy will move it: that is said, and the owner is not asked to do it (only when nothing will act).
  const named = cover && plan?.to.kind !== 'cover' ? ` They named ${mention(cover)} to answer for them.` : '';
  const next = plan
    ? `${named} ${plannedMoveText(h, plan, true)}${AWAY_PLAN_ASK[buttons]}`
    : awayAsk(buttons, cover, day);
  // The status's own emoji says it; a palm tree only when it has none.
  const lead = status.startsWith(':') && !days ? '' : ':palm_tree: ';
  const why = days ? `the days away they gave, ${userText(days, 100)}` : userText(status, 100);
  // The window goes on while they are away (it expires and moves as usual): only the metrics treat such an expiry
  // apart. The AE is an @mention throughout, as in the owner's other notices.
  return {
    text: notifyText(h, `${aeText(h)} is away; their answer is due ${dueText(h)}.`),
    blocks: [
      section(
        `${lead}*${mention(h.aeUserId)} is away*${until}: ${why}. Handoff ${handoffTitle(h)} is waiting for their answer, due *${slackDate(h.dueAt, h.aeTimeZone)}*.${next} If it expires while they are away, the metrics do not count it as their silence.`,
      ),
    ],
  };
}

/**
 * To the owner and the author: where it moved, and (`move`, recorded since this version) who or what moved it and
 * why; to the author, the packet's fields that still name the AE it moved from.
 */
export function reassignedOwnerNotice(
  h: HandoffRow,
  previousAe: string,
  move?: MoveFacts,
  reader?: string,
): SlackMessage {
  const why = move ? `\n${moveWhyLine(h, move, reader)}` : '';
  const names = move ? packetNamesBlock(h, move, reader) : undefined;
  return {
    text: notifyText(h, `reassigned to ${aeText(h)}, who answers by ${dueText(h)}.`),
    blocks: [
      section(
        `:arrows_counterclockwise: Handoff ${handoffTitle(h)} moved from ${mention(previousAe)} to ${mention(h.aeUserId)}, who has until *${aeDeadline(h.dueAt, h.aeTimeZone)}* to answer.${why}`,
      ),
      ...(names ? [names] : []),
    ],
  };
}

export function extendedOwnerNotice(h: HandoffRow): SlackMessage {
  return {
    text: notifyText(h, `extended: ${aeText(h)} answers by ${dueText(h)}.`),
    blocks: [
      section(
        `:calendar: ${mention(h.aeUserId)} now has until *${slackDate(h.dueAt, h.aeTimeZone)}* to answer handoff ${handoffTitle(h)}.`,
      ),
    ],
  };
}

/** To the AE: `by` gave them more time (the owner, or an admin standing in; the owner when not recorded). */
export function extendedAeNotice(h: HandoffRow, by: string = h.ownerUserId): SlackMessage {
  return {
    text: notifyText(h, `more time: accept or decline by ${dueText(h)}.`),
    blocks: [
      section(
        `:calendar: ${mention(by)} gave you more time on handoff ${handoffTitle(h)}: please answer by *${slackDate(h.dueAt, h.aeTimeZone)}*.`,
      ),
    ],
  };
}

export interface WithdrawalFacts {
  /** Who withdrew it (the owner or an admin); unknown on notices queued before it was recorded. */
  by?: string | undefined;
  /** Who reads the notice (the owner, or the author). */
  reader?: string | undefined;
  /** Whether the partner channel is told (only if it had heard of the handoff); unknown on older notices. */
  partner?: 'told' | 'unheard' | 'no_channel' | undefined;
}

/** To the owner and the author: who withdrew it, and what the AE and the partner channel see of it. */
export function withdrawnOwnerNotice(h: HandoffRow, facts: WithdrawalFacts = {}): SlackMessage {
  const title = handoffTitle(h);
  const { by, reader } = facts;
  const what =
    by === undefined
      ? `Handoff ${title} is withdrawn.`
      : `${by === reader ? 'You' : mention(by)} withdrew handoff ${title}.`;
  const ae = `${mention(h.aeUserId)} no longer has anything to answer`;
  const channel = h.partnerChannelId ? channelLink(h.partnerChannelId) : 'the partner channel';
  const partner = {
    told: `${ae}, and ${channel} is being told it is closed for now.`,
    unheard: `${ae}. Nothing is posted in ${channel}: nothing about this handoff had been posted there yet.`,
    no_channel: `${ae}. There is no partner channel: if the partner knows of it, tell them yourself.`,
  }[facts.partner ?? (h.partnerChannelId ? 'told' : 'no_channel')];
  return {
    text: notifyText(h, 'withdrawn.'),
    blocks: [section(`:no_entry_sign: ${what} ${partner}`)],
  };
}
