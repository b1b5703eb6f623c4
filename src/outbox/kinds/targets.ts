import { PERMALINK_TOKEN } from '../../blocks/windowNotices.js';
import type { Db } from '../../db/client.js';
import { findOutboxByRecordAs, findPostedMessage } from '../../db/repositories/postedMessages.js';
import { DeliveryError } from '../failures.js';
import type { PostedMessage } from '../types.js';
import type { DeliveryContext } from './kind.js';

/** The earlier message a row edits, links to or replies under; retried while that message is still pending. */
export async function targetOf(db: Db, key: string | null): Promise<PostedMessage> {
  const target = key ? await findPostedMessage(db, key) : undefined;
  if (target) return target;
  const original = key ? await findOutboxByRecordAs(db, key) : undefined;
  // A missing or parked original can never be edited or linked to.
  throw new DeliveryError('target_message_not_posted', original?.status === 'pending');
}

/** The payload with PERMALINK_TOKEN replaced by the permalink of the message recorded under `key`. */
export async function withPermalink(
  ctx: DeliveryContext,
  args: Record<string, unknown>,
  key: string,
): Promise<Record<string, unknown>> {
  const target = await targetOf(ctx.db, key);
  const { permalink } = await ctx.client.chat.getPermalink({
    channel: target.channelId,
    message_ts: target.ts,
  });
  return JSON.parse(JSON.stringify(args).replaceAll(PERMALINK_TOKEN, permalink ?? ''));
}
