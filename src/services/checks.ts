import type { Db } from '../db/client.js';
import { findResellers, findSameAccount } from '../db/repositories/checks.js';
import type { HandoffRow } from '../db/schema.js';

/** What the conflict and duplicate check found on the account, as the review step lists it. */
export type Finding =
  | {
      kind: 'duplicate';
      handoffId: number;
      accountName: string;
      partnerOrg: string;
      status: HandoffRow['status'];
      aeUserId: string;
    }
  | {
      kind: 'conflict';
      handoffId: number;
      accountName: string;
      partnerOrg: string;
      status: HandoffRow['status'];
      aeUserId: string;
    }
  | { kind: 'reseller'; resellerName: string; accountName: string };

const OPEN: readonly HandoffRow['status'][] = ['sent', 'accepted', 'expired'];

/**
 * Other handoffs on the same account, open or recent: the same partner still open is a duplicate; another partner
 * is a channel conflict. A reseller registered on the account other than this partner is a conflict too.
 */
export function checkAccount(
  db: Db,
  account: { key: string; domain: string | null; partnerKey: string },
  since: Date,
): Finding[] {
  const findings: Finding[] = [];
  for (const other of findSameAccount(db, { key: account.key, domain: account.domain }, since)) {
    const common = {
      handoffId: other.id,
      accountName: other.accountName,
      partnerOrg: other.partnerOrg,
      status: other.status,
      aeUserId: other.aeUserId,
    };
    if (other.partnerKey !== account.partnerKey) findings.push({ kind: 'conflict', ...common });
    else if (OPEN.includes(other.status)) findings.push({ kind: 'duplicate', ...common });
  }
  for (const reseller of findResellers(db, account.key)) {
    if (reseller.resellerKey !== account.partnerKey) {
      findings.push({
        kind: 'reseller',
        resellerName: reseller.resellerName,
        accountName: reseller.accountName,
      });
    }
  }
  return findings;
}

export const hasConflict = (findings: Finding[]) =>
  findings.some((f) => f.kind === 'conflict' || f.kind === 'reseller');
export const hasDuplicate = (findings: Finding[]) => findings.some((f) => f.kind === 'duplicate');
