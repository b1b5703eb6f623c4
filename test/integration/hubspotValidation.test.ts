import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crmRows, drive, stopAll } from '../support/crmFlow.js';
import { FakeHubspot } from '../support/fakeHubspot.js';
import { sendHandoff } from '../support/flow.js';
import { type Harness, startHarness, waitFor } from '../support/harness.js';
import { QUIET, slashReply, waitForDm } from '../support/ownerFlow.js';
import { people } from '../support/people.js';

/**
 * Issue 54 item 5: HubSpot's 2026-09 API enforces an account's validation rules on every CRM write. A write refused by
 * one (here the admin's rule "Deal type is required", on the deal update of the mapped partner property) is parked
 * at once, never retried blindly; the handoff's owner is told in plain words; once the deal type is filled in, an
 * admin's `/handoff outbox retry` writes it, and the note written before the refusal is not written twice.
 */

const ADMIN = people.owner;
const STAGES = ['appointmentscheduled', 'qualifiedtobuy', 'presentationscheduled', 'contractsent'];

describe('HubSpot: a write refused by the account’s validation rule', () => {
  let hs: FakeHubspot;
  let h: Harness;

  beforeAll(async () => {
    hs = await FakeHubspot.start({ searchPerSecondLimit: 1000, tenSecondLimit: 100_000 });
    hs.addDealProperty('partner_name');
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
  });
  afterAll(() => stopAll(h, hs));

  it('parks it at once, tells the owner, and writes it once after the fix and an admin’s retry', async () => {
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
