import { afterEach, describe, expect, it } from 'vitest';
import type { Config } from '../../../src/config.js';
import { crmCheck } from '../../../src/doctor/crm.js';
import type { DoctorContext, Finding } from '../../../src/doctor/types.js';
import { createLogger } from '../../../src/logger.js';
import { FakeHubspot } from '../../support/fakeHubspot.js';
import { FakeSalesforce } from '../../support/fakeSalesforce.js';

/**
 * The doctor's CRM check against the fake CRMs: a HubSpot service key is checked for each
 * scope the app reads with, by one list call each, and a missing one is named with how to add it; an answer that is
 * not the CRM's API (any other HTTP 200 JSON) fails instead of passing.
 */

const logger = createLogger('silent');
const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

function run(crm: Partial<Config['crm']>): Promise<Finding[]> {
  const config = { crm: { salesforce: undefined, hubspot: undefined, pollSeconds: 300, ...crm } };
  return Promise.resolve(crmCheck.run({ config, logger } as unknown as DoctorContext));
}

async function hubspot(scopes?: string[]) {
  const fake = await FakeHubspot.start(scopes ? { scopes } : {});
  stops.push(() => fake.stop());
  const findings = () => run({ hubspot: { accessToken: fake.accessToken, apiUrl: fake.apiUrl, fields: {} } });
  return { fake, findings };
}

const lines = (findings: Finding[]) => findings.map((f) => `${f.status} ${f.text}`);
const startingWith = (text: string) =>
  expect.stringMatching(new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
/** The scopes the app reads and writes with: a key with all of them passes. */
const EVERY_SCOPE = [
  'crm.objects.deals.read',
  'crm.objects.companies.read',
  'crm.objects.contacts.read',
  'crm.objects.contacts.write',
  'crm.objects.owners.read',
  'settings.currencies.read',
];

describe('the doctor’s HubSpot check', () => {
  it('passes a service key with every scope the app reads with, and says what only a write would tell', async () => {
    const { fake, findings } = await hubspot();
    expect(lines(await findings())).toEqual([
      'pass HubSpot accepts the credentials, and the app can read what it needs with crm.objects.deals.read, crm.objects.companies.read, crm.objects.contacts.read, crm.objects.owners.read, settings.currencies.read. Not checked, since only a write would tell: crm.objects.contacts.write (the notes), and crm.objects.deals.write if HUBSPOT_PROPERTY_* is set.',
    ]);
    expect(fake.calls.map((c) => `${c.method} ${c.path}`)).toEqual([
      'GET /crm/objects/2026-09/deals',
      'GET /crm/objects/2026-09/companies',
      'GET /crm/objects/2026-09/notes',
      'GET /crm/owners/2026-09',
      'GET /settings/currencies/2026-09/company-currency',
    ]);
  });

  it('passes a key without settings.currencies.read, with a warning: amounts then stay in their own currencies', async () => {
    const { findings } = await hubspot(EVERY_SCOPE.filter((s) => s !== 'settings.currencies.read'));
    const found = await findings();
    expect(lines(found)).toEqual([
      expect.stringMatching(
        /^pass HubSpot accepts the credentials, and the app can read what it needs with crm\.objects\.deals\.read, crm\.objects\.companies\.read, crm\.objects\.contacts\.read, crm\.objects\.owners\.read\. /,
      ),
      expect.stringMatching(
        /^warn HubSpot refused an optional read, used for the read-back’s conversion of deal amounts .*\(it needs settings\.currencies\.read\)/,
      ),
    ]);
    expect(found[1]?.fix).toBe(
      'Add the settings.currencies.read scope to the service key to turn it on (docs/crm.md#hubspot).',
    );
  });

  it.each([
    [
      'a scope the key lacks (the account lookup’s companies)',
      'crm.objects.companies.read',
      'the review’s account lookup (the company by its domain or name)',
    ],
    [
      'the owners scope the key lacks (the message shortcut’s suggested AE)',
      'crm.objects.owners.read',
      'the message shortcut’s suggested AE (the owner of the company, by email)',
    ],
  ])('names %s, with how to add it', async (_, scope, need) => {
    const { findings } = await hubspot(EVERY_SCOPE.filter((s) => s !== scope));
    const found = await findings();
    expect(lines(found)).toEqual([
      startingWith(
        `fail HubSpot refused a read the app needs for ${need}: HubSpot: the service key lacks a scope (it needs ${scope}): `,
      ),
    ]);
    expect(found[0]?.fix).toBe(`Add the ${scope} scope to the service key (docs/crm.md#hubspot).`);
  });

  it('fails a key without the deals scope at the start check, naming the scope', async () => {
    const { findings } = await hubspot(['crm.objects.companies.read', 'crm.objects.contacts.read']);
    const found = await findings();
    expect(lines(found)).toEqual([
      expect.stringContaining(
        'fail HubSpot accepted the credentials but refused to let the app read deals: HubSpot: the service key lacks a scope (it needs crm.objects.deals.read)',
      ),
    ]);
    expect(found[0]?.fix).toBe(
      'Add the crm.objects.deals.read scope to the service key (docs/crm.md#hubspot).',
    );
  });

  it('fails, not passes, an HTTP 200 JSON answer that is not HubSpot’s', async () => {
    const { fake, findings } = await hubspot();
    fake.fail('*', {
      status: 200,
      body: '{"ok":true,"service":"something else"}',
      contentType: 'application/json',
      times: Infinity,
    });
    const found = await findings();
    expect(lines(found)).toEqual([
      "fail What answered at HubSpot's address is not HubSpot's API: HubSpot: the answer to a list of deals is not HubSpot's (no results with ids and properties).",
    ]);
    expect(found[0]?.fix).toContain('Check HUBSPOT_API_URL');
  });

  it('tells a refused key to copy the service key again (no private app: HubSpot no longer makes new ones)', async () => {
    const fake = await FakeHubspot.start();
    stops.push(() => fake.stop());
    const found = await run({ hubspot: { accessToken: 'pat-na1-revoked', apiUrl: fake.apiUrl, fields: {} } });
    expect(lines(found)).toEqual(['fail HubSpot refused the service key (INVALID_AUTHENTICATION).']);
    expect(found[0]?.fix).toBe(
      "Check HUBSPOT_ACCESS_TOKEN: copy the service key again from HubSpot's Settings → Integrations → Service Keys (docs/crm.md#hubspot).",
    );
  });
});

describe('the doctor’s Salesforce check', () => {
  it('fails an HTTP 200 JSON answer to its query that is not Salesforce’s', async () => {
    const sf = await FakeSalesforce.start();
    stops.push(() => sf.stop());
    const settings = {
      loginUrl: sf.loginUrl,
      hosts: sf.hosts,
      clientId: sf.clientId,
      clientSecret: sf.clientSecret,
      fields: {},
    };
    expect(lines(await run({ salesforce: settings }))).toEqual([
      'pass Salesforce accepts the credentials, and the app can read Opportunities.',
    ]);
    sf.fail(
      { method: 'GET', path: /\/query$/ },
      { status: 200, body: '{"ok":true}', contentType: 'application/json' },
    );
    const found = await run({ salesforce: settings });
    expect(lines(found)).toEqual([
      "fail What answered at Salesforce's address is not Salesforce's API: Salesforce: the answer to a query is not Salesforce’s (no records and totalSize).",
    ]);
    expect(found[0]?.fix).toContain('Check SALESFORCE_LOGIN_URL');
  });
});
