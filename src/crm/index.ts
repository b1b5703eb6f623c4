import { setTimeout as sleep } from 'node:timers/promises';
import { accountDomain } from '../domain/accountMatch.js';
import type { CrmCheck, CrmOpportunity } from '../domain/attribution.js';
import type { CrmSystem } from '../domain/crmFacts.js';
import { CRM_SYSTEMS, CRMS } from '../domain/crmFacts.js';
import type { CrmRef, HandoffCrmLink } from '../domain/crmLink.js';
import { looksLikeCrmLink, parseCrmRef } from '../domain/crmLink.js';
import type { Logger } from '../logger.js';
import { sameAccountName } from './accountNames.js';
import {
  type AccountCandidates,
  type AccountQuery,
  type CrmAccount,
  type CrmConnector,
  CrmError,
  type CrmRecord,
} from './types.js';

/** The account a message names, as the connected CRMs answered (the shortcut's prefill). */
export type AccountMatch =
  | { kind: 'off' }
  /** A CRM failed or was slow: nothing is said of the account. */
  | { kind: 'unreached'; crm: string }
  /** Asked, and nothing matched: what was searched, never "none exists". */
  | { kind: 'none'; crm: string; searched: AccountCandidates }
  | { kind: 'matched'; crm: string; account: CrmAccount; by: 'domain' | 'name' };

/** What a CRM field links the handoff to, as checked with the CRM. */
export type CrmResolution =
  /** Not a link to a connected CRM (text, another CRM's id, or no CRM connected): stored as text, as before. */
  | { kind: 'none' }
  /** The record exists: the handoff is linked to it. */
  | { kind: 'linked'; record: CrmRecord }
  /** A link to a connected CRM that names no record we can read: an inline error on the field. */
  | { kind: 'invalid'; message: string }
  /** The CRM did not answer in time: linked by its id, and the record is checked again when it is written. */
  | { kind: 'unchecked'; ref: CrmRef; label: string };

/** Options for the optional field mapping (off by default): opportunity or deal fields the admin names. */
export interface CrmFieldMap {
  /** The field that receives "Partner-sourced" or "Partner-influenced". */
  classification?: string;
  /** The field that receives the partner's name. */
  partner?: string;
}

export interface Crm {
  connectors: readonly CrmConnector[];
  connector(system: CrmSystem): CrmConnector | undefined;
  /** Checks the text of a CRM field with the CRM (within `timeoutMs`: the review answers Slack within 3 s). */
  resolve(text: string | null | undefined, opts?: { timeoutMs?: number }): Promise<CrmResolution>;
  /**
   * The opportunities every connected CRM has on the account, asked at once and waited for `timeoutMs` at most (the
   * review answers Slack within 3 s): 'off' with no CRM, 'unreached' when one failed or was slow. Never throws.
   */
  checkAccount(account: AccountQuery, opts?: { timeoutMs?: number }): Promise<CrmCheck>;
  /**
   * The account the candidates name in the connected CRMs (a domain's match first, then the longest name's), asked at
   * once and waited for `timeoutMs` at most. Never throws.
   */
  matchAccount(candidates: AccountCandidates, opts?: { timeoutMs?: number }): Promise<AccountMatch>;
  fieldMap: Readonly<Record<CrmSystem, CrmFieldMap>>;
}

/** The CRM loop's entry point: which CRMs are connected, and what a CRM field names in them. */
export function createCrm(opts: {
  connectors: readonly CrmConnector[];
  logger: Logger;
  fieldMap?: Partial<Record<CrmSystem, CrmFieldMap>>;
}): Crm {
  const { connectors, logger } = opts;
  const bySystem = new Map(connectors.map((c) => [c.system, c]));
  return {
    connectors,
    connector: (system) => bySystem.get(system),
    resolve: (text, o = {}) => resolve(bySystem, logger, text, o),
    checkAccount: (account, o = {}) => checkAccount(connectors, logger, account, o),
    matchAccount: (candidates, o = {}) => matchAccount(connectors, logger, candidates, o),
    fieldMap: Object.fromEntries(
      CRM_SYSTEMS.map((system) => [system, opts.fieldMap?.[system] ?? {}]),
    ) as Record<CrmSystem, CrmFieldMap>,
  };
}

async function resolve(
  bySystem: ReadonlyMap<CrmSystem, CrmConnector>,
  logger: Logger,
  text: string | null | undefined,
  o: { timeoutMs?: number },
): Promise<CrmResolution> {
  if (bySystem.size === 0 || !text?.trim()) return { kind: 'none' };
  // A bare number is a record only when a CRM whose ids are numbers is connected (HubSpot's deals, not Salesforce's).
  const ref = parseCrmRef(text, {
    bareNumbers: [...bySystem.keys()].some((system) => CRMS[system].numericIds),
  });
  const connector = ref ? bySystem.get(ref.system) : undefined;
  if (!ref || !connector) {
    const meant = looksLikeCrmLink(text);
    if (meant && bySystem.has(meant))
      return {
        kind: 'invalid',
        message: `This looks like a ${CRMS[meant].label} link, but it names no ${CRMS[meant].record}. ${CRMS[meant].how}`,
      };
    return { kind: 'none' };
  }
  try {
    const record = await connector.lookup(ref.id, o);
    if (record) return { kind: 'linked', record };
    return {
      kind: 'invalid',
      message: `${CRMS[ref.system].label} has no ${CRMS[ref.system].record} ${ref.id} that the app can see. Check the id or link (the app's ${CRMS[ref.system].label} user must be able to see the record).`,
    };
  } catch (error) {
    logger.warn(
      { err: error instanceof CrmError ? error.message : error, system: ref.system, id: ref.id },
      'CRM lookup failed during the review; the link is kept unchecked',
    );
    return { kind: 'unchecked', ref, label: CRMS[ref.system].label };
  }
}

