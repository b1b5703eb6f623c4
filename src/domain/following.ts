import type { LifecycleEvent } from './lifecycle.js';

/**
 * Following a handoff: besides the people its messages are for (the AE, the owner, the author), a
 * follower and the partner's managers hear of its decisions and, if they chose so, its outcomes, each in a short DM.
 */

/** What a follower chose: every piece of news (decisions and outcomes), or the decisions only. */
export const FOLLOW_CHOICES = ['all', 'decisions'] as const;
export type FollowChoice = (typeof FOLLOW_CHOICES)[number];
export const isFollowChoice = (v: unknown): v is FollowChoice => FOLLOW_CHOICES.includes(v as FollowChoice);

/** What someone who watches a handoff hears: all of it, the decisions only, or nothing (a partner's managers may say off). */
export type WatchChoice = FollowChoice | 'off';

/** The kinds of news of a handoff a watcher may hear. */
export type FollowNews = 'decision' | 'outcome';

/**
 * Which changes of the lifecycle are news to a follower, and of which kind: the AE's answer and what ends or moves
 * the wait for one (a decision), and the deal's outcome steps (an outcome). A change not listed is nobody's news
 * but its own people's (a reminder, an edit, a question to the author). One table: the messages a change owes read
 * their watchers from it (packets/watchers.ts), never a branch per event.
 */
export const FOLLOWER_NEWS: Readonly<Partial<Record<LifecycleEvent, FollowNews>>> = {
  accept: 'decision',
  decline: 'decision',
  expire: 'decision',
  reassign: 'decision',
  withdraw: 'decision',
  hand_back: 'decision',
  take_back: 'decision',
  meeting_held: 'outcome',
  opportunity_created: 'outcome',
  won: 'outcome',
  lost: 'outcome',
};

/** Whether someone with this choice hears this kind of news. */
export const hears = (choice: WatchChoice, news: FollowNews): boolean =>
  choice === 'all' || (choice === 'decisions' && news === 'decision');

/** How a choice reads to the person who made it. */
export const CHOICE_WORDS: Record<WatchChoice, string> = {
  all: 'decisions and outcomes',
  decisions: 'decisions only',
  off: 'nothing',
};
