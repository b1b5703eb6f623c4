import { setTimeout as sleep } from 'node:timers/promises';
import type { Config } from '../config.js';
import { accountDomain } from '../domain/accountMatch.js';
import type { CrmCheck, CrmOpportunity } from '../domain/attribution.js';
import type { CrmRef, CrmSystem } from '../domain/crmLink.js';
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

/** The account a message names, as the connected CRMs answered (issue 52: the shortcut's prefill). */
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

const NAMES: Record<CrmSystem, { label: string; record: string; how: string }> = {
  salesforce: {
    label: 'Salesforce',
    record: 'opportunity',
    how: "Paste the opportunity's address from Salesforce, or its 15- or 18-character id (it starts with 006).",
  },
  hubspot: {
    label: 'HubSpot',
    record: 'deal',
    how: "Paste the deal's address from HubSpot, or its id (the number at the end of the address).",
  },
};

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
    fieldMap: { salesforce: opts.fieldMap?.salesforce ?? {}, hubspot: opts.fieldMap?.hubspot ?? {} },
  };
}

async function resolve(
  bySystem: ReadonlyMap<CrmSystem, CrmConnector>,
  logger: Logger,
  text: string | null | undefined,
  o: { timeoutMs?: number },
): Promise<CrmResolution> {
  if (bySystem.size === 0 || !text?.trim()) return { kind: 'none' };
  // A bare number is a HubSpot deal only when HubSpot is connected (Salesforce ids are never all digits).
  const ref = parseCrmRef(text, { bareNumbers: bySystem.has('hubspot') });
  const connector = ref ? bySystem.get(ref.system) : undefined;
  if (!ref || !connector) {
    const meant = looksLikeCrmLink(text);
    if (meant && bySystem.has(meant))
      return {
        kind: 'invalid',
        message: `This looks like a ${NAMES[meant].label} link, but it names no ${NAMES[meant].record}. ${NAMES[meant].how}`,
      };
    return { kind: 'none' };
  }
  try {
    const record = await connector.lookup(ref.id, o);
    if (record) return { kind: 'linked', record };
    return {
      kind: 'invalid',
      message: `${NAMES[ref.system].label} has no ${NAMES[ref.system].record} ${ref.id} that the app can see. Check the id or link (the app's ${NAMES[ref.system].label} user must be able to see the record).`,
    };
  } catch (error) {
    logger.warn(
      { err: error instanceof CrmError ? error.message : error, system: ref.system, id: ref.id },
      'CRM lookup failed during the review; the link is kept unchecked',
    );
    return { kind: 'unchecked', ref, label: NAMES[ref.system].label };
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
    for (const a of answered) {
      if ('records' in a) {
        opportunities.push(...a.records.map(opportunityOf));
        continue;
      }
      failed.push(a.connector);
      logger.warn(
        { system: a.connector.system, err: a.error instanceof Error ? a.error.message : String(a.error) },
        'CRM account lookup failed during the review; classified from the packet',
      );
    }
    if (failed.length > 0) return { kind: 'unreached', crm: failed.map((c) => c.label).join(' and ') };
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
    const found = answered.flat();
    const byDomain = found.find(
      (a) => a.domain !== null && candidates.domains.includes(accountDomain(a.domain) ?? ''),
    );
    if (byDomain) return { kind: 'matched', crm, account: byDomain, by: 'domain' };
    // The longest name named wins ("Northwind Logistics" over "Northwind"), then the first CRM's.
    const byName = [...candidates.names]
      .sort((a, b) => b.length - a.length)
      .flatMap((name) => found.filter((a) => sameAccountName(a.name, name)))[0];
    if (byName) return { kind: 'matched', crm, account: byName, by: 'name' };
    return { kind: 'none', crm, searched: candidates };
  } catch (error) {
    logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'CRM account match failed');
    return { kind: 'unreached', crm };
  } finally {
    done.abort();
  }
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

export function crmLabel(system: CrmSystem): string {
  return NAMES[system].label;
}

export function crmRecordWord(system: CrmSystem): string {
  return NAMES[system].record;
}

/** The connectors the settings ask for (none when no CRM setting is set: the loop is off). */
export function crmFromConfig(
  config: { crm: Config['crm'] },
  logger: Logger,
  build: {
    salesforce: (s: NonNullable<Config['crm']['salesforce']>, l: Logger) => CrmConnector;
    hubspot: (s: NonNullable<Config['crm']['hubspot']>, l: Logger) => CrmConnector;
  },
): Crm {
  const { salesforce, hubspot } = config.crm;
  const connectors: CrmConnector[] = [];
  if (salesforce) connectors.push(build.salesforce(salesforce, logger.child({ component: 'salesforce' })));
  if (hubspot) connectors.push(build.hubspot(hubspot, logger.child({ component: 'hubspot' })));
  return createCrm({
    connectors,
    logger,
    fieldMap: { salesforce: salesforce?.fields ?? {}, hubspot: hubspot?.fields ?? {} },
  });
}

/** Settings to check when a CRM refuses the credentials, said at start. */
const CREDENTIAL_SETTINGS: Record<CrmSystem, string> = {
  salesforce:
    "SALESFORCE_CLIENT_ID and SALESFORCE_CLIENT_SECRET (the connected app's consumer key and secret), SALESFORCE_LOGIN_URL (your My Domain login URL), and that the connected app has the client credentials flow enabled with a run-as user",
  hubspot:
    "HUBSPOT_ACCESS_TOKEN (a Service Key from HubSpot's Settings → Integrations → Service Keys) and its scopes (docs/crm.md#hubspot)",
};

/**
 * At start: each connected CRM must accept the credentials. A refusal stops the start with what to check, like a
 * refused Slack token; a CRM that cannot be reached does not (what it is owed waits in the outbox).
 */
export async function verifyCrm(crm: Crm, logger: Logger): Promise<void> {
  for (const connector of crm.connectors) {
    try {
      await connector.verify();
      logger.info({ system: connector.system }, `${connector.label} connected: the CRM loop is on`);
    } catch (error) {
      if (error instanceof CrmError && error.opts.auth) {
        throw new Error(`${error.message}. Check ${CREDENTIAL_SETTINGS[connector.system]}.`);
      }
      if (error instanceof CrmError && error.opts.unexpected) {
        // Something answered at the CRM's address, but not the CRM: nothing it says can be trusted (npm run doctor).
        logger.error(
          { system: connector.system, err: error.message },
          `What answered at ${connector.label}'s address is not ${connector.label}'s API; check its URL setting. CRM calls will fail until it is`,
        );
        continue;
      }
      if (error instanceof CrmError && !error.opts.transient) {
        // The credentials work but a check was refused (a permission, a scope): the app starts, and says what.
        logger.error(
          { system: connector.system, err: error.message },
          `${connector.label} accepted the credentials but refused the start check; CRM writes will be parked until its permissions are fixed`,
        );
        continue;
      }
      logger.warn(
        { system: connector.system, err: error instanceof Error ? error.message : error },
        `${connector.label} could not be reached at start; starting anyway (CRM writes wait in the outbox)`,
      );
    }
  }
}
