import { PARTNER_CHANNEL_HELD } from '../blocks/notices.js';
import { APP_REMOVED, type ChannelAccess } from '../core/channelAccess.js';
import type { Executor } from '../db/client.js';
import { findHandoff } from '../db/repositories/handoffs.js';
import type { OutboxRow } from '../db/repositories/outbox.js';
import { conversationOf } from '../db/repositories/outboxRows.js';
import { findChannelBinding, holdsPartnerUpdates } from '../db/repositories/partners.js';
import type { DeliveryVerdict } from '../outbox/types.js';
import type { InternalChannels } from './internalChannels.js';

const isChannel = (key: string) => /^[CG][A-Z0-9]+$/.test(key);

/** Why a post waits, kept as its last error, and what that is and what ends it, for the log (once a row). */
const HOLDS = {
  held: {
    kind: 'hold',
    reason: PARTNER_CHANNEL_HELD,
    log: 'partner update held: the channel is on hold (another organization is in it, or it is bound to no partner) until an admin confirms it',
  },
  removed: {
    kind: 'hold',
    reason: APP_REMOVED,
    log: 'held: the app is not in this channel; an invite (/invite @Handoff) sends it',
  },
} as const satisfies Record<string, DeliveryVerdict>;

/**
 * The last check before anything reaches a channel, made at delivery because the directory and a channel's shared
 * status change after a message was queued:
 * - a partner update goes only to a channel bound to that handoff's partner, and waits while the channel is held
 *   (another organization joined it) or bound to nobody;
 * - an internal post goes into a channel only while that channel is confirmed internal: named by a setting or a
 *   policy target, found internal by start's conversations.info, and not shared since (fail closed: a channel bound to
 *   no partner is not thereby internal). Refused, it is dropped for good and logged (the row keeps the reason), as
 *   posts queued for a channel shared at run time always were: why the channel is off was said when it went off (at
 *   start, naming the setting or policy place; when Slack said it was shared), and internal text held for it could
 *   only come out later, stale, or after the channel was shared again.
 * - either waits, once it passed the above, while the app is not in the channel (removed from it: channel_left or
 *   group_left, or an internal post Slack refused for it), until it is invited back (core/channelAccess.ts).
 */
export function channelGuard(deps: {
  db: Executor;
  internalChannels: Pick<InternalChannels, 'isConfirmed' | 'isShared'>;
  access?: Pick<ChannelAccess, 'holds'>;
}) {
  const removed = async (row: OutboxRow): Promise<DeliveryVerdict | undefined> =>
    (await deps.access?.holds(row)) ? HOLDS.removed : undefined;
  return async (row: OutboxRow): Promise<DeliveryVerdict> => {
    const channel = conversationOf(row.channelKey);
    if (row.audience === 'partner') {
      const handoff = row.handoffId === null ? undefined : await findHandoff(deps.db, row.handoffId);
      if (!handoff || handoff.partnerId === null)
        return { kind: 'drop', reason: 'partner update of no known partner' };
      if (handoff.partnerChannelId !== channel) {
        return { kind: 'drop', reason: 'the handoff no longer names this partner channel' };
      }
      const binding = await findChannelBinding(deps.db, channel);
      if (binding?.partnerId != null && binding.partnerId !== handoff.partnerId) {
        return {
          kind: 'drop',
          reason: "the channel belongs to another partner: this partner's update never goes there",
        };
      }
      if (holdsPartnerUpdates(binding)) return HOLDS.held;
      return (await removed(row)) ?? { kind: 'send' };
    }
    if (!isChannel(channel)) return { kind: 'send' };
    if (await deps.internalChannels.isShared(channel)) {
      return {
        kind: 'drop',
        reason: 'internal message; the channel is now shared with another organization',
      };
    }
    if (await findChannelBinding(deps.db, channel)) {
      return { kind: 'drop', reason: 'internal message; the channel is a partner channel' };
    }
    if (!(await deps.internalChannels.isConfirmed(channel))) {
      return {
        kind: 'drop',
        reason:
          'internal message; the channel is not confirmed internal (no setting or policy target names it, or start could not confirm it)',
      };
    }
    return (await removed(row)) ?? { kind: 'send' };
  };
}
