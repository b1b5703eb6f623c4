import { CrmError } from '../../crm/types.js';
import type { DeliveryKind } from './kind.js';

/**
 * `crm.activity`: an activity on the handoff's CRM record for one touch-log event (channel key
 * `crm:<system>:<record id>`, so one record's activities go in order). Not a Slack call: no delivery guard, no pacing;
 * a rate limit holds back everything for that CRM. Like a post, an attempt is marked before it is made, so after a
 * crash, a timeout or a 5xx the next attempt waits for the CRM to settle and the connector looks for the activity (by
 * its marker) before writing it again (crm/delivery.ts).
 */
export const crmActivity: DeliveryKind = {
  paced: false,
  limitKey: (row) => row.channelKey.split(':', 2).join(':'),
  guarded: false,
  uncertain: { do: 'sendLooksFirst' },
  marksAttempt: true,
  ready(ctx) {
    if (!ctx.crm) throw new CrmError('no CRM is connected (its settings are not set)', { transient: false });
  },
  async send(ctx, row) {
    await ctx.crm?.write(row, { lookFirst: Boolean(row.uncertainSince) });
    return {};
  },
};
