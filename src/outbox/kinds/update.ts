import type { WebClient } from '@slack/web-api';
import type { DeliveryKind } from './kind.js';
import { renderSurfaceRow } from './surface.js';
import { targetOf, withPermalink } from './targets.js';

/**
 * `chat.update`: an edit of a message the app posted (found by its recorded key). Not paced; sending it again is
 * harmless, so an uncertain one is sent again. A surface is rendered from the handoff at delivery; an edit that would
 * show what Slack already shows is not sent, and a change while it was in flight sends this row again.
 */
export const update: DeliveryKind = {
  paced: false,
  limitKey: (row) => row.method,
  guarded: true,
  uncertain: { do: 'resend' },
  marksAttempt: false,
  render: {
    fromState: (row) => Boolean(row.surfaceKey),
    render: async (ctx, row) =>
      renderSurfaceRow(ctx, row, (message) => ({ text: message.text, blocks: message.blocks }), true),
    nothing: 'delivered',
    whenBehind: 'rearm',
  },
  async send(ctx, row, rendered) {
    const target = await targetOf(ctx.db, row.surfaceKey ?? row.targetMessageKey);
    let args = row.payload;
    if (rendered?.permalinkOf) args = await withPermalink(ctx, args, rendered.permalinkOf);
    await ctx.client.chat.update({
      ...args,
      channel: target.channelId,
      ts: target.ts,
    } as Parameters<WebClient['chat']['update']>[0]);
    return {};
  },
};
