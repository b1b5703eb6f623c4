import { describe, expect, it } from 'vitest';
import { FakeSalesforce } from '../support/fakeSalesforce.js';
import { startHarness } from '../support/harness.js';
import { QUIET } from '../support/ownerFlow.js';

/**
 * Issue 54 item 6: the start's error, when the token request fails at a login URL that is not the org's My Domain,
 * says which URL to use, in the doctor's words.
 */
describe('Salesforce at start, at a login URL that is not the My Domain', () => {
  it('stops the start saying to set SALESFORCE_LOGIN_URL to the My Domain', async () => {
    // The fake's token endpoint answers as login.salesforce.com does to the client credentials flow.
    const sf = await FakeSalesforce.start({ genericLogin: true });
    try {
      await expect(
        startHarness({
          env: {
            ...QUIET,
            SALESFORCE_LOGIN_URL: sf.loginUrl,
            SALESFORCE_CLIENT_ID: sf.clientId,
            SALESFORCE_CLIENT_SECRET: sf.clientSecret,
          },
        }),
      ).rejects.toThrow(
        'Salesforce refused the client credentials (invalid_grant: request not supported on this domain). Salesforce issues client-credentials tokens from your My Domain: set SALESFORCE_LOGIN_URL to https://<yourcompany>.my.salesforce.com. Check SALESFORCE_CLIENT_ID',
      );
    } finally {
      await sf.stop();
    }
  });
});
