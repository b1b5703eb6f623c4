import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHubspot } from '../../src/crm/hubspot.js';
import type { CrmActivity, CrmConnector } from '../../src/crm/types.js';
import { createLogger } from '../../src/logger.js';
import { account, crmRows, drive, stopAll } from '../support/crmFlow.js';
import { FakeHubspot } from '../support/fakeHubspot.js';
import { isLegacyPath } from '../support/fakeHubspotVersions.js';
import { sendHandoff } from '../support/flow.js';
import { type Harness, startHarness, waitFor } from '../support/harness.js';
import { specProblems } from '../support/hubspotSpec.js';
import { outboxDrained, QUIET, slashReply, waitForDm } from '../support/ownerFlow.js';
import { accept } from '../support/partnerFlow.js';
import { people } from '../support/people.js';

/**
 * HubSpot's 2026-09 APIs. Every request the app makes to the fake HubSpot in a realistic run (a review that looks the
 * account up, a linked handoff sent and accepted, its notes and mapped deal property written, the read-back with its
 * money and currencies, the closed deals of a period, the message shortcut's company match, the doctor's reads, a lost
 * note looked for) is checked against HubSpot's own published OpenAPI specs (test/vendor/hubspot/), and none goes to
 * a legacy (v1 to v4) path. And they enforce an account's validation rules on every CRM write: a write refused by one
 * (the admin's rule "Deal type is required", on the deal update of the mapped partner property) is parked at once,
 * never retried blindly; the handoff's owner is told in plain words; once the deal type is filled in, an admin's
 * `/handoff outbox retry` writes it, and the note written before the refusal is not written twice.
 */

const ADMIN = people.owner;
const STAGES = ['appointmentscheduled', 'qualifiedtobuy', 'presentationscheduled', 'contractsent'];

const PORTAL = '4412345';
const recordUrl = (id: string) => `https://app.hubspot.com/contacts/${PORTAL}/record/0-3/${id}`;

