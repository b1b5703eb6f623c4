import { describe, expect, it } from 'vitest';
import type { Config } from '../../../src/config.js';
import { withOwnCrm } from '../../../src/crm/ownCrm.js';
import { readCrmCredentials } from '../../../src/domain/crmCredentials.js';

describe("a workspace's own CRM credentials", () => {
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

  it('says what is wrong under each field: missing, spaced, not https, not Salesforce', () => {
    expect(
      readCrmCredentials('salesforce', { loginUrl: 'http://acme.my.salesforce.com', clientId: 'a b' }),
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
    // An address of the server's own network, even this machine, is not Salesforce's.
    for (const loginUrl of ['http://127.0.0.1:4000', 'https://10.0.0.1', 'https://169.254.169.254'])
      expect(readCrmCredentials('salesforce', { ...salesforce, loginUrl })).toEqual({
        errors: {
          loginUrl:
            "This is not a Salesforce address: give your org's My Domain login URL, like https://yourcompany.my.salesforce.com.",
        },
      });
    // A test Salesforce, or a proxy, the operator names (SALESFORCE_ALLOWED_HOSTS=http://127.0.0.1:4000).
    expect(
      readCrmCredentials('salesforce', { ...salesforce, loginUrl: 'http://127.0.0.1:4000' }, [
        { host: '127.0.0.1:4000', http: true },
      ]),
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
        hosts: [],
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
