import { describe, expect, it } from 'vitest';
import type { Config } from '../../../src/config.js';
import { myDomainAdvice } from '../../../src/crm/salesforceLoginUrl.js';
import { crmCheck } from '../../../src/doctor/crm.js';
import { loginUrlWarning } from '../../../src/doctor/salesforceLoginUrl.js';
import type { DoctorContext, Finding } from '../../../src/doctor/types.js';
import { createLogger } from '../../../src/logger.js';
import { stoppedAfterEach } from '../../support/crmConnectors.js';
import { FakeSalesforce } from '../../support/fakeSalesforce.js';

/**
 * Salesforce gives client-credentials tokens only at the org's My Domain. A SALESFORCE_LOGIN_URL of
 * login.salesforce.com, test.salesforce.com or a Lightning address is told which URL to use, by the doctor and in the
 * token request's error (what the start log says).
 */

const ADVICE = 'Salesforce issues client-credentials tokens from your My Domain: set SALESFORCE_LOGIN_URL to';

describe('the My Domain advice', () => {
  it('names the form of the My Domain for the generic login hosts', () => {
    expect(myDomainAdvice('https://login.salesforce.com')).toBe(
      `${ADVICE} https://<yourcompany>.my.salesforce.com`,
    );
    expect(myDomainAdvice('https://test.salesforce.com/')).toBe(
      `${ADVICE} https://<yourcompany>--<sandbox>.sandbox.my.salesforce.com`,
    );
  });

  it('names the exact My Domain a Lightning address stands for', () => {
    expect(myDomainAdvice('https://acme.lightning.force.com')).toBe(
      `${ADVICE} https://acme.my.salesforce.com`,
    );
    expect(myDomainAdvice('https://acme--uat.sandbox.lightning.force.com/lightning/page/home')).toBe(
      `${ADVICE} https://acme--uat.sandbox.my.salesforce.com`,
    );
  });

  it('names the exact URL the token answer’s instance_url gave, when known', () => {
    expect(
      myDomainAdvice('https://login.salesforce.com', { instanceUrl: 'https://northwind.my.salesforce.com' }),
    ).toBe(`${ADVICE} https://northwind.my.salesforce.com`);
  });

  it('says nothing of a My Domain URL, or of another address, unless Salesforce said the domain is wrong', () => {
    expect(myDomainAdvice('https://acme.my.salesforce.com')).toBeUndefined();
    expect(myDomainAdvice('http://127.0.0.1:4010')).toBeUndefined();
    expect(myDomainAdvice('http://127.0.0.1:4010', { said: 'request not supported on this domain' })).toBe(
      `${ADVICE} https://<yourcompany>.my.salesforce.com`,
    );
  });

  it('is a doctor’s warning when a generic URL worked, naming the instance the token named', () => {
    expect(
      loginUrlWarning('https://login.salesforce.com', 'https://northwind.my.salesforce.com'),
    ).toMatchObject({
      status: 'warn',
      text: `SALESFORCE_LOGIN_URL is https://login.salesforce.com. ${ADVICE} https://northwind.my.salesforce.com.`,
    });
    expect(loginUrlWarning('https://northwind.my.salesforce.com', undefined)).toBeUndefined();
  });
});

describe('the doctor, at a login URL that is not the My Domain', () => {
  const later = stoppedAfterEach();

  it('fails with the URL to use, and where to find it', async () => {
    // The fake's token endpoint answers as login.salesforce.com does to the client credentials flow.
    const sf = later(await FakeSalesforce.start({ genericLogin: true }));
    const config = {
      crm: {
        salesforce: {
          loginUrl: sf.loginUrl,
          hosts: sf.hosts,
          clientId: sf.clientId,
          clientSecret: sf.clientSecret,
          fields: {},
        },
        hubspot: undefined,
        pollSeconds: 300,
      },
    } as unknown as Config;
    const found: Finding[] = await crmCheck.run({
      config,
      logger: createLogger('silent'),
    } as unknown as DoctorContext);
    expect(found).toEqual([
      {
        status: 'fail',
        text: `Salesforce refused the client credentials (invalid_grant: request not supported on this domain). ${ADVICE} https://<yourcompany>.my.salesforce.com.`,
        fix: expect.stringContaining('Setup → My Domain'),
      },
    ]);
  });
});
