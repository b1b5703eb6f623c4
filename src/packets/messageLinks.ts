import type { WebClient } from '@slack/web-api';
import type { AddResult } from '../blocks/results.js';
import type { Clock } from '../clock.js';
import type { Directory } from '../core/directory.js';
import { type RequestContext, viewerOf } from '../core/requestContext.js';
import { crmActivityMessage } from '../crm/activities.js';
import type { Db, Executor } from '../db/client.js';
import { eventsOf, logEvent } from '../db/repositories/events.js';
import { findHandoff, type HandoffRow } from '../db/repositories/handoffs.js';
import { listHandoffsOf } from '../db/repositories/lookup.js';
import { enqueue } from '../db/repositories/outbox.js';
import { lockHandoffs } from '../db/repositories/outboxInsert.js';
import { findChannelBinding } from '../db/repositories/partners.js';
import { handoffsPostedAt } from '../db/repositories/postedMessages.js';
import { isInternalActor } from '../domain/actor.js';
import {
  type AboutReason,
  type AddRefusal,
  addMessageVerdict,
  builtPermalink,
  channelFirst,
  handoffAbout,
  isSlackPermalink,
} from '../domain/messageLinks.js';
import type { Logger } from '../logger.js';

/**
 * "Add to handoff": a Slack message (an internal thread, a partner's reply in their channel)
 * attached to one of the person's open handoffs. The touch log keeps its link, a short excerpt, who added it and when
 * (`message_added`); a linked CRM record gets it as an activity, through the outbox like every other. The partner is
 * never told: nothing is posted anywhere, no :memo: marks a message in a shared channel, and the partner's view is
 * built from decisions and outcomes only.
 */

export interface MessageLinksDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  /** Slack while the person waits (chat.getPermalink, reactions.add): one short try each. */
  slack: WebClient;
  /** The adder's name for the CRM activity, and whether the conversation is shared (no :memo: there). */
  directory: Pick<Directory, 'lookupUser' | 'lookupChannel'>;
  adminUserIds: readonly string[];
  onOutboxWrite: () => void;
}

/** The message being added, as the shortcut saw it. */
export interface MessageRef {
  channelId: string;
  ts: string;
  /** The thread it is a reply in (its parent's ts). */
  threadTs?: string | undefined;
  /** The workspace's Slack domain (`acme`), for a link Slack would not give. */
  teamDomain?: string | undefined;
  /** At most EXCERPT_MAX characters of its text (domain/messageLinks.ts `messageExcerpt`). */
  excerpt: string;
}

/** Most open handoffs offered in the select (Slack shows 100 options). */
const CHOICES_MAX = 100;

export type ChoicesResult =
  | { kind: 'external' }
  | { kind: 'none' }
  | {
      kind: 'choices';
      rows: HandoffRow[];
      matched: number;
      /** The handoff the message is about, preselected, and why; none when it cannot be told. */
      about?: { handoff: HandoffRow; why: AboutReason } | undefined;
    };

/** The message the shortcut was used on, as `choices` reads it: where it is, its thread, and its whole text. */
export type ShortcutMessage = Pick<MessageRef, 'channelId' | 'ts' | 'threadTs'> & { text: string };

/** What adding a message to a handoff answers: in blocks/results.ts, where the replies read it. */
export type { AddResult } from '../blocks/results.js';

/** `shared`: not marked, on purpose: the partner would see it. */
export type ReactResult = 'reacted' | 'shared' | 'not_in_channel' | 'failed';

/** Slack's error code on a Web API failure (`not_in_channel`…), when it has one. */
const slackCode = (error: unknown) => (error as { data?: { error?: string } }).data?.error;

/**
 * The open handoffs this person may add a message to (those they wrote, own or answer as the AE), newest first, the
 * ones of the channel's partner (its binding in the directory, or sent to this very channel) first; and the one the
 * message is about (domain/messageLinks.ts `handoffAbout`), if it can be told.
 */
async function choices(
  deps: MessageLinksDeps,
  ctx: RequestContext,
  message: ShortcutMessage,
): Promise<ChoicesResult> {
  if (!isInternalActor(ctx.actor, ctx.internalTeamIds)) return { kind: 'external' };
  const person = { userId: ctx.actor.userId, teamId: ctx.actor.teamId ?? '' };
  const { rows } = await listHandoffsOf(deps.db, person, { all: false, limit: CHOICES_MAX });
  const viewer = viewerOf(ctx, deps.adminUserIds);
  const open = rows.filter((h) => addMessageVerdict(viewer, h) === 'ok');
  if (open.length === 0) return { kind: 'none' };
  const { channelId } = message;
  const binding = await findChannelBinding(deps.db, channelId);
  const ordered = channelFirst(open, { channelId, partnerId: binding?.partnerId });
  const tss = [message.ts, ...(message.threadTs ? [message.threadTs] : [])];
  const postedAbout = await handoffsPostedAt(deps.db, channelId, tss);
  return { kind: 'choices', ...ordered, about: handoffAbout(ordered.rows, message.text, postedAbout) };
}

/** The handoff and whether this person may add to it now: a refusal, or the handoff. */
async function allowed(
  deps: MessageLinksDeps,
  exec: Executor,
  ctx: RequestContext,
  handoffId: number,
): Promise<{ refusal: AddRefusal } | { handoff: HandoffRow }> {
  if (!isInternalActor(ctx.actor, ctx.internalTeamIds)) return { refusal: 'external' };
  const h = Number.isSafeInteger(handoffId) ? await findHandoff(exec, handoffId) : undefined;
  if (!h) return { refusal: 'not_found' };
  const verdict = addMessageVerdict(viewerOf(ctx, deps.adminUserIds), h);
  return verdict === 'ok' ? { handoff: h } : { refusal: verdict };
}

