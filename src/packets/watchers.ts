import { type WatchReason, watcherNotice } from '../blocks/following.js';
import type { HeardChange, Hearer } from '../core/lifecycle.js';
import type { Executor } from '../db/client.js';
import { eventById } from '../db/repositories/events.js';
import { watcherKeyPrefix, watchersRecord, watchersToldOf } from '../db/repositories/followers.js';
import type { OutboxMessage } from '../db/repositories/outbox.js';
import { FOLLOWER_NEWS, hears } from '../domain/following.js';
import { type PartnerBody, partnerSchema } from '../program/kinds.js';

/**
 * Who watches a handoff besides its own people: its followers, and the managers of its partner
 * (the program's `partner` part: those named and its user group's members), each told of what the change is (FOLLOWER_NEWS: a decision or an outcome) if
 * their choice covers it. Queued with the change, in its transaction (core/lifecycle.ts), as one short DM each.
 * Nobody is told twice: the AE (before and after the change), the owner and the author hear of it by their own
 * messages, and whoever made the change knows it; a follower who is also a partner manager gets one DM.
 */

/** A change as applyTransition knows it once recorded, with the user groups the program last read. */
export interface ChangeForWatchers extends HeardChange {
  /** A user group's members as the program last read them (a partner's managers' group); absent: none counted. */
  groupMembers?: (usergroupId: string) => readonly string[];
}

const USER = /^[UW][A-Z0-9]{2,}$/;

/** A partner's managers and what they hear, as the program says now (its part's body, read with the followers). */
function partnerPart(part: { body: unknown } | undefined): PartnerBody | undefined {
  if (!part || part.body === null) return undefined;
  const parsed = partnerSchema.safeParse(part.body);
  return parsed.success ? parsed.data : undefined;
}

/** The people who watch the handoff and hear of this change, each with why (a follower's reason first). */
export async function watchersOf(
  exec: Executor,
  change: ChangeForWatchers,
): Promise<Map<string, WatchReason>> {
  const watchers = new Map<string, WatchReason>();
  const news = FOLLOWER_NEWS[change.event];
  if (!news) return watchers;
  const partnerId = change.after.partnerId;
  // Read in the change's transaction: the followers, and the partner's part as the program says now.
  const record = await watchersRecord(exec, change.after.id, partnerId === null ? null : String(partnerId));
  for (const f of record.followers)
    if (hears(f.notify, news)) watchers.set(f.userId, { kind: 'follower', choice: f.notify });
  const partner = partnerPart(record.partner);
  const choice = partner?.notify ?? 'all';
  if (partner && hears(choice, news)) {
    // Those named, and everyone in its managers' user group, as the program read it last.
    const group = partner.usergroup && change.groupMembers ? change.groupMembers(partner.usergroup) : [];
    for (const id of [...partner.managers, ...group])
      if (!watchers.has(id)) watchers.set(id, { kind: 'partner_manager', choice });
  }
  const toldByRole = [
    change.after.aeUserId,
    change.before.aeUserId,
    change.after.ownerUserId,
    change.after.authorUserId,
    change.actor,
  ];
  for (const id of toldByRole) if (id) watchers.delete(id);
  for (const id of [...watchers.keys()]) if (!USER.test(id)) watchers.delete(id);
  return watchers;
}

/** The watchers' DMs a change owes (none for a change that is no news to them). */
export async function watcherMessages(exec: Executor, change: ChangeForWatchers): Promise<OutboxMessage[]> {
  const watchers = await watchersOf(exec, change);
  if (watchers.size === 0) return [];
  const h = change.after;
  // What the touch log recorded of the change, in its transaction: the watchers read the history's words of it.
  const logged = await eventById(exec, change.eventId);
  if (!logged) return [];
  const messages: OutboxMessage[] = [];
  // Why they are told, and how to stop, is said in a watcher's first DM about the handoff, not in every one.
  const told = await watchersToldOf(exec, h.id);
  for (const [userId, why] of watchers) {
    const notice = watcherNotice({ event: change.event, handoff: h, logged }, why, !told.has(userId));
    if (!notice) continue;
    messages.push({
      method: 'chat.postMessage',
      dedupeKey: `${watcherKeyPrefix(h.id, change.eventId)}${userId}`,
      channel: userId,
      handoffId: h.id,
      audience: 'internal',
      payload: { text: notice.text, blocks: notice.blocks, unfurl_links: false, unfurl_media: false },
      ...(change.holdUntil === undefined ? {} : { holdUntil: change.holdUntil }),
    });
  }
  return messages;
}

/**
 * The watchers as a hearer of every change (core/lifecycle.ts): a partner's managers' user group is told as its named
 * managers are, by the members the program last read (Program.groupMembers, never a Slack call).
 */
export const watchersHearer =
  (groupMembers?: (usergroupId: string) => readonly string[]): Hearer =>
  (tx, change) =>
    watcherMessages(tx, { ...change, ...(groupMembers ? { groupMembers } : {}) });
