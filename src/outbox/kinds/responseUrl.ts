import { DeliveryError } from '../failures.js';
import type { DeliveryKind } from './kind.js';

/**
 * `response_url`: an ephemeral reply through the interaction's response_url (a plain HTTPS POST, not the Web API).
 * An ephemeral cannot be looked for, so an uncertain one is not sent again.
 */
export const responseUrl: DeliveryKind = {
  paced: false,
  limitKey: (row) => row.method,
  guarded: true,
  uncertain: {
    do: 'drop',
    reason: 'may have been delivered before a crash or timeout; not sent twice',
    log: 'uncertain ephemeral not resent',
  },
  marksAttempt: true,
  async send(ctx, row) {
    const { response_url: url, ...body } = row.payload as { response_url: string } & Record<string, unknown>;
    const response = await ctx
      .fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(5_000),
      })
      .catch((error: unknown) => {
        throw new DeliveryError(`response_url request failed: ${String(error)}`, true, true);
      });
    // A 5xx (an edge's 502 page, Slack's own 500) may come after Slack showed the ephemeral: uncertain, like a
    // timeout, so it is not sent a second time (an ephemeral cannot be looked for).
    if (!response.ok)
      throw new DeliveryError(
        `response_url HTTP ${response.status}`,
        response.status >= 500,
        response.status >= 500,
      );
    return {};
  },
};