/** The message's link: Slack's own, else built in Slack's format (the app is not in a private conversation). */
async function permalinkOf(deps: MessageLinksDeps, m: MessageRef): Promise<string> {
  try {
    const result = await deps.slack.chat.getPermalink({ channel: m.channelId, message_ts: m.ts });
    if (typeof result.permalink === 'string' && isSlackPermalink(result.permalink)) return result.permalink;
  } catch (error) {
    deps.logger.info(
      { channelId: m.channelId, code: slackCode(error) ?? String(error) },
      'chat.getPermalink failed for Add to handoff: the link is built in Slack’s format',
    );
  }
  return builtPermalink({ domain: m.teamDomain, channelId: m.channelId, ts: m.ts, threadTs: m.threadTs });
}

/** The adder's name as Slack has it, for the CRM's readers; undefined when Slack cannot say now. */
async function nameOf(deps: MessageLinksDeps, userId: string): Promise<string | undefined> {
  try {
    return (await deps.directory.lookupUser(userId))?.name;
  } catch {
    return undefined;
  }
}

/**
 * Adds the message: checked before Slack is asked for the link, and again in the transaction, which holds the
 * handoff's row (a double submit, or the same message added twice, is one entry). The touch-log event and the CRM
 * activity are one transaction.
 */
async function add(
  deps: MessageLinksDeps,
  ctx: RequestContext,
  req: { handoffId: number; message: MessageRef },
): Promise<AddResult> {
  const first = await allowed(deps, deps.db, ctx, req.handoffId);
  if ('refusal' in first) return { kind: 'refused', refusal: first.refusal, handoffId: req.handoffId };
  const [permalink, byName] = await Promise.all([
    permalinkOf(deps, req.message),
    nameOf(deps, ctx.actor.userId),
  ]);
  const at = deps.clock.now();
  const detail = { permalink, excerpt: req.message.excerpt, ...(byName ? { byName } : {}) };
  const result = await deps.db.transaction(async (tx): Promise<AddResult> => {
    await lockHandoffs(tx, [req.handoffId]);
    const now = await allowed(deps, tx, ctx, req.handoffId);
    if ('refusal' in now) return { kind: 'refused', refusal: now.refusal, handoffId: req.handoffId };
    const h = now.handoff;
    const added = (await eventsOf(tx, h.id)).some(
      (e) => e.type === 'message_added' && e.detail?.permalink === permalink,
    );
    if (added) return { kind: 'already', handoff: h };
    const eventId = await logEvent(tx, {
      type: 'message_added',
      before: h,
      after: h,
      actor: ctx.actor,
      at,
      detail,
    });
    await enqueue(tx, crmActivityMessage(h, eventId), at);
    return { kind: 'added', handoff: h, eventId };
  });
  if (result.kind === 'added') {
    deps.onOutboxWrite();
    deps.logger.info(
      { handoffId: result.handoff.id, eventId: result.eventId, channelId: req.message.channelId },
      'a Slack message was added to a handoff',
    );
  }
  return result;
}

/**
 * Whether the conversation is shared with another organization (or may be): everyone in it sees the app's
 * reactions. A channel bound to a partner is, whatever Slack says now; one Slack cannot describe now may be.
 */
async function sharedOrUnknown(deps: MessageLinksDeps, channelId: string): Promise<boolean> {
  if (await findChannelBinding(deps.db, channelId)) return true;
  try {
    return (await deps.directory.lookupChannel(channelId))?.isExternallyShared ?? false;
  } catch (error) {
    deps.logger.info(
      { channelId, error: String(error) },
      'conversations.info failed for Add to handoff: the message is not marked',
    );
    return true;
  }
}

/**
 * Marks the message with :memo: (after it was added), in the team's own conversations only: in a Slack Connect
 * channel the partner would see the mark, and the partner is never told (skipped, and nobody needs telling). Not in
 * the conversation (a private channel or DM the app was never invited to): skipped, and the caller tells the person
 * that the attachment itself is fine.
 */
async function react(deps: MessageLinksDeps, m: Pick<MessageRef, 'channelId' | 'ts'>): Promise<ReactResult> {
  if (await sharedOrUnknown(deps, m.channelId)) return 'shared';
  try {
    await deps.slack.reactions.add({ channel: m.channelId, timestamp: m.ts, name: 'memo' });
    return 'reacted';
  } catch (error) {
    const code = slackCode(error);
    if (code === 'already_reacted') return 'reacted';
    if (code === 'not_in_channel' || code === 'channel_not_found') return 'not_in_channel';
    deps.logger.warn(
      { channelId: m.channelId, code: code ?? String(error) },
      'could not mark an added message with :memo:',
    );
    return 'failed';
  }
}

export function createMessageLinks(deps: MessageLinksDeps) {
  return {
    choices: (ctx: RequestContext, message: ShortcutMessage) => choices(deps, ctx, message),
    add: (ctx: RequestContext, req: { handoffId: number; message: MessageRef }) => add(deps, ctx, req),
    react: (m: Pick<MessageRef, 'channelId' | 'ts'>) => react(deps, m),
  };
}

export type MessageLinks = ReturnType<typeof createMessageLinks>;
