import type { Executor } from '../db/client.js';
import { findPartner } from '../db/repositories/partners.js';
import { accountDomain, accountKey } from '../domain/accountMatch.js';
import type { Packet } from '../domain/packet.js';
import type { Review } from './types.js';

/** The account a packet is about, as the conflict check and the stored handoff key it. */
export async function accountOf(
  exec: Executor,
  packet: Pick<Packet, 'accountName' | 'accountDomain' | 'partnerOrg'>,
  partner: { id: number | null; name: string },
) {
  const record = partner.id === null ? undefined : await findPartner(exec, partner.id);
  return {
    key: accountKey(packet.accountName),
    domain: packet.accountDomain ? (accountDomain(packet.accountDomain) ?? null) : null,
    partnerKey: record?.key ?? accountKey(packet.partnerOrg),
    partnerId: record?.id,
  };
}

/** The oldest sending that still counts for the account's conflicts and duplicates. */
export function lookbackFrom(now: Date, conflictLookbackDays: number): Date {
  return new Date(now.getTime() - conflictLookbackDays * 86_400_000);
}

/** The handoff's link to its CRM record, from the review (none: not linked). */
export function crmColumns(review: Pick<Review, 'crm'>) {
  return review.crm
    ? { crmSystem: review.crm.system, crmRecordId: review.crm.id, crmRecordName: review.crm.name }
    : { crmSystem: null, crmRecordId: null, crmRecordName: null };
}
