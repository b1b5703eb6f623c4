import { describe, expect, it } from 'vitest';
import type { Config } from '../../../src/config.js';
import { CRM_MODULES, crmFromConfig, crmServes, withoutCrm } from '../../../src/crm/connectors.js';
import { CRM_SYSTEMS, CRMS } from '../../../src/domain/crmFacts.js';
import { looksLikeCrmLink, parseCrmRef } from '../../../src/domain/crmLink.js';
import { createLogger } from '../../../src/logger.js';

/**
 * The CRM connector table: which CRMs are connected is read from the table, in its order, so a third
 * CRM is a module and a row, not a branch in the composition root or the doctor.
 */
const logger = createLogger('silent');

const salesforce = {
  loginUrl: 'https://acme.my.salesforce.com',
  hosts: [],
  clientId: 'id',
  clientSecret: 'secret',
  fields: { classification: 'Partner_Type__c' },
};
const hubspot = { accessToken: 'pat', apiUrl: 'https://api.hubapi.com', fields: { partner: 'partner_name' } };
const config = (crm: Partial<Pick<Config['crm'], 'salesforce' | 'hubspot'>>) => ({
  crm: {
    salesforce: undefined,
    hubspot: undefined,
    pollSeconds: 900,
    installations: 'first' as Config['crm']['installations'],
    ...crm,
  },
});

describe('the CRM connector table', () => {
  it('has one connector row for every CRM the links know, and no other', () => {
    expect(Object.keys(CRM_MODULES).sort()).toEqual([...CRM_SYSTEMS].sort());
    expect(CRM_SYSTEMS).toEqual(Object.keys(CRMS));
  });

  it('connects no CRM when no setting is set: the loop is off', () => {
    const crm = crmFromConfig(config({}), logger);
    expect(crm.connectors).toEqual([]);
    expect(crm.fieldMap).toEqual({ salesforce: {}, hubspot: {} });
  });

  it('builds each configured CRM from its row, in the table order, with its field map', () => {
    const crm = crmFromConfig(config({ hubspot, salesforce }), logger);
    expect(crm.connectors.map((c) => [c.system, c.label])).toEqual([
      ['salesforce', 'Salesforce'],
      ['hubspot', 'HubSpot'],
    ]);
    expect(crm.fieldMap).toEqual({ salesforce: salesforce.fields, hubspot: hubspot.fields });
    expect(crm.connector('hubspot')?.label).toBe(CRMS.hubspot.label);
  });

  it('lets a caller build one CRM its own way (the doctor keeps the Salesforce connector), the others by their row', () => {
    const seen: string[] = [];
    const crm = crmFromConfig(config({ hubspot, salesforce }), logger, {
      salesforce: (settings, l) => {
        seen.push(settings.loginUrl);
        return CRM_MODULES.salesforce.create(settings, l);
      },
    });
    expect(seen).toEqual([salesforce.loginUrl]);
    expect(crm.connectors.map((c) => c.system)).toEqual(['salesforce', 'hubspot']);
  });

  it('serves the installations CRM_INSTALLATIONS names: the first, every one, or those listed by workspace or org', () => {
    const acme = { installKey: 'T0ACME', teamId: 'T0ACME', enterpriseId: null, first: true };
    const beta = { installKey: 'T0BETA', teamId: 'T0BETA', enterpriseId: 'E0ORG', first: false };
    const org = { installKey: 'E0GRID', teamId: null, enterpriseId: 'E0GRID', first: false };
    const served = (rule: Config['crm']['installations']) =>
      [acme, beta, org].filter((i) => crmServes(rule, i)).map((i) => i.installKey);
    expect(served('first')).toEqual(['T0ACME']);
    expect(served('all')).toEqual(['T0ACME', 'T0BETA', 'E0GRID']);
    expect(served(['T0BETA'])).toEqual(['T0BETA']);
    // An org's id serves its org-wide install, and a workspace of it installed on its own.
    expect(served(['E0GRID', 'E0ORG'])).toEqual(['T0BETA', 'E0GRID']);
    // Not served: no CRM connected, whatever the settings say.
    expect(crmFromConfig(withoutCrm(config({ hubspot, salesforce })), logger).connectors).toEqual([]);
  });

  it('reads links row by row: a Salesforce id before a HubSpot number, and a bare number only with HubSpot connected', () => {
    expect(parseCrmRef('0065g00000AbCdE')?.system).toBe('salesforce');
    expect(parseCrmRef('123456', { bareNumbers: true })).toEqual({ system: 'hubspot', id: '123456' });
    expect(parseCrmRef('123456')).toBeUndefined();
    expect(parseCrmRef('https://app-eu1.hubspot.com/contacts/42/record/0-3/987')).toEqual({
      system: 'hubspot',
      id: '987',
    });
    expect(looksLikeCrmLink('https://app.hubspot.com/contacts/42/deal/')).toBe('hubspot');
    expect(looksLikeCrmLink('006ABC')).toBeUndefined();
    expect(looksLikeCrmLink('006ABCDEFGHIJ')).toBe('salesforce');
  });
});
