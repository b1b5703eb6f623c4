import { afterEach } from 'vitest';
import { createHubspot } from '../../src/crm/hubspot.js';
import { createSalesforce } from '../../src/crm/salesforce.js';
import { createLogger, type Logger } from '../../src/logger.js';
import { FakeHubspot, type FakeHubspotOptions } from './fakeHubspot.js';
import { FakeSalesforce, type FakeSalesforceOptions } from './fakeSalesforce.js';

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

/**
 * Registers what a test starts (fakes, a Slack it passed on), to be stopped after it. After-each hooks run
 * last-registered first: call it before `harnessPerTest()` so that fakes stop after the apps that talk to them.
 */
export function stoppedAfterEach(): <T extends { stop(): Promise<void> }>(started: T) => T {
  const running: { stop(): Promise<void> }[] = [];
  afterEach(async () => {
    for (const started of running.splice(0)) await started.stop();
  });
  return (started) => {
    running.push(started);
    return started;
  };
}

/** Per test: a fake Salesforce or HubSpot and the real connector to it, both gone after the test. */
export function connectorsPerTest() {
  const later = stoppedAfterEach();
  return {
    salesforce: async (options: FakeSalesforceOptions = {}) => {
      const fake = later(await FakeSalesforce.start(options));
      return { fake, crm: salesforceOn(fake) };
    },
    hubspot: async (options: FakeHubspotOptions = {}) => {
      const fake = later(await FakeHubspot.start(options));
      return { fake, crm: hubspotOn(fake) };
    },
  };
}