async function checkAccount(
  connectors: readonly CrmConnector[],
  logger: Logger,
  account: AccountQuery,
  o: { timeoutMs?: number },
): Promise<CrmCheck> {
  if (connectors.length === 0) return { kind: 'off' };
  const ms = o.timeoutMs ?? 1500;
  const crm = connectors.map((c) => c.label).join(' and ');
  // The deadline's timer is cancelled once the CRMs answer (its rejection is the race's, already settled).
  const done = new AbortController();
  const deadline = sleep(ms, 'late' as const, { ref: false, signal: done.signal });
  type Answer =
    | { connector: CrmConnector; records: CrmRecord[] }
    | { connector: CrmConnector; error: unknown };
  const asked = connectors.map(
    (c): Promise<Answer> =>
      c.opportunitiesOn(account, { timeoutMs: ms }).then(
        (records) => ({ connector: c, records }),
        (error: unknown) => ({ connector: c, error }),
      ),
  );
  try {
    const answered = await Promise.race([Promise.all(asked), deadline]);
    if (answered === 'late') {
      logger.warn({ ms }, 'CRM account lookup took too long during the review; classified from the packet');
      return { kind: 'unreached', crm };
    }
    const opportunities: CrmOpportunity[] = [];
    const failed: CrmConnector[] = [];
    const undecided: CrmConnector[] = [];
    for (const a of answered) {
      if ('records' in a) {
        opportunities.push(...a.records.map(opportunityOf));
        continue;
      }
      if (a.error instanceof CrmError && a.error.opts.undecided) {
        undecided.push(a.connector);
        continue;
      }
      failed.push(a.connector);
      logger.warn(
        { system: a.connector.system, err: a.error instanceof Error ? a.error.message : String(a.error) },
        'CRM account lookup failed during the review; classified from the packet',
      );
    }
    if (failed.length > 0) return { kind: 'unreached', crm: failed.map((c) => c.label).join(' and ') };
    if (undecided.length > 0)
      return { kind: 'unreached', crm: undecided.map((c) => c.label).join(' and '), undecided: true };
    const searched = { name: account.name, domain: account.domain };
    return { kind: 'checked', crm, systems: connectors.map((c) => c.system), opportunities, searched };
  } finally {
    done.abort();
  }
}

async function matchAccount(
  connectors: readonly CrmConnector[],
  logger: Logger,
  candidates: AccountCandidates,
  o: { timeoutMs?: number },
): Promise<AccountMatch> {
  if (connectors.length === 0) return { kind: 'off' };
  const crm = connectors.map((c) => c.label).join(' and ');
  if (candidates.names.length === 0 && candidates.domains.length === 0)
    return { kind: 'none', crm, searched: candidates };
  const ms = o.timeoutMs ?? 1500;
  const done = new AbortController();
  const deadline = sleep(ms, 'late' as const, { ref: false, signal: done.signal });
  try {
    const answered = await Promise.race([
      Promise.all(connectors.map((c) => c.accountsMatching(candidates, { timeoutMs: ms }))),
      deadline,
    ]);
    if (answered === 'late') {
      logger.warn({ ms }, 'CRM account match took too long for the prefill');
      return { kind: 'unreached', crm };
    }
    const picked = pickAccount(answered.flat(), candidates);
    return picked ? { kind: 'matched', crm, ...picked } : { kind: 'none', crm, searched: candidates };
  } catch (error) {
    logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'CRM account match failed');
    return { kind: 'unreached', crm };
  } finally {
    done.abort();
  }
}

/**
 * The account the candidates name among those the CRMs found: a domain's match first, then the longest name's
 * ("Northwind Logistics" over "Northwind"), then the first CRM's. Undefined when none is named.
 */
export function pickAccount(
  found: readonly CrmAccount[],
  candidates: AccountCandidates,
): { account: CrmAccount; by: 'domain' | 'name' } | undefined {
  const byDomain = found.find(
    (a) => a.domain !== null && candidates.domains.includes(accountDomain(a.domain) ?? ''),
  );
  if (byDomain) return { account: byDomain, by: 'domain' };
  const byName = [...candidates.names]
    .sort((a, b) => b.length - a.length)
    .flatMap((name) => found.filter((a) => sameAccountName(a.name, name)))[0];
  return byName ? { account: byName, by: 'name' } : undefined;
}

/** A CRM record as the attribution rule and the review read it. */
export function opportunityOf(record: CrmRecord): CrmOpportunity {
  return {
    system: record.ref.system,
    id: record.ref.id,
    name: record.name,
    stage: record.stage,
    createdOn: record.createdOn,
    ...(record.createdAt ? { createdAt: record.createdAt } : {}),
    closed: record.closed,
    closedOn: record.closedOn ?? null,
  };
}

/** The handoff's CRM link a resolution gives (a record checked, or named by a link the CRM did not confirm in time). */
export function crmLinkOf(link: CrmResolution | undefined): HandoffCrmLink | undefined {
  if (link?.kind === 'linked')
    return {
      crmSystem: link.record.ref.system,
      crmRecordId: link.record.ref.id,
      crmRecordName: link.record.name,
    };
  if (link?.kind === 'unchecked')
    return { crmSystem: link.ref.system, crmRecordId: link.ref.id, crmRecordName: null };
  return undefined;
}

export function crmLabel(system: CrmSystem): string {
  return CRMS[system].label;
}

export function crmRecordWord(system: CrmSystem): string {
  return CRMS[system].record;
}
