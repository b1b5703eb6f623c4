import { type Directory, DirectoryUnavailableError } from '../core/directory.js';
import { type AccountMatch, type Crm, crmLabel } from '../crm/index.js';
import type { AccountCandidates } from '../crm/types.js';
import { accountDomain } from '../domain/accountMatch.js';
import type { Logger } from '../logger.js';

/**
 * Who owns the account in the CRM, and who that is in Slack: Salesforce's `Account.Owner`, HubSpot's
 * company `hubspot_owner_id`, each to an email, then `users.lookupByEmail`. The owner is the AE the packet suggests;
 * a packet sent to a pool goes to them first, and an author who picks someone else says why.
 */
export interface AccountOwner {
  /** The CRM's label ("Salesforce"). */
  crm: string;
  /** The account as the CRM names it. */
  accountName: string;
  /** The owner's name as the CRM gives it (or their email, or "someone"). */
  ownerName: string;
  /** The owner in Slack: a member of our workspace with the CRM's email (absent: nobody, or not one of ours). */
  userId?: string;
  /** Why they are suggested, in one line: "Lena Ortiz owns Northwind Logistics in Salesforce". */
  reason: string;
  /** Said when the owner is not someone the app can send to (no such email in Slack, deactivated, outside). */
  notInSlack?: string;
}

export interface AccountOwnerDeps {
  crm?: Crm | undefined;
  directory: Pick<Directory, 'lookupByEmail'>;
  logger: Logger;
}

/** The candidates of a packet's account: its name and web domain, as typed. */
export function packetCandidates(fields: {
  accountName?: string | null;
  accountDomain?: string | null;
}): AccountCandidates {
  const domain = fields.accountDomain ? accountDomain(fields.accountDomain) : undefined;
  return { names: fields.accountName ? [fields.accountName] : [], domains: domain ? [domain] : [] };
}

/** The account the candidates name in the CRM and its owner (never throws: a CRM or Slack failure says nothing). */
export async function accountOwnerOf(
  deps: AccountOwnerDeps,
  candidates: AccountCandidates,
  internalTeamIds: readonly string[],
  timeoutMs: number,
): Promise<{ match: AccountMatch; owner?: AccountOwner }> {
  if (!deps.crm || deps.crm.connectors.length === 0) return { match: { kind: 'off' } };
  const match = await deps.crm.matchAccount(candidates, { timeoutMs });
  if (match.kind !== 'matched' || !match.account.owner) return { match };
  const { account } = match;
  const { email, name } = account.owner ?? { email: null, name: null };
  const crm = crmLabel(account.system);
  const ownerName = name?.trim() || email || 'someone';
  const base = {
    crm,
    accountName: account.name,
    ownerName,
    reason: `${ownerName} owns ${account.name} in ${crm}`,
  };
  const person = email ? await personOf(deps, email) : undefined;
  const usable =
    person && !person.deleted && !person.isBot && !person.guest && internalTeamIds.includes(person.teamId);
  if (usable) return { match, owner: { ...base, userId: person.id } };
  const why = !email
    ? `${crm} gives no email for ${ownerName}`
    : person
      ? `${ownerName} cannot receive handoffs here (deactivated, a guest or of another organization)`
      : `nobody in Slack has ${ownerName}'s email (${email})`;
  return { match, owner: { ...base, notInSlack: `${base.reason}, but ${why}: choose the AE.` } };
}

async function personOf(deps: AccountOwnerDeps, email: string) {
  try {
    return await deps.directory.lookupByEmail?.(email);
  } catch (error) {
    if (!(error instanceof DirectoryUnavailableError)) throw error;
    deps.logger.warn({ err: error.cause }, 'users.lookupByEmail failed for the account owner');
    return undefined;
  }
}
