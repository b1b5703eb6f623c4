import type { Config } from '../config.js';
import { CRM_SYSTEMS, CRMS, type CrmSystem } from '../domain/crmFacts.js';
import type { Logger } from '../logger.js';
import { createHubspot } from './hubspot.js';
import { type Crm, type CrmFieldMap, createCrm } from './index.js';
import { createSalesforce } from './salesforce.js';
import { type CrmConnector, CrmError, type CrmTimers } from './types.js';

/** One CRM's settings, as the configuration parsed them (undefined: not connected). */
export type SettingsOf<S extends CrmSystem> = NonNullable<Config['crm'][S]>;

const HUBSPOT_API = 'https://api.hubapi.com';

/**
 * How the app connects one CRM: the connector built from its settings (the module in this folder), and its settings
 * read from what they are given. Its words, and what to check when it refuses, are its row of domain/crmFacts.ts
 * `CRMS`.
 */
interface CrmModule<S extends CrmSystem> {
  /** `timers`: the app's real time, which a CRM's own rate limits are counted in (the process's when not given). */
  create(settings: SettingsOf<S>, logger: Logger, timers?: CrmTimers): CrmConnector;
  /** The opportunity or deal fields the admin mapped (the optional field mapping). */
  fields(settings: SettingsOf<S>): CrmFieldMap;
  /**
   * Its settings from an installation's own credentials (the connect form's values by key: domain/crmCredentials.ts),
   * with no field mapping: the deal's own note or Task only.
   */
  fromCredentials(values: Record<string, string>, crm: Config['crm']): SettingsOf<S>;
  /** The address its settings call, as the privacy statement names it (doctor/privacy.ts). */
  address(settings: SettingsOf<S>): string;
}

/**
 * The CRM connector table: a third CRM is one module in src/crm/ (a `CrmConnector`) and one row here (and its row of
 * domain/crmFacts.ts `CRMS`, whose key makes the compiler ask for this one).
 */
export const CRM_MODULES: { [S in CrmSystem]: CrmModule<S> } = {
  salesforce: {
    create: createSalesforce,
    fields: (s) => s.fields,
    fromCredentials: (v, crm) => ({
      loginUrl: v.loginUrl ?? '',
      hosts: crm.salesforceHosts ?? [],
      clientId: v.clientId ?? '',
      clientSecret: v.clientSecret ?? '',
      fields: {},
    }),
    address: (s) => s.loginUrl,
  },
  hubspot: {
    create: createHubspot,
    fields: (s) => s.fields,
    fromCredentials: (v, crm) => ({
      accessToken: v.accessToken ?? '',
      apiUrl: crm.hubspotApiUrl ?? HUBSPOT_API,
      fields: {},
    }),
    address: (s) => s.apiUrl,
  },
};

/** A CRM's settings from an installation's own credentials (its row's `fromCredentials`). */
export function settingsFromCredentials<S extends CrmSystem>(
  system: S,
  values: Record<string, string>,
  crm: Config['crm'],
): SettingsOf<S> {
  return (CRM_MODULES[system] as CrmModule<S>).fromCredentials(values, crm);
}

/** The address a CRM's settings call (its row's `address`), undefined when it is not connected. */
export function crmAddress<S extends CrmSystem>(system: S, crm: Config['crm']): string | undefined {
  const settings = crm[system] as SettingsOf<S> | undefined;
  return settings && (CRM_MODULES[system] as CrmModule<S>).address(settings);
}

/** The CRM settings with no CRM connected: every CRM's settings unset, the shared ones kept. */
export const noCrmConnected = (crm: Config['crm']): Config['crm'] => ({
  ...crm,
  ...(Object.fromEntries(CRM_SYSTEMS.map((system) => [system, undefined])) as Record<CrmSystem, undefined>),
});

/** A connector built another way than its row's (the doctor keeps the Salesforce one to check its login URL). */
export type CrmBuilders = { [S in CrmSystem]?: (settings: SettingsOf<S>, logger: Logger) => CrmConnector };

