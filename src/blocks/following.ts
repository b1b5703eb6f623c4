import type { KnownBlock } from '@slack/types';
import type { HandoffRow } from '../db/schema.js';
import { CHOICE_WORDS, type FollowChoice, type WatchChoice } from '../domain/following.js';
import type { LifecycleEvent } from '../domain/lifecycle.js';
import { ACTION_ID } from './ids.js';
import type { SlackMessage } from './message.js';
import { mention, slackDate, userText } from './mrkdwn.js';
import { button, context, handoffTitle, notifyText, section } from './parts.js';

/**
 * Follow (issue 53 item 6): the view modal's Follow and Unfollow, and the short DM a follower or a partner manager
 * gets of a decision or an outcome. Internal only: the DM may name the AE, and is never posted where a partner reads.
 */

/** The view modal's follow row: what the reader hears now, and the buttons to change it. */
export function followBlocks(h: HandoffRow, following: FollowChoice | null): KnownBlock[] {
  const open = (text: string, actionId: string, style?: 'primary') =>
    button({ text, actionId, value: String(h.id), ...(style ? { style } : {}) }, h);
  const said = following
    ? `:eyes: You follow this handoff: you hear of its ${CHOICE_WORDS[following]} in your DMs.`
    : 'Follow it to hear of its decisions and outcomes (or decisions only) in your DMs.';
  return [
    context(said),
    {
      type: 'actions',
      block_id: `handoff_follow_${h.id}`,
      elements:
        following === null
          ? [
              open('Follow', ACTION_ID.follow, 'primary'),
              open('Follow decisions only', ACTION_ID.followDecisions),
            ]
          : [
              following === 'all'
                ? open('Decisions only', ACTION_ID.followDecisions)
                : open('Decisions and outcomes', ACTION_ID.follow),
              open('Unfollow', ACTION_ID.unfollow),
            ],
    },
  ];
}

/** Why a watcher is told: they follow the handoff, or they are a manager of its partner. */
export type WatchReason =
  | { kind: 'follower'; choice: FollowChoice }
  | { kind: 'partner_manager'; choice: WatchChoice };

/** A change a watcher hears of, as queued: the handoff after it, its AE before it, who did it and when. */
export interface WatchedChange {
  event: LifecycleEvent;
  handoff: HandoffRow;
  /** The AE before the change (a reassignment's previous AE). */
  previousAe: string;
  /** Who did it (null: the app, or the CRM's word). */
  actor: string | null;
  at: Date;
}

const EVENT_WORDS: Partial<Record<LifecycleEvent, (c: WatchedChange) => { line: string; short: string }>> = {
  accept: (c) => ({
    line: `:white_check_mark: Accepted by ${mention(c.handoff.aeUserId)}`,
    short: 'accepted',
  }),
  decline: (c) => ({ line: `:x: Declined by ${mention(c.handoff.aeUserId)}`, short: 'declined' }),
  expire: (c) => ({
    line: `:hourglass: Expired: ${mention(c.handoff.aeUserId)} did not answer in time`,
    short: 'expired without an answer',
  }),
  reassign: (c) => ({
    line: `:arrows_counterclockwise: Reassigned from ${mention(c.previousAe)} to ${mention(c.handoff.aeUserId)}`,
    short: 'reassigned to another AE',
  }),
  withdraw: (c) => ({
    line: `:no_entry_sign: Withdrawn by ${mention(c.actor ?? c.handoff.ownerUserId)}`,
    short: 'withdrawn',
  }),
  hand_back: (c) => ({
    line: `:leftwards_arrow_with_hook: Handed back by ${mention(c.previousAe)}: back with its owner ${mention(c.handoff.ownerUserId)}`,
    short: 'handed back to its owner',
  }),
  take_back: (c) => ({
    line: `:leftwards_arrow_with_hook: Taken back from ${mention(c.previousAe)}: back with its owner ${mention(c.handoff.ownerUserId)}`,
    short: 'taken back to its owner',
  }),
  meeting_held: (c) => ({ line: `:handshake: Meeting held (${aeOf(c)})`, short: 'meeting held' }),
  opportunity_created: (c) => ({
    line: `:dart: Opportunity created (${aeOf(c)})`,
    short: 'opportunity created',
  }),
  won: (c) => ({ line: `:trophy: Closed won (${aeOf(c)})`, short: 'closed won' }),
  lost: (c) => ({ line: `:x: Closed lost (${aeOf(c)})`, short: 'closed lost' }),
};

const aeOf = (c: WatchedChange) => `AE ${mention(c.handoff.aeUserId)}`;

/** Why the reader gets it, and how to stop. */
function whyLine(h: HandoffRow, why: WatchReason): string {
  if (why.kind === 'follower')
    return `:eyes: You follow this handoff (${CHOICE_WORDS[why.choice]}). To stop: Unfollow in \`/handoff view ${h.id}\`.`;
  const partner = userText(h.partnerOrg, 100);
  return `:eyes: You are a partner manager of ${partner} (told of ${CHOICE_WORDS[why.choice]}). To change it: \`/handoff partners notify ${partner} | decisions\` (or \`| off\`).`;
}

/**
 * The DM a watcher gets of a change: what happened, when (a date Slack shows in the reader's own time zone), and, in
 * their first DM about the handoff (`first`), why they are told and how to stop. Undefined for a change that is no
 * news to watchers.
 */
export function watcherNotice(
  change: WatchedChange,
  why: WatchReason,
  first = true,
): SlackMessage | undefined {
  const words = EVENT_WORDS[change.event]?.(change);
  if (!words) return undefined;
  const h = change.handoff;
  return {
    text: notifyText(h, words.short),
    blocks: [
      section(`${handoffTitle(h)}\n${words.line} · ${slackDate(change.at, h.aeTimeZone)}`),
      ...(first ? [context(whyLine(h, why))] : []),
    ],
  };
}

/** Replies to Follow and Unfollow, shown only to the person who clicked. */
export const followReplies = {
  external: () => 'Only people of our workspace can follow a handoff.',
  done: (handoffId: number, following: FollowChoice | null) =>
    following
      ? `:eyes: You follow handoff #${handoffId}: you hear of its ${CHOICE_WORDS[following]} in your DMs.`
      : `You no longer follow handoff #${handoffId}.`,
};
