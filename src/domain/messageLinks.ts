import { accountsNamedIn } from './accountMatch.js';
import { isInternalActor } from './actor.js';
import { rolesOf, type Verdict, type Viewer } from './lifecycle.js';
import { type LifecycleState, OPEN_STATUSES, type Role } from './lifecycleState.js';
import { isFinalOutcome } from './outcomes.js';

/**
 * "Add to handoff": a Slack message attached to a handoff, as a link and a short excerpt in its
 * touch log (and its CRM record). The rules here are pure: who may attach one, to which handoffs, and what of the
 * message is kept.
 */

/** The longest excerpt kept of a message, in characters (the ellipsis included). */
export const EXCERPT_MAX = 200;

/** Who may attach a message to a handoff: whoever may act on it (its AE, owner, author), and admins. */
const ATTACHERS: readonly Role[] = ['ae', 'owner', 'author', 'admin'];

/** Still open: something can still happen to it (as `/handoff list` reads it: not declined, withdrawn, won or lost). */
export function isOpenHandoff(h: Pick<LifecycleState, 'status' | 'outcome'>): boolean {
  return OPEN_STATUSES.includes(h.status) && !isFinalOutcome(h.outcome);
}

/** Whether this person may attach a message to this handoff now, and if not, why. */
export function addMessageVerdict(viewer: Viewer, h: LifecycleState): Verdict {
  if (!isInternalActor(viewer.actor, viewer.internalTeamIds)) return 'external';
  const roles = rolesOf(viewer, h);
  if (!ATTACHERS.some((role) => roles.has(role))) return 'not_allowed';
  return isOpenHandoff(h) ? 'ok' : 'not_now';
}

/** Slack's markup as a person reads it: a link's label (or its address), `@name`, `#channel`, `@here`. */
function readable(text: string): string {
  return (
    text
      .replace(/<([^<>|]*)\|([^<>]*)>/g, (_all, target: string, label: string) =>
        target.startsWith('@') ? `@${label}` : target.startsWith('#') ? `#${label}` : label,
      )
      .replace(/<!([a-z]+)(?:\^[^<>]*)?>/g, '@$1')
      .replace(/<([@#][A-Z0-9]+)>/g, '$1')
      .replace(/<([^<>]+)>/g, '$1')
      // Slack's three escaped characters, back to themselves (ampersand last).
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&')
  );
}

/**
 * The excerpt kept of a message: its text as a person reads it, on one line, at most `max` characters. A longer
 * text is cut at a word boundary when one is near (else between two characters, never inside one), and ends with an
 * ellipsis. Empty for a message with no text (a file alone).
 */
export function messageExcerpt(text: string, max = EXCERPT_MAX): string {
  const flat = readable(text).replace(/\s+/g, ' ').trim();
  const chars = [...flat];
  if (chars.length <= max) return flat;
  const room = chars.slice(0, max - 1).join('');
  const space = room.lastIndexOf(' ');
  // A word boundary in the last fifth: cut there; a single long word (a link): cut within it.
  const cut = space >= room.length * 0.8 ? room.slice(0, space) : room;
  return `${cut.replace(/[\s,;:.\-–—]+$/u, '')}…`;
}

/** Why a message was not added: not one of ours, no such handoff, not theirs to add to, or closed. */
export type AddRefusal = 'external' | 'not_found' | 'not_allowed' | 'not_now';

/** A Slack permalink as `chat.getPermalink` gives one: https, on slack.com, to an archived message. */
export function isSlackPermalink(url: string): boolean {
  return /^https:\/\/([a-z0-9-]+\.)*slack\.com\/archives\/[A-Z0-9]+\/p\d+(\?[\w=&.%-]*)?$/i.test(url);
}

/**
 * The permalink Slack's own format gives a message when `chat.getPermalink` cannot (the app is not in a private
 * conversation): the workspace's domain, the conversation, the ts without its dot, and the thread of a reply.
 */
export function builtPermalink(m: {
  domain: string | undefined;
  channelId: string;
  ts: string;
  threadTs?: string | undefined;
}): string {
  const host = m.domain && /^[a-z0-9-]+$/i.test(m.domain) ? `${m.domain}.slack.com` : 'slack.com';
  const base = `https://${host}/archives/${m.channelId}/p${m.ts.replace('.', '')}`;
  return m.threadTs && m.threadTs !== m.ts ? `${base}?thread_ts=${m.threadTs}&cid=${m.channelId}` : base;
}

/**
 * The handoffs a person is offered, the channel's own first: those of the partner the channel is bound to, or sent to
 * this channel, in the order given (newest first); then the others, in that order.
 */
export function channelFirst<H extends { partnerId: number | null; partnerChannelId: string | null }>(
  rows: readonly H[],
  channel: { channelId: string; partnerId: number | null | undefined },
): { rows: H[]; matched: number } {
  const ours = (h: H) =>
    h.partnerChannelId === channel.channelId ||
    (channel.partnerId != null && h.partnerId === channel.partnerId);
  const matched = rows.filter(ours);
  return { rows: [...matched, ...rows.filter((h) => !ours(h))], matched: matched.length };
}

/** Why the modal preselects a handoff: the message is, or replies under, the app's post about it; or it names its account. */
export type AboutReason = 'thread' | 'account';

/**
 * The handoff a message is about, among those offered, or none: the one whose post by the app is the message or the
 * parent of its thread (`postedAbout`: the handoffs the app posted about there); else the one whose account the text
 * names (accountMatch.ts `accountsNamedIn`). Two candidates are none: the person picks.
 */
export function handoffAbout<H extends { id: number; accountName: string }>(
  rows: readonly H[],
  text: string,
  postedAbout: readonly number[],
): { handoff: H; why: AboutReason } | undefined {
  const threads = rows.filter((h) => postedAbout.includes(h.id));
  if (threads.length > 0)
    return threads.length === 1 && threads[0] ? { handoff: threads[0], why: 'thread' } : undefined;
  const named = accountsNamedIn(rows, text);
  return named.length === 1 && named[0] ? { handoff: named[0], why: 'account' } : undefined;
}
