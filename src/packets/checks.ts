import type { Db } from '../db/client.js';
import { findResellers, findSameAccount } from '../db/repositories/checks.js';
import { partnerByName } from '../db/repositories/partners.js';
import { OPEN_STATUSES } from '../domain/lifecycleState.js';
import type { Finding } from '../domain/review.js';

/** What the check found on the account, as the review lists it: in domain/review.ts, where renderers read it. */
export type { Finding } from '../domain/review.js';

const OPEN = OPEN_STATUSES;

/**
 * Other handoffs on the same account, open or recent: the same partner still open is a duplicate; another partner
 * is a channel conflict. A reseller registered on the account other than this partner is a conflict too. "Same
 * partner" is the directory's record (`partnerId`, aliases included) when the packet's partner is known.
 */
export async function checkAccount(
  db: Db,
  account: { key: string; domain: string | null; partnerKey: string; partnerId: number | undefined },
  since: Date,
  /** A handoff to leave out: the one being edited is no duplicate of itself. */
  exclude?: number,
): Promise<Finding[]> {
  const findings: Finding[] = [];
  const samePartner = (other: { partnerId: number | null; partnerKey: string }) =>
    account.partnerId !== undefined && other.partnerId !== null
      ? other.partnerId === account.partnerId
      : other.partnerKey === account.partnerKey;
  for (const other of await findSameAccount(db, { key: account.key, domain: account.domain }, since)) {
    if (other.id === exclude) continue;
    const common = {
      handoffId: other.id,
      accountName: other.accountName,
      partnerOrg: other.partnerOrg,
      status: other.status,
      aeUserId: other.aeUserId,
    };
    if (!samePartner(other)) findings.push({ kind: 'conflict', ...common });
    else if (OPEN.includes(other.status)) findings.push({ kind: 'duplicate', ...common });
  }
  for (const reseller of await findResellers(db, account.key)) {
    const resellerPartner = await partnerByName(db, reseller.resellerName);
    if (!samePartner({ partnerId: resellerPartner?.id ?? null, partnerKey: reseller.resellerKey })) {
      findings.push({
        kind: 'reseller',
        resellerName: reseller.resellerName,
        accountName: reseller.accountName,
      });
    }
  }
  return findings;
}

export const hasDuplicate = (findings: Finding[]) => findings.some((f) => f.kind === 'duplicate');
