import type { NewHandoffRow } from '../../src/db/schema.js';

/**
 * A complete handoff row waiting for the AE's answer (status sent, first window of 3 business days, due 3 days after
 * `at`), for tests that write the handoffs table directly. Everything else is given in `over`, `sourceViewId` first.
 */
export function sentHandoffRow(
  at: Date,
  over: Partial<NewHandoffRow> & Pick<NewHandoffRow, 'sourceViewId'>,
): NewHandoffRow {
  return {
    teamId: 'T0INTERNAL',
    status: 'sent',
    authorUserId: 'U0AUTHOR',
    ownerUserId: 'U0AUTHOR',
    aeUserId: 'U0AE',
    aeTeamId: 'T0INTERNAL',
    aeName: 'Jordan Seller',
    aeTimeZone: 'Europe/Berlin',
    partnerChannelId: 'C0PARTNER',
    accountName: 'Northwind Logistics',
    partnerOrg: 'Meridian',
    partnerContactName: 'Dana Reyes',
    whyPartner: 'Ran the migration.',
    customerTrigger: 'Asked about invoices.',
    jointValue: 'We automate; they implement.',
    warmPath: 'Dana introduces the AE.',
    sellerNextMove: 'Bring the demo.',
    partnerNextMove: 'Confirm the meeting.',
    partnerAgreedInWriting: true,
    responseWindowDays: 3,
    sentAt: at,
    dueAt: new Date(at.getTime() + 3 * 86_400_000),
    createdAt: at,
    updatedAt: at,
    ...over,
  };
}
