import { crmFromConfig, crmServes } from '../crm/connectors.js';
import { crmRefusal, type OwnCrmConnection, ownCrmOf } from '../crm/ownCrm.js';
import { createSalesforce, type SalesforceConnector } from '../crm/salesforce.js';
import { type CrmConnector, CrmError, type CrmRead } from '../crm/types.js';
import { ownedBy } from '../db/owned.js';
import { firstInstallation, installedNow } from '../db/repositories/installations.js';
import { CRMS } from '../domain/crmFacts.js';
import { tokenKeys } from '../install/seal.js';
import { loginUrlWarning, myDomainRefusal } from './salesforceLoginUrl.js';
import type { Check, DoctorContext, Finding } from './types.js';

/** What the CRM's refusal of the start check says, with what to do. */
function refusal(connector: CrmConnector, error: unknown): Finding {
  const what = CRMS[connector.system].doctor;
  const message = (error instanceof Error ? error.message : String(error)).replace(/\.$/, '');
  const myDomain = myDomainRefusal(message);
  if (myDomain) return myDomain;
  if (error instanceof CrmError && error.opts.auth)
    // The message names the CRM and what it said ("HubSpot refused the service key (INVALID_AUTHENTICATION)").
    return { status: 'fail', text: `${message}.`, fix: what.credentials };
  if (error instanceof CrmError && error.opts.unexpected)
    return {
      status: 'fail',
      text: `What answered at ${connector.label}'s address is not ${connector.label}'s API: ${message}.`,
      fix: what.elsewhere,
    };
  if (error instanceof CrmError && !error.opts.transient)
    return {
      status: 'fail',
      text: `${connector.label} accepted the credentials but refused to let the app read ${what.reads}: ${message}.`,
      fix: what.permissions,
    };
  return { status: 'fail', text: `${connector.label} could not be reached: ${message}.`, fix: what.reach };
}

/** An optional read refused (HubSpot's currencies): a warning, with the scope that turns it on. */
function optionalRefused(connector: CrmConnector, r: CrmRead): Finding {
  const message = (r.error?.message ?? '').replace(/\.$/, '');
  return {
    status: 'warn',
    text: `${connector.label} refused an optional read, used for ${r.purpose}: ${message}.`,
    fix: `Add the ${r.need} scope to the service key to turn it on (docs/crm.md#hubspot).`,
  };
}

/** The other reads the app needs (HubSpot: companies, notes, owners, currencies, by their scopes), one finding for each refused. */
async function readFindings(connector: CrmConnector): Promise<Finding[]> {
  const what = CRMS[connector.system].doctor;
  const reads = (await connector.reads?.()) ?? [];
  const refused = reads.filter((r) => r.error);
  // None refused, or only optional ones: what the app needs passes, and each optional one refused is a warning.
  if (refused.every((r) => r.optional && !r.error?.opts.transient && !r.error?.opts.unexpected)) {
    const needed = reads.filter((r) => !r.error);
    const scopes =
      reads.length > 0 ? ` with ${['crm.objects.deals.read', ...needed.map((r) => r.need)].join(', ')}` : '';
    return [
      {
        status: 'pass',
        text: `${connector.label} accepts the credentials, and the app can read what it needs${scopes}.${what.untried}`,
      },
      ...refused.map((r) => optionalRefused(connector, r)),
    ];
  }
  return refused.map((r) => {
    const message = (r.error?.message ?? '').replace(/\.$/, '');
    if (r.error?.opts.transient || r.error?.opts.unexpected) return refusal(connector, r.error);
    if (r.optional) return optionalRefused(connector, r);
    return {
      status: 'fail',
      text: `${connector.label} refused a read the app needs for ${r.purpose}: ${message}.`,
      fix: `Add the ${r.need} scope to the service key (docs/crm.md#hubspot).`,
    };
  });
}

