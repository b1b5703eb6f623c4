import type { CrmSystem } from '../domain/crmLink.js';
import { createHubspot } from '../services/crm/hubspot.js';
import { crmFromConfig } from '../services/crm/index.js';
import { createSalesforce } from '../services/crm/salesforce.js';
import { CrmError } from '../services/crm/types.js';
import type { Check, DoctorContext, Finding } from './types.js';

/** Per CRM: what it reads, and where to look when it refuses. */
const CRMS: Record<CrmSystem, { reads: string; credentials: string; permissions: string; reach: string }> = {
  salesforce: {
    reads: 'Opportunities',
    credentials:
      "Check SALESFORCE_CLIENT_ID and SALESFORCE_CLIENT_SECRET (the app's consumer key and secret), SALESFORCE_LOGIN_URL (your My Domain login URL), and that the app has the client credentials flow enabled with a run-as user (docs/crm.md#salesforce).",
    permissions:
      'Give the run-as integration user API Enabled and Read on Opportunities and Accounts (docs/crm.md#salesforce).',
    reach: 'Check the network and SALESFORCE_LOGIN_URL, then run the doctor again.',
  },
  hubspot: {
    reads: 'deals',
    credentials: 'Check HUBSPOT_ACCESS_TOKEN: copy the private app access token again (docs/crm.md#hubspot).',
    permissions: 'Give the private app the crm.objects.deals.read scope (docs/crm.md#hubspot).',
    reach: 'Check the network and HUBSPOT_API_URL, then run the doctor again.',
  },
};

/** Each connected CRM accepts the credentials and lets the app read its opportunities (the app's start check). */
async function checkCrm(ctx: DoctorContext): Promise<Finding[]> {
  const config = ctx.config;
  if (!config) return [];
  const crm = crmFromConfig(config, ctx.logger, { salesforce: createSalesforce, hubspot: createHubspot });
  if (crm.connectors.length === 0) {
    return [
      {
        status: 'skip',
        text: 'No CRM is configured (no SALESFORCE_* or HUBSPOT_* credentials): the CRM loop is off.',
      },
    ];
  }
  const findings: Finding[] = [];
  for (const connector of crm.connectors) {
    const what = CRMS[connector.system];
    try {
      await connector.verify();
      findings.push({
        status: 'pass',
        text: `${connector.label} accepts the credentials, and the app can read ${what.reads}.`,
      });
    } catch (error) {
      const message = (error instanceof Error ? error.message : String(error)).replace(/\.$/, '');
      if (error instanceof CrmError && error.opts.auth) {
        findings.push({
          status: 'fail',
          // The message names the CRM and what it said ("HubSpot refused the access token (INVALID_AUTHENTICATION)").
          text: `${message}.`,
          fix: what.credentials,
        });
      } else if (error instanceof CrmError && !error.opts.transient) {
        findings.push({
          status: 'fail',
          text: `${connector.label} accepted the credentials but refused to let the app read ${what.reads}: ${message}.`,
          fix: what.permissions,
        });
      } else {
        findings.push({
          status: 'fail',
          text: `${connector.label} could not be reached: ${message}.`,
          fix: what.reach,
        });
      }
    }
  }
  return findings;
}

export const crmCheck: Check = { title: 'CRM', needs: ['settings'], run: checkCrm };
