import type { SlackMessage } from '../../blocks/message.js';
import type { OutboxRow } from '../../db/repositories/outbox.js';
import type { DeliveryContext, Rendered } from './kind.js';

/**
 * A row that carries a surface (a message about a handoff), rendered from the handoff's state now: the row with the
 * payload `payloadOf` builds, the change count it shows, its hash and the message to link to. `skipUnchanged`: an
 * edit that would show what Slack already shows is not sent. Undefined for a row without a surface.
 */
export async function renderSurfaceRow(
  ctx: DeliveryContext,
  row: OutboxRow,
  payloadOf: (message: SlackMessage) => Record<string, unknown>,
  skipUnchanged: boolean,
): Promise<Rendered | 'nothing' | undefined> {
  if (!row.surfaceKey) return undefined;
  const surface = await ctx.surfaces?.render(row.surfaceKey);
  if (!surface) return 'nothing';
  const { message, permalinkOf } = surface.rendered;
  if (skipUnchanged && surface.unchanged) return { row, version: surface.version, skip: true };
  return {
    row: { ...row, payload: payloadOf(message), ...(permalinkOf ? { targetMessageKey: permalinkOf } : {}) },
    version: surface.version,
    hash: surface.hash,
    ...(permalinkOf ? { permalinkOf } : {}),
  };
}