/** Each connected CRM accepts the credentials and lets the app read what it needs (the app's start check, and more). */
async function checkCrm(ctx: DoctorContext): Promise<Finding[]> {
  const config = ctx.config;
  if (!config) return [];
  let salesforce: SalesforceConnector | undefined;
  const crm = crmFromConfig(config, ctx.logger, {
    salesforce: (s, l) => {
      salesforce = createSalesforce(s, l);
      return salesforce;
    },
  });
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
    try {
      await connector.verify();
    } catch (error) {
      findings.push(refusal(connector, error));
      continue;
    }
    // Salesforce's login URL is checked against the instance its token named (the connector kept above).
    const loginUrl = connector === salesforce ? config.crm.salesforce?.loginUrl : undefined;
    const warning = loginUrl && loginUrlWarning(loginUrl, salesforce?.instanceUrl());
    if (warning) findings.push(warning);
    if (!connector.reads) {
      const reads = CRMS[connector.system].doctor.reads;
      findings.push({
        status: 'pass',
        text: `${connector.label} accepts the credentials, and the app can read ${reads}.`,
      });
      continue;
    }
    findings.push(...(await readFindings(connector)));
  }
  return [...findings, ...(await servedFindings(ctx))];
}

/**
 * An OAuth install: the installations that connected their own CRM (each checked with its CRM), which of the others
 * the CRM settings serve (CRM_INSTALLATIONS), and which have none.
 */
async function servedFindings(ctx: DoctorContext): Promise<Finding[]> {
  if (!ctx.database || !ctx.config?.slack.oauth) return [];
  const rule = ctx.config.crm.installations;
  const { oauth } = ctx.config.slack;
  const { db } = ctx.database;
  const first = await firstInstallation(db);
  const rows = await installedNow(db);
  const own = new Map<string, OwnCrmConnection[]>();
  for (const row of rows) {
    const connected = await ownCrmOf(ownedBy(db, row.id), tokenKeys(oauth), ctx.logger);
    if (connected.length > 0) own.set(row.installKey, connected);
  }
  const settingsRows = rows.filter((row) => !own.has(row.installKey));
  const served = settingsRows.filter((row) => crmServes(rule, { ...row, first: row.id === first?.id }));
  const others = settingsRows.filter((row) => !served.includes(row)).map((row) => row.installKey);
  const named = typeof rule === 'string' ? rule : rule.join(',');
  const ownFindings = await Promise.all(
    [...own].flatMap(([installKey, connected]) => connected.map((c) => ownFinding(ctx, installKey, c))),
  );
  if (settingsRows.length === 0) return ownFindings;
  return [
    ...ownFindings,
    {
      status: others.length > 0 ? 'warn' : 'pass',
      text: `The CRM settings serve ${served.map((row) => row.installKey).join(', ') || 'no installation in force'} (CRM_INSTALLATIONS=${named})${others.length > 0 ? `; ${others.join(', ')} ha${others.length === 1 ? 's' : 've'} no CRM` : ''}.`,
      ...(others.length > 0
        ? {
            fix: "One CRM is one company's records: an admin of each other workspace connects its own with /handoff crm, or set CRM_INSTALLATIONS=all only when every workspace installed is the same company (docs/crm.md#several-workspaces).",
          }
        : {}),
    },
  ];
}

/** An installation's own CRM, checked with that CRM. */
async function ownFinding(ctx: DoctorContext, installKey: string, c: OwnCrmConnection): Promise<Finding> {
  const { label } = CRMS[c.system];
  const said = `${installKey} connected its own ${label} (by ${c.connectedBy}, ${c.connectedAt.toISOString().slice(0, 10)})`;
  const crm = ctx.config?.crm;
  const refusal = crm ? await crmRefusal(c.system, c.values, crm, ctx.logger, 15_000) : undefined;
  if (!refusal) return { status: 'pass', text: `${said}, and ${label} accepts its credentials.` };
  return {
    status: 'fail',
    text: `${said}: ${refusal}`,
    fix: `An admin of that workspace connects it again with /handoff crm ${c.system} (docs/crm.md#several-workspaces).`,
  };
}

export const crmCheck: Check = { title: 'CRM', needs: ['settings'], run: checkCrm };
