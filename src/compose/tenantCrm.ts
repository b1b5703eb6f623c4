import { type CrmInstallation, crmServes, withoutCrm } from '../crm/connectors.js';
import { createOwnCrm, type OwnCrmConnection, ownCrmOf, withOwnCrm } from '../crm/ownCrm.js';
import type { Db } from '../db/client.js';
import type { TokenKeys } from '../install/seal.js';
import type { StartOptions } from './types.js';

/**
 * The CRM an installation's tenant is built with: its own, when its admins connected one (crm/ownCrm.ts);
 * else the deployment's settings, when CRM_INSTALLATIONS says they serve it; else none. With SLACK_TOKEN_KEY (an
 * OAuth install), its admins may connect or disconnect its own from Slack, and `changed` builds the tenant again.
 */
export async function tenantCrm(
  given: StartOptions,
  installation: CrmInstallation,
  tenant: { db: Db; key: TokenKeys | undefined; logger: StartOptions['logger'] },
  changed: () => void,
): Promise<Pick<StartOptions, 'config' | 'crm' | 'ownCrm' | 'ownCrmInUse'>> {
  const { db, key, logger } = tenant;
  const own = key ? await ownCrmOf(db, key, logger) : [];
  const ownCrm = key
    ? createOwnCrm({
        db,
        key,
        config: given.config,
        deploymentServes: crmServes(given.config.crm.installations, installation),
        clock: given.clock,
        logger,
        changed,
      })
    : undefined;
  return { ...crmOf(given, installation, own), ...(ownCrm ? { ownCrm } : {}), ownCrmInUse: own.length > 0 };
}

/**
 * The CRM of an installation: the deployment's, when CRM_INSTALLATIONS says it serves this installation
 * (crm/connectors.ts `crmServes`); else none, so the installation's handoffs never reach another company's CRM.
 */
function crmOf(
  given: StartOptions,
  installation: CrmInstallation,
  own: OwnCrmConnection[],
): Pick<StartOptions, 'config' | 'crm'> {
  if (own.length > 0) {
    given.logger.info(
      { installation: installation.installKey, systems: own.map((c) => c.system) },
      'this installation connected its own CRM: it serves this installation',
    );
    return { config: withOwnCrm(given.config, own) };
  }
  const serves = crmServes(given.config.crm.installations, installation);
  const connected = Boolean(
    given.crm?.connectors.length || given.config.crm.salesforce || given.config.crm.hubspot,
  );
  if (connected)
    given.logger.info(
      { installation: installation.installKey, rule: given.config.crm.installations },
      serves
        ? 'the CRM settings serve this installation'
        : 'the CRM settings do not serve this installation: no CRM here',
    );
  if (serves) return { config: given.config, ...(given.crm ? { crm: given.crm } : {}) };
  return { config: withoutCrm(given.config) };
}
