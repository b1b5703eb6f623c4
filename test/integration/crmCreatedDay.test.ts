import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { tablesOf } from '../../src/db/engine.js';
import {
  correctionsOf,
  handoffNamed,
  sendFromReview,
  submitForReview,
  unpasted,
} from '../support/attributionFlow.js';
import { hubspotApp, lightning, salesforceApp, stopAll } from '../support/crmFlow.js';
import type { FakeHubspot } from '../support/fakeHubspot.js';
import type { FakeSalesforce } from '../support/fakeSalesforce.js';
import type { Harness } from '../support/harness.js';
import { handoffRow, outboxDrained } from '../support/ownerFlow.js';
import { accept, opportunitySubmission } from '../support/partnerFlow.js';

/**
 * The CRM gives the moment an opportunity was created (Salesforce's CreatedDate, HubSpot's createdate); the rule
 * compares it, as a day, with the partner's first action, a day in the author's zone. Pat (the author) is in New York
 * and sends on Sunday 22 November 2026 at 20:35 there (01:35 UTC on Monday). An opportunity created at 00:30 UTC on
 * Monday was created at 19:30 on Sunday in New York, the day the partner acted: it existed then (partner-influenced),
 * it was not created the day after (partner-sourced, by its UTC day).
 */
const SUNDAY_EVENING_NY = '2026-11-23T01:35:00Z';
const CREATED_SUNDAY_NY = '2026-11-23T00:30:00Z';
const CREATED_SUNDAY_NY_ISO = '2026-11-23T00:30:00.000Z';

const hubspotDeal = (id: string) => `https://app.hubspot.com/contacts/4711/record/0-3/${id}`;

