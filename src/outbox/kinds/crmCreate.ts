import { crmActivity } from './crmActivity.js';
import type { DeliveryKind } from './kind.js';

/**
 * `crm.create`: the opportunity (deal) the AE asked for at the accept (crm/creation.ts), under its CRM's rate limit
 * like an activity. The attempt is marked before the call, so after a crash, a timeout or a 5xx the next attempt waits
 * for the CRM to settle and looks for the record by its marker before creating it again: never two records.
 */
export const crmCreate: DeliveryKind = {
  ...crmActivity,
  async send(ctx, row) {
    await ctx.crm?.create(row, { lookFirst: Boolean(row.uncertainSince) });
    return {};
  },
};
