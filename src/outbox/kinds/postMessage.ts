import type { WebClient } from '@slack/web-api';
import { deliveryId, findEarlierPost, OUTBOX_EVENT_TYPE } from './earlierPost.js';
import type { DeliveryKind } from './kind.js';
import { renderSurfaceRow } from './surface.js';
import { targetOf, withPermalink } from './targets.js';

/**
 * `chat.postMessage`: a new message in a conversation (a DM by user id). Paced; an uncertain post is looked for by
 * its delivery id (metadata every post carries) before it is posted again. A surface is rendered from the handoff at
 * delivery; a change while it was in flight queues an update of the posted message.
 */
export const postMessage: DeliveryKind = {
  paced: true,
  limitKey: (row) => row.method,
  guarded: true,
  uncertain: { do: 'find', find: findEarlierPost },
  marksAttempt: true,
  render: {
    fromState: (row) => Boolean(row.surfaceKey),
    render: async (ctx, row) =>
      renderSurfaceRow(
        ctx,
        row,
        (message) => ({
          ...row.payload,
          text: message.text,
          blocks: message.blocks,
          unfurl_links: false,
          unfurl_media: false,
        }),
        false,
      ),
    nothing: 'cancelled',
    whenBehind: 'queue',
  },
  async send(ctx, row) {
    let args = row.payload;
    if (row.threadOf) args = { ...args, thread_ts: (await targetOf(ctx.db, row.threadOf)).ts };
    if (row.targetMessageKey) args = await withPermalink(ctx, args, row.targetMessageKey);
    args = {
      ...args,
      metadata: {
        event_type: OUTBOX_EVENT_TYPE,
        event_payload: { delivery: deliveryId(row, ctx.deliverySecret ?? ctx.client.token) },
      },
    };
    const result = await ctx.client.chat.postMessage(
      args as unknown as Parameters<WebClient['chat']['postMessage']>[0],
    );
    return result.channel && result.ts ? { posted: { channelId: result.channel, ts: result.ts } } : {};
  },
};
