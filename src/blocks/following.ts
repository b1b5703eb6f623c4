import type { KnownBlock } from '@slack/types';
import type { HandoffEventRow, HandoffRow } from '../db/schema.js';
import { CHOICE_WORDS, type FollowChoice, type WatchChoice } from '../domain/following.js';
import type { LifecycleEvent } from '../domain/lifecycle.js';
import { historyWords } from './history.js';
import { ACTION_ID } from './ids.js';
import type { SlackMessage } from './message.js';
import { mention, slackDate, userText } from './mrkdwn.js';
import { button, context, handoffTitle, notifyText, section } from './parts.js';

/**
 * Follow: the view modal's Follow and Unfollow, and the short DM a follower or a partner manager
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

/** A change a watcher hears of, as queued: the lifecycle's event, the handoff after it, and its touch-log event. */
export interface WatchedChange {
  event: LifecycleEvent;
  handoff: HandoffRow;
  /**
   * What the touch log recorded of it: the watcher reads the history's words of it (blocks/history.ts), the one
   * wording of the fact everyone else reads (an expiry while away is not silence; a take-back to a pool is not "back
   * with its owner").
   */
  logged: HandoffEventRow;
}

/** Each piece of news to watchers: its icon, and a few words for the notification (true whatever its detail). */
const NEWS: Partial<Record<LifecycleEvent, { icon: string; short: string }>> = {
  accept: { icon: ':white_check_mark:', short: 'accepted' },
  decline: { icon: ':x:', short: 'declined' },
  expire: { icon: ':hourglass:', short: 'expired' },
  reassign: { icon: ':arrows_counterclockwise:', short: 'reassigned to another AE' },
  withdraw: { icon: ':no_entry_sign:', short: 'withdrawn' },
  hand_back: { icon: ':leftwards_arrow_with_hook:', short: 'handed back by its AE' },
  take_back: { icon: ':leftwards_arrow_with_hook:', short: 'taken back from its AE' },
  meeting_held: { icon: ':handshake:', short: 'meeting held' },
  opportunity_created: { icon: ':dart:', short: 'opportunity created' },
  won: { icon: ':trophy:', short: 'closed won' },
  lost: { icon: ':x:', short: 'closed lost' },
};

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
  const news = NEWS[change.event];
  if (!news) return undefined;
  const h = change.handoff;
  return {
    text: notifyText(h, news.short),
    blocks: [
      section(
        `${handoffTitle(h)}\n${news.icon} ${historyWords(change.logged)} · ${slackDate(change.logged.at, h.aeTimeZone)}`,
      ),
      ...(first ? [context(whyLine(h, why))] : []),
    ],
  };
}

/** Replies to Follow and Unfollow, shown only to the person who clicked. */
/** To someone an admin named to follow a handoff (`following`), or took off its followers (null). */
export function followNamedNotice(n: { by: string; handoff: HandoffRow; following: FollowChoice | null }) {
  const h = n.handoff;
  const line = n.following
    ? `:eyes: ${mention(n.by)} made you a follower of ${handoffTitle(h)}: you hear of its ${CHOICE_WORDS[n.following]} in your DMs. \`/handoff unfollow ${h.id}\` stops it.`
    : `${mention(n.by)} took you off the followers of ${handoffTitle(h)}: you hear no more of it.`;
  return {
    text: notifyText(h, n.following ? 'you follow it now' : 'you no longer follow it'),
    blocks: [section(line)],
  };
}

export const followReplies = {
  external: () => 'Only people of our workspace can follow a handoff.',
  /** An admin's `/handoff follow <#> @person`: they follow it now, and were told. */
  named: (handoffId: number, userId: string, following: FollowChoice) =>
    `:eyes: ${mention(userId)} follows handoff #${handoffId}: they hear of its ${CHOICE_WORDS[following]} in their DMs, and were told so.`,
  /** An admin's `/handoff unfollow <#> @person`. */
  unnamed: (handoffId: number, userId: string) =>
    `${mention(userId)} no longer follows handoff #${handoffId}, and was told so if they did.`,
  done: (handoffId: number, following: FollowChoice | null) =>
    following
      ? `:eyes: You follow handoff #${handoffId}: you hear of its ${CHOICE_WORDS[following]} in your DMs.`
      : `You no longer follow handoff #${handoffId}.`,
};
