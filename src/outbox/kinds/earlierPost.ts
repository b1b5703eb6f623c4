import { createHash, createHmac } from 'node:crypto';
import { WebAPIPlatformError } from '@slack/web-api';
import type { OutboxRow } from '../../db/repositories/outbox.js';
import { conversationOf } from '../../db/repositories/outboxRows.js';
import type { PostedMessage } from '../types.js';
import type { DeliveryContext } from './kind.js';
import { targetOf } from './targets.js';

/** Every post carries this metadata, so a post whose answer was lost can be found instead of sent twice. */
export const OUTBOX_EVENT_TYPE = 'cosell_handoff_delivery';

/**
 * An opaque id for the row's message: its dedupe key under a keyed hash (HMAC-SHA-256), so partner channels see
 * nothing about the handoff. The key is derived from a secret of the deployment (`secret`): SLACK_TOKEN_KEY on OAuth,
 * else the bot token the post is made with. Every replica holds it, a restart keeps it, and no other app in a shared
 * channel can compute an id from a handoff's number (an unkeyed hash is reversed in a few dozen guesses). A new secret
 * gives new ids, which only matters to a post whose answer was lost across the change: not found, it is posted again
 * (at least once). Without a secret there is no id worth the name: that is a bug, and it throws.
 */
export function deliveryId(row: Pick<OutboxRow, 'dedupeKey'>, secret: string | undefined): string {
  if (!secret) throw new Error('a delivery id needs a secret of the deployment');
  const key = createHash('sha256').update(`cosell-handoff delivery id\0${secret}`).digest();
  return createHmac('sha256', key).update(row.dedupeKey).digest('hex').slice(0, 24);
}

/**
 * The id posts carried before issue 50 (the dedupe key hashed without a key). Still read, from the app's own bot only,
 * so a post made by the previous version whose answer was lost is found rather than posted twice; never written.
 */
export function legacyDeliveryId(row: Pick<OutboxRow, 'dedupeKey'>): string {
  return createHash('sha256').update(row.dedupeKey).digest('hex').slice(0, 24);
}

/** The delivery id a message carries in its metadata, if it is one of ours. */
function deliveryOf(m: { metadata?: { event_type?: string; event_payload?: unknown } }): unknown {
  return m.metadata?.event_type === OUTBOX_EVENT_TYPE
    ? (m.metadata.event_payload as { delivery?: unknown } | undefined)?.delivery
    : undefined;
}

/** Refusals that mean we cannot look for an earlier post (no history scope, no access): post again instead. */
const CANNOT_LOOK = new Set([
  'missing_scope',
  'not_in_channel',
  'channel_not_found',
  'not_allowed_token_type',
]);
const LOOK_BACK_S = 120;
const LOOK_PAGES = 5;

/**
 * After a crash, a timeout or a 5xx, the post may be in Slack already: look for it by its delivery id among the
 * app's recent messages in that conversation (or thread). Undefined when it is not there, or when Slack will not
 * let us look (then it is posted again: at least once rather than never).
 */
export async function findEarlierPost(
  ctx: DeliveryContext,
  row: OutboxRow,
  since: Date,
): Promise<PostedMessage | undefined> {
  const { client, logger } = ctx;
  const id = deliveryId(row, ctx.deliverySecret ?? client.token);
  const legacy = legacyDeliveryId(row);
  // Whose bot posted a message with the old id (anyone can compute one): asked once, only when such a message is seen.
  let ownBot: Promise<string | undefined> | undefined;
  const isOwn = async (botId: string | undefined) => {
    ownBot ??= client.auth.test().then((me) => me.bot_id);
    return botId !== undefined && botId === (await ownBot);
  };
  try {
    let channel = conversationOf(row.channelKey);
    if (/^[UW]/.test(channel)) {
      const opened = await client.conversations.open({ users: channel });
      channel = opened.channel?.id ?? channel;
    }
    // Slack's timestamps are real time; the mark is this machine's clock, which may have stepped since. From the
    // earlier of the mark and now (a step back after the mark), and further back by as much as the mark is ahead
    // of now (a clock that was ahead and was corrected: the post was that much earlier than its mark says).
    const mark = since.getTime();
    const wall = ctx.timers.now();
    const from = Math.min(mark, wall) - Math.max(0, mark - wall);
    const oldest = String(Math.floor(from / 1000) - LOOK_BACK_S);
    const threadTs = row.threadOf ? (await targetOf(ctx.db, row.threadOf)).ts : undefined;
    let cursor: string | undefined;
    for (let page = 0; page < LOOK_PAGES; page += 1) {
      const args = {
        channel,
        oldest,
        include_all_metadata: true,
        limit: 200,
        ...(cursor ? { cursor } : {}),
      };
      const result = threadTs
        ? await client.conversations.replies({ ...args, ts: threadTs })
        : await client.conversations.history(args);
      const messages = result.messages ?? [];
      let hit = messages.find((m) => deliveryOf(m) === id);
      for (const m of hit ? [] : messages.filter((m) => deliveryOf(m) === legacy)) {
        if (await isOwn(m.bot_id)) {
          hit = m;
          break;
        }
      }
      if (hit?.ts) return { channelId: channel, ts: hit.ts };
      cursor = result.response_metadata?.next_cursor || undefined;
      if (!cursor) return undefined;
    }
    return undefined;
  } catch (error) {
    if (error instanceof WebAPIPlatformError && CANNOT_LOOK.has(error.data.error)) {
      logger.warn(
        { outboxId: row.id, error: error.data.error },
        'cannot look for an earlier post of an uncertain message; posting it again',
      );
      return undefined;
    }
    throw error;
  }
}
