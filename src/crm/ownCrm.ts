import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import { crmConnectionsOf, deleteCrmConnection, saveCrmConnection } from '../db/repositories/crm.js';
import { readCrmCredentials } from '../domain/crmCredentials.js';
import { CRM_SYSTEMS, CRMS, type CrmSystem } from '../domain/crmFacts.js';
import { open, SealError, seal, type TokenKeys } from '../install/seal.js';
import type { Logger } from '../logger.js';
import { connectorFor, noCrmConnected, type SettingsOf, settingsFromCredentials } from './connectors.js';
import { CrmError } from './types.js';

/**
 * An installation's own CRM. On a deployment serving several workspaces, each company connects its own
 * Salesforce or HubSpot from Slack (`/handoff crm`, its admins; the form's fields: domain/crmCredentials.ts). The
 * credentials are checked with the CRM first, then stored sealed with SLACK_TOKEN_KEY (db `crm_connections`), and the
 * installation's tenant is built again with them. An installation with a CRM of its own is never served by the
 * deployment's CRM settings: one company's handoffs never reach another's records.
 */

/** One of the installation's own CRMs, opened. */
export interface OwnCrmConnection {
  system: CrmSystem;
  values: Record<string, string>;
  connectedBy: string;
  connectedAt: Date;
}

/** Its own CRMs, opened; one whose seal does not open (SLACK_TOKEN_KEY changed) is logged and left out. */
export async function ownCrmOf(exec: Db, key: TokenKeys, logger: Logger): Promise<OwnCrmConnection[]> {
  const opened: OwnCrmConnection[] = [];
  for (const row of await crmConnectionsOf(exec)) {
    try {
      const values = JSON.parse(open(key, row.sealed)) as Record<string, string>;
      opened.push({ system: row.system, values, connectedBy: row.connectedBy, connectedAt: row.connectedAt });
    } catch (error) {
      if (!(error instanceof SealError)) throw error;
      logger.error(
        { system: row.system },
        `this installation's own ${CRMS[row.system].label} credentials do not open with SLACK_TOKEN_KEY (the key changed since they were stored): connect it again with /handoff crm`,
      );
    }
  }
  return opened;
}

/** The settings with the installation's own CRMs in place of the deployment's (none of the deployment's kept). */
export function withOwnCrm<C extends { crm: Config['crm'] }>(config: C, own: OwnCrmConnection[]): C {
  const crm = noCrmConnected(config.crm);
  for (const c of own)
    Object.assign(crm, { [c.system]: settingsFromCredentials(c.system, c.values, config.crm) });
  return { ...config, crm };
}

/**
 * Whether the CRM takes these credentials: undefined, or what to tell the admin under the form. Whatever does not
 * answer as the CRM (no answer in time, a refused address, another service's answer) gets one answer with nothing of
 * what answered (different answers, or an echoed body, would map the server's network); the log has why.
 */
export async function crmRefusal<S extends CrmSystem>(
  system: S,
  values: Record<string, string>,
  crm: Config['crm'],
  logger: Logger,
  timeoutMs: number,
): Promise<string | undefined> {
  const { label } = CRMS[system];
  const settings: SettingsOf<S> = { ...settingsFromCredentials(system, values, crm), timeoutMs };
  const unreachable = `${label} could not be reached at that address. Nothing was saved; check the address and try again in a moment.`;
  let timer: NodeJS.Timeout | undefined;
  // Each call has timeoutMs; the whole check too (Salesforce's is a token, then reads), so the form answers in time.
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), timeoutMs);
  });
  try {
    const verified = connectorFor(system, settings, logger).verify();
    verified.catch(() => undefined);
    if ((await Promise.race([verified, late])) === 'late') {
      logger.info({ system }, `${label} did not answer the credentials check in time`);
      return unreachable;
    }
    return undefined;
  } catch (error) {
    const said = (error instanceof Error ? error.message : String(error)).slice(0, 200);
    if (error instanceof CrmError && error.opts.auth) return `${label} refused these credentials (${said}).`;
    if (!(error instanceof CrmError) || error.opts.transient || error.opts.unexpected) {
      logger.info({ system, said }, `${label} could not be reached to check credentials`);
      return unreachable;
    }
    return `${label} took the credentials but refused what the app needs (${said}): docs/crm.md lists the permissions.`;
  } finally {
    clearTimeout(timer);
  }
}

/** What serves an installation: its own CRMs, or the deployment's settings, or none. */
export interface OwnCrmStatus {
  own: Omit<OwnCrmConnection, 'values'>[];
  /** The CRMs of the deployment's settings that serve it (none while it has its own). */
  deployment: CrmSystem[];
}

/** An installation's own CRMs, as its admins connect and disconnect them. */
export interface OwnCrm {
  status(): Promise<OwnCrmStatus>;
  /** Checks the form's credentials with the CRM, then stores them sealed: the refused fields, or none. */
  connect(
    system: CrmSystem,
    given: Record<string, string | undefined>,
    by: string,
  ): Promise<Record<string, string>>;
  /** Whether there was one to disconnect. */
  disconnect(system: CrmSystem, by: string): Promise<boolean>;
}

export interface OwnCrmDeps {
  db: Db;
  key: TokenKeys;
  config: Pick<Config, 'crm'>;
  /** The deployment's CRM settings serve this installation (CRM_INSTALLATIONS) when it has none of its own. */
  deploymentServes: boolean;
  clock: { now(): Date };
  logger: Logger;
  /** Its CRMs changed: its tenant is built again with them. */
  changed(): void;
  /** How long the check may wait for the CRM (a modal's answer is due in 3 s). */
  checkTimeoutMs?: number;
}

export function createOwnCrm(deps: OwnCrmDeps): OwnCrm {
  const { db, key, logger } = deps;
  return {
    async status() {
      const own = (await ownCrmOf(db, key, logger)).map(({ values: _values, ...rest }) => rest);
      const { crm } = deps.config;
      const deployment =
        own.length === 0 && deps.deploymentServes ? CRM_SYSTEMS.filter((s) => crm[s] !== undefined) : [];
      return { own, deployment };
    },
    async connect(system, given, by) {
      const read = readCrmCredentials(system, given, deps.config.crm.salesforceHosts);
      if ('errors' in read) return read.errors;
      const refusal = await crmRefusal(
        system,
        read.values,
        deps.config.crm,
        logger,
        deps.checkTimeoutMs ?? 2_000,
      );
      if (refusal) return { [CRMS[system].refusedField]: refusal };
      const row = {
        system,
        sealed: seal(key, JSON.stringify(read.values)),
        connectedBy: by,
        connectedAt: deps.clock.now(),
      };
      await db.transaction((tx) => saveCrmConnection(tx, row));
      logger.info({ system, by }, `this installation's own ${CRMS[system].label} connected`);
      deps.changed();
      return {};
    },
    async disconnect(system, by) {
      const gone = await db.transaction((tx) => deleteCrmConnection(tx, system));
      if (gone) {
        logger.info({ system, by }, `this installation's own ${CRMS[system].label} disconnected`);
        deps.changed();
      }
      return gone;
    },
  };
}
