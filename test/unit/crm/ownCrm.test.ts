import { describe, expect, it } from 'vitest';
import type { Config } from '../../../src/config.js';
import { withOwnCrm } from '../../../src/crm/ownCrm.js';
import { readCrmCredentials } from '../../../src/domain/crmCredentials.js';

describe("a workspace's own CRM credentials (issue 55)", () => {
  const salesforce = {
    loginUrl: ' https://acme.my.salesforce.com/ ',
    clientId: ' 3MVG9key ',
    clientSecret: 'secret',
  };

  it('reads each field trimmed, the login URL without its trailing slash', () => {
    expect(readCrmCredentials('salesforce', salesforce)).toEqual({
      values: { loginUrl: 'https://acme.my.salesforce.com', clientId: '3MVG9key', clientSecret: 'secret' },
    });
    expect(readCrmCredentials('hubspot', { accessToken: 'pat-na1-x' })).toEqual({
      values: { accessToken: 'pat-na1-x' },
    });
  });

  it('says what is wrong under each field: missing, spaced, not https but to this machine', () => {
    expect(
      readCrmCredentials('salesforce', { loginUrl: 'http://acme.example.com', clientId: 'a b' }),
    ).toEqual({
      errors: {
        loginUrl: 'The address must start with https://.',
        clientId: 'A consumer key has no spaces.',
        clientSecret: 'Give the consumer secret.',
      },
    });
    expect(readCrmCredentials('salesforce', { ...salesforce, loginUrl: 'not a url' })).toEqual({
      errors: { loginUrl: 'Give an address like https://yourcompany.my.salesforce.com.' },
    });
    // A local test CRM: plain http to the loopback only.
    expect(
      readCrmCredentials('salesforce', { ...salesforce, loginUrl: 'http://127.0.0.1:4000' }),
    ).toMatchObject({
      values: { loginUrl: 'http://127.0.0.1:4000' },
    });
    expect(readCrmCredentials('hubspot', { accessToken: 'x'.repeat(501) })).toEqual({
      errors: { accessToken: 'This is longer than a token can be.' },
    });
  });

  it("puts the installation's own CRM in place of the deployment's, with no field mapping", () => {
    const crm: Config['crm'] = {
      salesforce: {
        loginUrl: 'https://deployment.my.salesforce.com',
        clientId: 'd',
        clientSecret: 'd',
        fields: { partner: 'Partner__c' },
      },
      hubspot: undefined,
      hubspotApiUrl: 'http://127.0.0.1:9999',
      pollSeconds: 300,
      installations: 'first',
    };
    const own = withOwnCrm({ crm }, [
      { system: 'hubspot', values: { accessToken: 'pat-own' }, connectedBy: 'U0A', connectedAt: new Date(0) },
    ]);
    expect(own.crm).toEqual({
      ...crm,
      salesforce: undefined,
      hubspot: { accessToken: 'pat-own', apiUrl: 'http://127.0.0.1:9999', fields: {} },
    });
  });
});