describe("an opportunity's creation day is the author's", () => {
  let h: Harness | undefined;
  let sf: FakeSalesforce | undefined;
  let hs: FakeHubspot | undefined;
  afterEach(async () => {
    await stopAll(h, sf, hs);
    h = sf = hs = undefined;
  });

  it('the review: created Sunday 19:30 in New York and a first action on Sunday are the same day (partner-influenced)', async () => {
    ({ sf, h } = await salesforceApp({ now: SUNDAY_EVENING_NY }));
    const account = sf.addAccount({ name: 'Evening Clinics', website: 'eveningclinics.example' });
    const evening = sf.addOpportunity({
      name: 'Evening Clinics rollout',
      accountId: account,
      createdDate: CREATED_SUNDAY_NY,
    });
    const { view, text } = await submitForReview(h, unpasted('Evening Clinics', 'eveningclinics.example'));
    expect(text).toContain(
      "*Attribution*: Partner-influenced\nIn Salesforce, “Evening Clinics rollout” existed on 2026-11-22, before or on the partner's first action on 2026-11-22.",
    );
    expect(text).toContain('· created 2026-11-22 → partner-influenced *← decides*');
    expect(text).not.toContain('2026-11-23');
    expect(await sendFromReview(h, view)).toEqual({ response_action: 'clear' });
    expect(await handoffNamed(h, 'Evening Clinics')).toMatchObject({
      classification: 'partner_influenced',
      partnerTouchOn: '2026-11-22',
      attribution: {
        basis: 'crm',
        choice: 'rule',
        zone: 'America/New_York',
        opportunity: { id: evening, createdOn: '2026-11-22', createdAt: CREATED_SUNDAY_NY_ISO },
      },
    });
  });

  // Under no account the review's lookup finds: the packet decides (sourced), until the AE links the record.
  it.each([
    {
      crm: 'Salesforce',
      name: 'Dusk Dental',
      record: 'Salesforce opportunity “Dusk Dental suite”',
      async start() {
        ({ sf, h } = await salesforceApp({ now: SUNDAY_EVENING_NY }));
        const id = sf.addOpportunity({ name: 'Dusk Dental suite', createdDate: CREATED_SUNDAY_NY });
        return { id, link: lightning(id) };
      },
    },
    {
      crm: 'HubSpot',
      name: 'Dusk Freight',
      record: 'HubSpot deal “Dusk Freight deal”',
      async start() {
        ({ hs, h } = await hubspotApp({ now: SUNDAY_EVENING_NY }));
        const id = hs.addDeal({ name: 'Dusk Freight deal', createdAt: CREATED_SUNDAY_NY });
        return { id, link: hubspotDeal(id) };
      },
    },
  ])(
    'the read-back ($crm): a record linked after sending, created Sunday evening in New York, existed on the Sunday the partner acted',
    async ({ name, record, start }) => {
      const evening = await start();
      const app = h as Harness;
      const domain = `${name.replace(' ', '').toLowerCase()}.example`;
      const { view } = await submitForReview(app, unpasted(name, domain));
      expect(await sendFromReview(app, view)).toEqual({ response_action: 'clear' });
      const handoff = await handoffNamed(app, name);
      if (!handoff) throw new Error('not sent');
      expect(handoff).toMatchObject({
        classification: 'partner_sourced',
        partnerTouchOn: '2026-11-22',
        attribution: { zone: 'America/New_York' },
      });
      await accept(app, handoff.id);
      const linked = await app.interact(opportunitySubmission({ handoffId: handoff.id, crm: evening.link }));
      expect(linked.status).toBe(200);
      app.clock.advance(301_000);
      await app.app.scheduler.runNow('crm-read-back');
      expect(await handoffRow(app, handoff.id)).toMatchObject({
        classification: 'partner_influenced',
        classificationReason: `Linked after sending to ${record}, which existed on 2026-11-22, before or on the partner's first action on 2026-11-22.`,
        attribution: {
          choice: 'link',
          zone: 'America/New_York',
          opportunity: { id: evening.id, createdOn: '2026-11-22', createdAt: CREATED_SUNDAY_NY_ISO },
        },
      });
      expect(await correctionsOf(app, handoff.id)).toMatchObject([
        { fromClassification: 'partner_sourced', toClassification: 'partner_influenced' },
      ]);
      await outboxDrained(app);
    },
  );

  it('an old row (the author’s zone not kept): no correction when the creation moment is Sunday in some zones and Monday in others', async () => {
    ({ sf, h } = await salesforceApp({ now: SUNDAY_EVENING_NY }));
    // The packet names an opportunity the CRM does not list, of unknown age: partner-influenced.
    const { view } = await submitForReview(h, {
      ...unpasted('Dusk Optics', 'duskoptics.example'),
      crmOpportunity: 'OPP-77120',
    });
    expect(await sendFromReview(h, view)).toEqual({ response_action: 'clear' });
    const handoff = await handoffNamed(h, 'Dusk Optics');
    if (!handoff) throw new Error('not sent');
    expect(handoff).toMatchObject({ classification: 'partner_influenced', partnerTouchOn: '2026-11-22' });
    // A handoff sent before the author's zone was kept with its class.
    const { zone: _kept, ...basis } = handoff.attribution ?? { basis: 'packet' as const };
    await h.database.db.transaction(
      async (tx) =>
        await tx
          .update(tablesOf(tx).handoffs)
          .set({ attribution: basis })
          .where(eq(tablesOf(tx).handoffs.id, handoff.id)),
    );
    await accept(h, handoff.id);
    // 00:30 UTC: Sunday from UTC-12 to UTC-1, Monday from UTC on. The UTC day (Monday) alone would say sourced.
    const evening = sf.addOpportunity({ name: 'Dusk Optics lenses', createdDate: CREATED_SUNDAY_NY });
    const linked = await h.interact(
      opportunitySubmission({ handoffId: handoff.id, crm: lightning(evening) }),
    );
    expect(linked.status).toBe(200);
    h.clock.advance(301_000);
    await h.app.scheduler.runNow('crm-read-back');
    expect(await handoffRow(h, handoff.id)).toMatchObject({
      classification: 'partner_influenced',
      classifiedLink: `salesforce:${evening}`,
    });
    expect(await correctionsOf(h, handoff.id)).toEqual([]);
    await outboxDrained(h);
  });
});
