import { createHubspot } from '../../src/crm/hubspot.js';
import { createSalesforce } from '../../src/crm/salesforce.js';
import { createLogger, type Logger } from '../../src/logger.js';
import type { FakeHubspot } from './fakeHubspot.js';
import type { FakeSalesforce } from './fakeSalesforce.js';

const silent = createLogger('silent');

/** The real Salesforce connector, signed in to `fake` with its client credentials. */
export const salesforceOn = (fake: FakeSalesforce, logger: Logger = silent) =>
  createSalesforce(
    { loginUrl: fake.loginUrl, hosts: fake.hosts, clientId: fake.clientId, clientSecret: fake.clientSecret },
    logger,
  );

/** The real HubSpot connector, with `fake`'s service key. */
export const hubspotOn = (fake: FakeHubspot, logger: Logger = silent) =>
  createHubspot({ accessToken: fake.accessToken, apiUrl: fake.apiUrl }, logger);