/**
 * A CRM's connector from its settings: its row's, or the builder given for it. The deployment's settings
 * (`crmFromConfig`) and an installation's own credentials (ownCrm.ts) are built the same way.
 */
export function connectorFor<S extends CrmSystem>(
  system: S,
  settings: SettingsOf<S>,
  logger: Logger,
  build: CrmBuilders = {},
  timers?: CrmTimers,
): CrmConnector {
  const create =
    (build[system] as CrmModule<S>['create'] | undefined) ?? (CRM_MODULES[system] as CrmModule<S>).create;
  return create(settings, logger.child({ component: system }), timers);
}

/** One CRM's connector and field map, when its settings are set. */
function connect<S extends CrmSystem>(
  system: S,
  config: { crm: Config['crm'] },
  logger: Logger,
  build: CrmBuilders,
  timers?: CrmTimers,
) {
  const settings = config.crm[system] as SettingsOf<S> | undefined;
  if (!settings) return undefined;
  const fields = (CRM_MODULES[system] as CrmModule<S>).fields(settings);
  return { connector: connectorFor(system, settings, logger, build, timers), fields };
}

/** The connectors the settings ask for (none when no CRM setting is set: the loop is off), in the table's order. */
export function crmFromConfig(
  config: { crm: Config['crm'] },
  logger: Logger,
  build: CrmBuilders = {},
  timers?: CrmTimers,
): Crm {
  const connectors: CrmConnector[] = [];
  const fieldMap: Partial<Record<CrmSystem, CrmFieldMap>> = {};
  for (const system of CRM_SYSTEMS) {
    const connected = connect(system, config, logger, build, timers);
    if (!connected) continue;
    connectors.push(connected.connector);
    fieldMap[system] = connected.fields;
  }
  return createCrm({ connectors, logger, fieldMap });
}

/**
 * At start: each connected CRM must accept the credentials. A refusal stops the start with what to check, like a
 * refused Slack token; a CRM that cannot be reached does not (what it is owed waits in the outbox).
 */
export async function verifyCrm(
  crm: Crm,
  logger: Logger,
  opts: { refusalStops: boolean } = { refusalStops: true },
): Promise<void> {
  for (const connector of crm.connectors) {
    try {
      await connector.verify();
      logger.info({ system: connector.system }, `${connector.label} connected: the CRM loop is on`);
    } catch (error) {
      if (error instanceof CrmError && error.opts.auth && opts.refusalStops) {
        throw new Error(`${error.message}. Check ${CRMS[connector.system].settings.check}.`);
      }
      if (error instanceof CrmError && error.opts.auth) {
        logger.error(
          { system: connector.system, err: error.message },
          `${connector.label} refused this installation's own credentials: its CRM writes are parked until an admin connects it again (/handoff crm)`,
        );
        continue;
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

/** An installation, as the rule of CRM_INSTALLATIONS reads it. */
export interface CrmInstallation {
  installKey: string;
  teamId: string | null;
  enterpriseId: string | null;
  /** Whether it is the deployment's first installation (the oldest row). */
  first: boolean;
}

/**
 * Whether the CRM settings serve an installation: one CRM's records are one company's, so a deployment
 * serving several workspaces connects its CRM to the first installation only, unless CRM_INSTALLATIONS says `all`
 * (one company's workspaces sharing one CRM) or lists the workspaces (T…) and orgs (E…) it serves.
 */
export function crmServes(rule: Config['crm']['installations'], installation: CrmInstallation): boolean {
  if (rule === 'all') return true;
  if (rule === 'first') return installation.first;
  const ids = [installation.installKey, installation.teamId, installation.enterpriseId];
  return ids.some((id) => id !== null && rule.includes(id));
}

/** The settings of an installation the CRM settings do not serve: no CRM, so the loop is off there. */
export const withoutCrm = <C extends { crm: Config['crm'] }>(config: C): C => ({
  ...config,
  crm: noCrmConnected(config.crm),
});