describe('HubSpot requests against HubSpot’s 2026-09 OpenAPI specs', () => {
  let hs: FakeHubspot;
  let h: Harness;
  let connector: CrmConnector;

  beforeAll(async () => {
    hs = await FakeHubspot.start({ searchPerSecondLimit: 1000, tenSecondLimit: 100_000 });
    hs.addDealProperty('partner_name');
    hs.currencies.addRate({ from: 'EUR', conversionRate: 1.1, effectiveAt: '2026-01-01' });
    h = await startHarness({
      env: {
        ...QUIET,
        HUBSPOT_ACCESS_TOKEN: hs.accessToken,
        HUBSPOT_API_URL: hs.apiUrl,
        HUBSPOT_PROPERTY_PARTNER: 'partner_name',
        OUTBOX_UNCERTAIN_WAIT_MS: '300',
        // Five attempts for a refusal that may pass; a validation rule's is parked at the first.
        OUTBOX_MAX_ATTEMPTS: '5',
        ADMIN_USER_IDS: ADMIN.id,
      },
    });
    connector = createHubspot({ accessToken: hs.accessToken, apiUrl: hs.apiUrl }, createLogger('silent'));
  });
  afterAll(() => stopAll(h, hs));

  it('makes only requests the specs describe, with bodies their schemas accept, and none on a legacy path', async () => {
    const ownerId = hs.addOwner({ email: 'jordan@example.com', firstName: 'Jordan', lastName: 'Lee' });
    const company = hs.addCompany({ name: 'Tailwind Traders', domain: 'tailwindtraders.example', ownerId });
    const deal = hs.addDeal({
      name: 'Tailwind renewal',
      stage: 'contractsent',
      amount: 40_000,
      currency: 'EUR',
      companyId: company,
      ownerId,
      closeDate: '2026-12-15',
    });
    const sent = await sendHandoff(h, { crmOpportunity: recordUrl(deal), ...account('Tailwind Traders') });
    await accept(h, sent.handoff.id);
    await outboxDrained(h);
    await waitFor(() => hs.notes().length >= 2, 8000, 'the notes of the send and the accept');
    hs.closeDeal(deal, { won: true });
    h.clock.advance(301_000);
    await h.app.scheduler.runNow('crm-read-back');
    await outboxDrained(h);

    // What the rest of the app calls: the shortcut's company match, the doctor's reads, the money, a lost note's look.
    await connector.accountsMatching({ names: ['Tailwind Traders'], domains: ['tailwindtraders.example'] });
    await connector.verify();
    await connector.reads?.();
    await connector.currency?.();
    await connector.states([deal]);
    // The RevOps figures' closed deals of a period (a search with BETWEEN on closedate, sorted, paged by after).
    expect((await connector.closedDeals?.('2026-11-01', '2026-12-31', 2_000))?.map((d) => d.id)).toContain(
      deal,
    );
    const activity: CrmActivity = {
      subject: 'Co-sell handoff #1 checked',
      lines: ['Partner: Contoso'],
      at: new Date('2026-11-20T10:00:00Z'),
      day: '2026-11-20',
      marker: 'cosell1e999',
    };
    await connector.findActivity(deal, activity);
    await connector.writeActivity(deal, activity);
    await connector.writeFields(deal, { partner_name: 'Contoso' });
    await connector.lookup(deal);

    expect(
      hs.calls.some((c) => c.path.endsWith('/deals/search') && JSON.stringify(c.body).includes('"BETWEEN"')),
    ).toBe(true);
    const asked = new Set(hs.calls.map((c) => `${c.method} ${c.path.replace(/\d{5,}/g, '{id}')}`));
    // The run reached every kind of request the app makes.
    expect([...asked].sort()).toEqual(
      expect.arrayContaining([
        'GET /crm/objects/2026-09/deals',
        'GET /crm/objects/2026-09/deals/{id}',
        'PATCH /crm/objects/2026-09/deals/{id}',
        'POST /crm/objects/2026-09/deals/batch/read',
        'POST /crm/objects/2026-09/deals/search',
        'POST /crm/objects/2026-09/companies/search',
        'GET /crm/objects/2026-09/companies',
        'POST /crm/objects/2026-09/notes',
        'POST /crm/objects/2026-09/notes/search',
        'GET /crm/objects/2026-09/notes',
        'GET /crm/owners/2026-09',
        'GET /crm/owners/2026-09/{id}',
        'GET /crm/pipelines/2026-09/deals',
        'GET /settings/currencies/2026-09/company-currency',
        'GET /settings/currencies/2026-09/exchange-rates',
      ]),
    );
    expect(hs.calls.filter((c) => isLegacyPath(c.path)).map((c) => `${c.method} ${c.path}`)).toEqual([]);
    expect(hs.calls.flatMap(specProblems)).toEqual([]);
    // And every one was answered as asked (no 400 for a shape the fake refused).
    expect(hs.calls.filter((c) => c.status >= 400).map((c) => `${c.method} ${c.path} ${c.status}`)).toEqual(
      [],
    );
  });

  it('catches a body the spec refuses (the check is not vacuous)', () => {
    const base = { query: {}, at: 0, status: 200, response: undefined };
    expect(
      specProblems({
        ...base,
        method: 'POST',
        path: '/crm/objects/2026-09/deals/search',
        body: { filterGroups: [], sorts: [{ propertyName: 'createdate', direction: 'ASCENDING' }] },
      }),
    ).toEqual([expect.stringMatching(/body against #\/components\/schemas\/PublicObjectSearchRequest: /)]);
    expect(specProblems({ ...base, method: 'GET', path: '/crm/v3/objects/deals', body: undefined })).toEqual([
      'GET /crm/v3/objects/deals: no vendored 2026-09 spec covers this path',
    ]);
    expect(
      specProblems({
        ...base,
        method: 'GET',
        path: '/crm/owners/2026-09',
        query: { email2: 'x' },
        body: undefined,
      }),
    ).toEqual(["GET /crm/owners/2026-09: query parameter email2 is not /crm/owners/2026-09's"]);
  });

  it('parks a write the account’s validation rule refuses at once, tells the owner, and writes it once after the fix and an admin’s retry', async () => {
    const deal = hs.addDeal({ name: 'Fabrikam rollout', stage: 'qualifiedtobuy' });
    hs.addValidationRule({
      object: 'deals',
      property: 'dealtype',
      when: { property: 'dealstage', values: STAGES },
    });
    const { handoff } = await sendHandoff(h, {
      crmOpportunity: deal,
      accountName: 'Fabrikam',
      accountDomain: 'fabrikam.example',
    });
    const rowOf = async () => (await crmRows(h)).find((r) => r.handoffId === handoff.id);
    await drive(h, async () => (await rowOf())?.status === 'dead', 'the refused write parked');
    const row = await rowOf();
    // At the first refusal: one attempt, HubSpot's rule in plain words.
    expect(row).toMatchObject({ status: 'dead', attempts: 1 });
    expect(row?.lastError).toBe(
      "HubSpot refused the deal update: the 'Deal type' property is required by your HubSpot admin's rules.",
    );
    const patches = () => hs.calls.filter((c) => c.method === 'PATCH' && c.path.endsWith(`/deals/${deal}`));
    expect(patches().map((c) => c.status)).toEqual([400]);
    expect(patches()[0]?.response).toMatchObject({
      category: 'VALIDATION_ERROR',
      errors: [{ code: 'MISSING_CONDITIONAL_REQUIRED_PROPERTY', context: { propertyName: ['dealtype'] } }],
    });
    // The note went in before the update was refused.
    expect(hs.notes().filter((n) => n.dealIds.includes(deal))).toHaveLength(1);
    // The owner (the author) is told by DM, with what to fix and how it goes out.
    const dm = await waitForDm(h, people.author.id, 'HubSpot refused the deal update', 'the owner told');
    const said = JSON.stringify(dm.blocks);
    expect(said).toContain(`#${handoff.id}`);
    expect(said).toContain("the 'Deal type' property is required by your HubSpot admin's rules");
    expect(said).toContain(`/handoff outbox retry ${row?.id}`);
    // Never retried blindly: time passes, the worker looks each time, and nothing is tried again.
    for (let i = 0; i < 3; i += 1) {
      h.clock.advance(10 * 60_000);
      h.app.outbox.kick();
      await h.app.outbox.idle();
    }
    expect(patches()).toHaveLength(1);
    expect(await slashReply(h, ADMIN, 'outbox')).toContain("the 'Deal type' property is required");

    // Someone fills in the deal type in HubSpot; the admin retries: written once, the note not written again.
    hs.setDeal(deal, { dealtype: 'newbusiness' });
    expect(await slashReply(h, ADMIN, `outbox retry ${row?.id}`)).toBe('Queued 1 parked message again.');
    await drive(h, async () => (await rowOf())?.status === 'delivered', 'the retried write');
    expect(patches().map((c) => c.status)).toEqual([400, 200]);
    expect(hs.deal(deal)?.properties.partner_name).toBeTruthy();
    expect(hs.notes().filter((n) => n.dealIds.includes(deal))).toHaveLength(1);
    const { outbox } = h.tables;
    const [after] = await h.database.db
      .select()
      .from(outbox)
      .where(eq(outbox.id, row?.id ?? 0));
    expect(after?.status).toBe('delivered');
    await waitFor(
      async () => (await slashReply(h, ADMIN, 'outbox')).startsWith('No message is parked'),
      4000,
      'none parked',
    );
  });
});
