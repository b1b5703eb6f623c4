import { WebAPIPlatformError, type WebClient } from '@slack/web-api';
import type { DeliveryKind } from './kind.js';

/**
 * `views.publish`: a person's App Home, rendered at delivery from the state then (channel key `home:<user id>`).
 * Paced per person (the latest state, at most about once a second); publishing again is harmless, so an uncertain
 * one is published again; a change while it was in flight publishes this row again.
 */
export const homePublish: DeliveryKind = {
  paced: true,
  limitKey: (row) => row.method,
  guarded: true,
  uncertain: { do: 'resend' },
  marksAttempt: false,
  render: {
    fromState: () => true,
    async render(ctx, row) {
      const userId = row.channelKey.replace(/^home:/, '');
      const home = await ctx.homes?.render(userId);
      if (!home) return 'nothing';
      return {
        row: {
          ...row,
          payload: { user_id: userId, view: home.view, ...(home.hash ? { hash: home.hash } : {}) },
        },
        version: home.version,
      };
    },
    nothing: 'delivered',
    whenBehind: 'rearm',
  },
  async send(ctx, row, rendered) {
    const userId = String(row.payload.user_id);
    try {
      const result = await ctx.client.views.publish(
        row.payload as unknown as Parameters<WebClient['views']['publish']>[0],
      );
      const behind = await ctx.homes?.published(userId, result.view?.hash ?? null, rendered?.version);
      return behind ? { behind } : {};
    } catch (error) {
      if (!(error instanceof WebAPIPlatformError && error.data.error === 'hash_conflict')) throw error;
      // Another publish got there first (the Home opened, a second replica's), or one whose answer was lost changed
      // the hash: not a failure. The hash is forgotten and the row goes out again at once (paced), rendered from the
      // state then and published without a hash, so a change is never left waiting for a retry's backoff.
      await ctx.homes?.published(userId, null);
      return { behind: true };
    }
  },
};
