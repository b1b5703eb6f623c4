import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  correctedEventsOf,
  correctionsOf,
  handoffNamed,
  pickOf,
  sendFromReview,
  sentEventOf,
  submitForReview,
  unpasted,
} from '../support/attributionFlow.js';
import { hubspotApp, lightning, salesforceApp, stopAll } from '../support/crmFlow.js';
import type { FakeHubspot } from '../support/fakeHubspot.js';
import type { FakeSalesforce } from '../support/fakeSalesforce.js';
import type { Harness } from '../support/harness.js';
import { handoffRow, outboxDrained, waitForDm } from '../support/ownerFlow.js';
import { accept, opportunitySubmission } from '../support/partnerFlow.js';
import { revopsUser, slash } from '../support/reviewFlow.js';
import { SteppedTimers } from '../support/steppedTimers.js';

/**
 * Attribution asks the CRM: the review looks up the opportunities on the packet's account, names the one that decides
 * the class and classifies from its creation date; the author may pick another or "none of these"; without a CRM the
 * class is said to come from the packet alone; a CRM that fails or is slow leaves the review working within Slack's 3
 * s; a record linked later corrects the class, audited. The opportunity chosen in the review is linked as if pasted:
 * its Tasks or notes are written, and its close reaches the handoff. Through the real app.
 */

/** Slack's budget for answering a view submission; the review must come well within it. */
const ACK_BUDGET_MS = 3000;

describe('Salesforce: the opportunities on the account decide the class', () => {
  let sf: FakeSalesforce;
  let h: Harness;
  let renewal: string;

  beforeAll(async () => {
    // RevOps may correct a classification by hand (the read-back never overrules that).
    ({ sf, h } = await salesforceApp({ env: { REVOPS_USER_IDS: revopsUser.id } }));
    // Litware Health: a renewal created weeks before the partner's action (today, 2026-11-23), not pasted into the
    // packet; a pilot closed before the partner acted (over: it bears on nothing); another company's opportunity.
    const litware = sf.addAccount({ name: 'Litware Health, Inc.', website: 'https://www.litware.example/' });
    renewal = sf.addOpportunity({
      name: 'Litware Health — platform renewal',
      accountId: litware,
      stageName: 'Needs Analysis',
      createdDate: '2026-10-26',
    });
    sf.addOpportunity({
      name: 'Litware Health — 2025 pilot',
      accountId: litware,
      stageName: 'Closed Won',
      createdDate: '2025-01-10',
      closeDate: '2025-06-30',
    });
    const other = sf.addAccount({ name: 'Litware Logistics', website: 'litware-logistics.example' });
    sf.addOpportunity({ name: 'Litware Logistics fleet', accountId: other, createdDate: '2026-01-05' });
  });
  afterAll(() => stopAll(h, sf));
  afterEach(() => sf.clearFailures());

  it('names the opportunity Salesforce has on the account (not pasted) and classifies partner-influenced; "none of these" makes it partner-sourced, recorded on the handoff and its sent event', async () => {
    const { view, text, ms } = await submitForReview(h, unpasted('Litware Health', 'litware.example'));
    expect(ms).toBeLessThan(ACK_BUDGET_MS);
    expect(text).toContain(
      "*Attribution*: Partner-influenced\nIn Salesforce, “Litware Health — platform renewal” existed on 2026-10-26, before or on the partner's first action on 2026-11-23.",
    );
    expect(text).toContain(
      '• Litware Health — platform renewal (Needs Analysis) · created 2026-10-26 → partner-influenced *← decides*',
    );
    // Asked by the account's exact name and website, and for the accounts like it (then their opportunities), open or
    // closed since the partner acted; the closed pilot and the other company are not listed.
    const asked = sf.queries().slice(-3);
    expect(asked).toContainEqual(
      expect.stringContaining(
        "WHERE (Account.Name IN ('Litware Health') OR Account.Website LIKE '%litware.example%') AND (IsClosed = false OR CloseDate >= ",
      ),
    );
    expect(asked).toContainEqual(
      expect.stringContaining(
        "FROM Account WHERE (Name LIKE '%l_tw_r_%h__lth%' OR Website LIKE '%litware.example%') LIMIT 200",
      ),
    );
    expect(asked.at(-1)).toMatch(
      /WHERE \(AccountId IN \('001\w+'\)\) AND \(IsClosed = false OR CloseDate >= /,
    );
    expect(text).not.toContain('2025 pilot');
    expect(text).not.toContain('Litware Logistics');
    const select = pickOf(view);
    expect(select?.initial_option?.value).toBe(`salesforce:${renewal}`);
    expect(select?.options?.map((o) => o.value)).toEqual([`salesforce:${renewal}`, 'none']);

    // The author says none of these: the review shows the class it now has before anything is sent.
    const reshown = await sendFromReview(h, view, { pick: 'none' });
    expect(reshown.response_action).toBe('update');
    const updated = reshown.view as NonNullable<typeof reshown.view>;
    const updatedText = JSON.stringify(updated.blocks);
    expect(updatedText).toContain('With your choice, this handoff is *Partner-sourced*');
    expect(updatedText).toContain(
      'The author chose “none of these” for the one opportunity Salesforce has on this account, and the packet names none.',
    );
    expect(pickOf(updated)?.initial_option?.value).toBe('none');
    expect(await handoffNamed(h, 'Litware Health')).toBeUndefined();

    expect(await sendFromReview(h, updated)).toEqual({ response_action: 'clear' });
    const handoff = await handoffNamed(h, 'Litware Health');
    if (!handoff) throw new Error('not sent');
    expect(handoff).toMatchObject({
      classification: 'partner_sourced',
      classificationReason:
        'The author chose “none of these” for the one opportunity Salesforce has on this account, and the packet names none.',
      attribution: { basis: 'crm', crm: 'Salesforce', listed: 1, opportunity: null, choice: 'none' },
      crmRecordId: null,
    });
    expect((await sentEventOf(h, handoff.id))?.detail).toMatchObject({
      classification: 'partner_sourced',
      attribution: { basis: 'crm', crm: 'Salesforce', listed: 1, opportunity: null, choice: 'none' },
    });
    // No opportunity decided it and none is linked: the AE's packet says so.
    const dm = await waitForDm(h, handoff.aeUserId, 'Litware Health', 'the AE’s packet');
    expect(JSON.stringify(dm.blocks)).toContain(JSON.stringify('*CRM opportunity*\n_None yet_').slice(1, -1));
  });

  it('keeps the rule’s pick when the author leaves it: partner-influenced, and which opportunity decided it', async () => {
    const tailspin = sf.addAccount({ name: 'Tailspin Clinics', website: 'tailspin.example' });
    const expansion = sf.addOpportunity({
      name: 'Tailspin expansion',
      accountId: tailspin,
      createdDate: '2026-09-01',
    });
    const { view } = await submitForReview(h, unpasted('Tailspin Clinics', 'tailspin.example'));
    expect(await sendFromReview(h, view)).toEqual({ response_action: 'clear' });
    const handoff = await handoffNamed(h, 'Tailspin Clinics');
    const decided = {
      basis: 'crm',
      crm: 'Salesforce',
      listed: 1,
      opportunity: {
        system: 'salesforce',
        id: expansion,
        name: 'Tailspin expansion',
        createdOn: '2026-09-01',
      },
      choice: 'rule',
    };
    expect(handoff).toMatchObject({ classification: 'partner_influenced', attribution: decided });
    expect((await sentEventOf(h, handoff?.id ?? 0))?.detail).toMatchObject({ attribution: decided });
    // The one the select was left at is linked as if pasted (issue 50 item 3): the AE reads it as the linked record.
    expect(handoff).toMatchObject({
      crmSystem: 'salesforce',
      crmRecordId: expansion,
      crmOpportunity: expansion,
    });
    const dm = await waitForDm(h, handoff?.aeUserId ?? '', 'Tailspin Clinics', 'the AE’s packet');
    const crmField = `*CRM opportunity*\nTailspin expansion (${expansion}) · Salesforce, updates are logged there`;
    expect(JSON.stringify(dm.blocks)).toContain(JSON.stringify(crmField).slice(1, -1));
    expect(JSON.stringify(dm.blocks)).not.toContain('None yet');
    // Its close in Salesforce reaches the handoff.
    await accept(h, handoff?.id ?? 0);
    await outboxDrained(h);
    sf.closeOpportunity(expansion, { won: true, stageName: 'Closed Won' });
    h.clock.advance(301_000);
    await h.app.scheduler.runNow('crm-read-back');
    expect((await handoffRow(h, handoff?.id ?? 0)).outcome).toBe('won');
  });

  it('classifies from, and links, the one the author picks over the rule’s earliest: its Tasks are written, its close reaches the handoff', async () => {
    const adatum = sf.addAccount({ name: 'Adatum Care', website: 'adatum.example' });
    const renewal = sf.addOpportunity({
      name: 'Adatum support renewal',
      accountId: adatum,
      createdDate: '2026-06-01',
    });
    // Created after the partner acted (set in the packet: 2026-11-02): the deal the partner brought.
    const fresh = sf.addOpportunity({
      name: 'Adatum analytics',
      accountId: adatum,
      createdDate: '2026-11-10',
    });
    const { view, text } = await submitForReview(h, {
      ...unpasted('Adatum Care', 'adatum.example'),
      partnerTouchOn: '2026-11-02',
    });
    expect(text).toContain('*Attribution*: Partner-influenced');
    const reshown = await sendFromReview(h, view, { pick: `salesforce:${fresh}` });
    expect(reshown.response_action).toBe('update');
    expect(await sendFromReview(h, reshown.view as NonNullable<typeof reshown.view>)).toEqual({
      response_action: 'clear',
    });
    const handoff = await handoffNamed(h, 'Adatum Care');
    if (!handoff) throw new Error('not sent');
    // Linked as if pasted: the packet names it, the handoff is tied to it, and the class was decided with it.
    expect(handoff).toMatchObject({
      classification: 'partner_sourced',
      classificationReason:
        "In Salesforce, “Adatum analytics” was created on 2026-11-10, after the partner's first action on 2026-11-02. The author chose it over the rule’s earliest one.",
      attribution: { choice: 'author', opportunity: { id: fresh, createdOn: '2026-11-10' } },
      crmSystem: 'salesforce',
      crmRecordId: fresh,
      crmRecordName: 'Adatum analytics',
      crmOpportunity: fresh,
      classifiedLink: `salesforce:${fresh}`,
    });
    await accept(h, handoff.id);
    await outboxDrained(h);
    expect(
      sf
        .tasks()
        .filter((t) => t.WhatId === fresh)
        .map((t) => String(t.Subject).replace(/ \(ref .*\)$/, '')),
    ).toEqual([
      `Co-sell handoff #${handoff.id} sent to Jordan Seller`,
      `Co-sell handoff #${handoff.id} accepted by Jordan Seller`,
    ]);
    expect(sf.tasks().filter((t) => t.WhatId === renewal)).toEqual([]);
    // The AE's packet shows the link, not "None linked".
    const dm = await waitForDm(h, handoff.aeUserId, 'Adatum Care', 'the AE’s packet');
    expect(JSON.stringify(dm.blocks)).toContain('Adatum analytics');
    expect(JSON.stringify(dm.blocks)).toContain('Salesforce, updates are logged there');
    // Lost in Salesforce: the read-back records it on the handoff by itself.
    sf.closeOpportunity(fresh, { won: false, stageName: 'Closed Lost' });
    h.clock.advance(301_000);
    await h.app.scheduler.runNow('crm-read-back');
    expect((await handoffRow(h, handoff.id)).outcome).toBe('lost');
    await waitForDm(h, handoff.aeUserId, '*Closed lost* in Salesforce', 'the AE told of the loss');
  });

  it('keeps the author’s own text in the CRM field beside the link, and links nothing for "none of these"', async () => {
    const fabrikam = sf.addAccount({ name: 'Fabrikam Dental', website: 'fabrikamdental.example' });
    const hub = sf.addOpportunity({ name: 'Fabrikam hub', accountId: fabrikam, createdDate: '2026-09-01' });
    const typed = await submitForReview(h, {
      ...unpasted('Fabrikam Dental', 'fabrikamdental.example'),
      crmOpportunity: 'OPP-55120',
    });
    expect(await sendFromReview(h, typed.view)).toEqual({ response_action: 'clear' });
    expect(await handoffNamed(h, 'Fabrikam Dental')).toMatchObject({
      crmRecordId: hub,
      crmOpportunity: 'OPP-55120',
    });
    const contoso = sf.addAccount({ name: 'Contoso Vision', website: 'contosovision.example' });
    sf.addOpportunity({ name: 'Contoso lenses', accountId: contoso, createdDate: '2026-09-01' });
    const none = await submitForReview(h, unpasted('Contoso Vision', 'contosovision.example'));
    const reshown = await sendFromReview(h, none.view, { pick: 'none' });
    expect(await sendFromReview(h, reshown.view as NonNullable<typeof reshown.view>)).toEqual({
      response_action: 'clear',
    });
    expect(await handoffNamed(h, 'Contoso Vision')).toMatchObject({
      crmRecordId: null,
      crmOpportunity: null,
    });
  });

  it('corrects, audited, a class that an opportunity linked after sending changes (the read-back)', async () => {
    // In Salesforce under another name and no website: the review's lookup cannot find it, so the packet decides.
    const group = sf.addAccount({ name: 'LDH Dental Group' });
    const older = sf.addOpportunity({
      name: 'LDH imaging suite',
      accountId: group,
      createdDate: '2026-10-01',
    });
    const { view, text } = await submitForReview(h, unpasted('Litware Dental', 'litwaredental.example'));
    expect(text).toContain(
      '*Attribution*: Partner-sourced\nSalesforce was searched for an account named “Litware Dental” or with the website litwaredental.example: it found no opportunity open when the partner first acted or created since, and the packet names none.',
    );
    expect(await sendFromReview(h, view)).toEqual({ response_action: 'clear' });
    const handoff = await handoffNamed(h, 'Litware Dental');
    if (!handoff) throw new Error('not sent');
    await accept(h, handoff.id);
    // The AE records the opportunity: one that existed before the partner acted.
    const linked = await h.interact(opportunitySubmission({ handoffId: handoff.id, crm: lightning(older) }));
    expect(linked.status).toBe(200);
    expect(await handoffRow(h, handoff.id)).toMatchObject({
      crmRecordId: older,
      classification: 'partner_sourced',
    });
    h.clock.advance(301_000);
    await h.app.scheduler.runNow('crm-read-back');
    expect(await handoffRow(h, handoff.id)).toMatchObject({
      classification: 'partner_influenced',
      classificationReason:
        "Linked after sending to Salesforce opportunity “LDH imaging suite”, which existed on 2026-10-01, before or on the partner's first action on 2026-11-23.",
      attribution: { basis: 'crm', choice: 'link', opportunity: { id: older, createdOn: '2026-10-01' } },
    });
    // Audited like a RevOps correction: who (the CRM), from, to, why; and in the touch log.
    expect(await correctionsOf(h, handoff.id)).toMatchObject([
      {
        fromClassification: 'partner_sourced',
        toClassification: 'partner_influenced',
        correctedByUserId: 'crm:salesforce',
        reason: expect.stringContaining(
          'Partner-influenced by the Salesforce read-back: Linked after sending',
        ),
      },
    ]);
    expect(await correctedEventsOf(h, handoff.id)).toMatchObject([
      {
        actorUserId: null,
        detail: {
          from: 'partner_sourced',
          to: 'partner_influenced',
          source: 'Salesforce',
          recordId: older,
          createdOn: '2026-10-01',
        },
      },
    ]);
    // Read once: the next poll corrects nothing more.
    h.clock.advance(301_000);
    await h.app.scheduler.runNow('crm-read-back');
    expect(await correctionsOf(h, handoff.id)).toHaveLength(1);
    await outboxDrained(h);
  });

  it('uses pasted text that Salesforce does not list, said to be not among the account’s opportunities', async () => {
    const { view, text } = await submitForReview(h, {
      ...unpasted('Wingtip Clinics', 'wingtipclinics.example'),
      crmOpportunity: 'OPP-55120',
      partnerTouchOn: '2026-11-02',
    });
    const reason =
      'Salesforce was searched for an account named “Wingtip Clinics” or with the website wingtipclinics.example: it found no opportunity open when the partner first acted or created since. The packet names “OPP-55120”, which Salesforce does not list on this account; the class comes from it. Its creation date is not given, so it counts as an existing opportunity and the partner influenced it.';
    expect(text).toContain(`*Attribution*: Partner-influenced\n${reason}`);
    expect(text).not.toContain('An opportunity already exists');
    expect(text).toContain(
      ":mag: Salesforce was searched for Wingtip Clinics (by its name and wingtipclinics.example) and gave no opportunity open when the partner first acted on 2026-11-02 or created since. The packet's “OPP-55120” is not one Salesforce lists on this account; the class comes from it.",
    );
    expect(await sendFromReview(h, view)).toEqual({ response_action: 'clear' });
    expect(await handoffNamed(h, 'Wingtip Clinics')).toMatchObject({
      classification: 'partner_influenced',
      classificationReason: reason,
    });
  });

  it('reads back, once answered, a pasted link Salesforce could not confirm at review, said so, not that none exists', async () => {
    const pasted = sf.addOpportunity({ name: 'Fabrikam data hub', createdDate: '2026-11-10' });
    // The record's lookup is slower than the review may wait: linked by its id, its creation date unknown.
    sf.fail({ method: 'GET', path: /\/sobjects\/Opportunity\// }, { delayMs: 4000 });
    const { view, text } = await submitForReview(h, {
      ...unpasted('Fabrikam Health', 'fabrikamhealth.example'),
      crmOpportunity: lightning(pasted),
      partnerTouchOn: '2026-11-02',
    });
    expect(text).toContain(
      `*Attribution*: Partner-influenced\nSalesforce was searched for an account named “Fabrikam Health” or with the website fabrikamhealth.example: it found no opportunity open when the partner first acted or created since. The packet names “${pasted}”, which Salesforce did not confirm in time (it is read again once Salesforce answers); the class comes from it. Its creation date is not given, so it counts as an existing opportunity and the partner influenced it.`,
    );
    expect(text).toContain(
      `The packet's “${pasted}” was not confirmed by Salesforce in time; the class comes from it.`,
    );
    expect(text).toContain('was not checked');
    expect(text).not.toContain('An opportunity already exists');
    expect(await sendFromReview(h, view)).toEqual({ response_action: 'clear' });
    const handoff = await handoffNamed(h, 'Fabrikam Health');
    expect(handoff).toMatchObject({
      crmRecordId: pasted,
      classification: 'partner_influenced',
      classifiedLink: null,
    });
    h.clock.advance(301_000);
    await h.app.scheduler.runNow('crm-read-back');
    expect(await handoffRow(h, handoff?.id ?? 0)).toMatchObject({
      classification: 'partner_sourced',
      classifiedLink: `salesforce:${pasted}`,
    });
    expect(await correctionsOf(h, handoff?.id ?? 0)).toMatchObject([{ correctedByUserId: 'crm:salesforce' }]);
  });

  it('lets a RevOps correction stand: a later link does not overrule a person', async () => {
    const handoff = await handoffNamed(h, 'Litware Health');
    if (!handoff) throw new Error('the Litware handoff of the first test');
    await accept(h, handoff.id);
    expect(
      await slash(h, `classify ${handoff.id} influenced the renewal is this deal`, revopsUser),
    ).toContain('is now *Partner-influenced*');
    expect((await handoffRow(h, handoff.id)).classification).toBe('partner_influenced');
    // A record created after the partner acted is linked: the rule alone would say sourced; the person's stands.
    const later = sf.addOpportunity({ name: 'Litware new module', createdDate: '2026-11-24' });
    await h.interact(opportunitySubmission({ handoffId: handoff.id, crm: lightning(later) }));
    h.clock.advance(301_000);
    await h.app.scheduler.runNow('crm-read-back');
    expect(await handoffRow(h, handoff.id)).toMatchObject({
      classification: 'partner_influenced',
      classifiedLink: `salesforce:${later}`,
    });
    expect((await correctionsOf(h, handoff.id)).map((c) => c.correctedByUserId)).toEqual([revopsUser.id]);
  });

  it('says "CRM not reached; classified from the packet" when Salesforce fails or is slow, within the ack budget, offers no pick, and still sends', async () => {
    // Slow: both of the review's queries, the account's opportunities and its owner.
    sf.fail({ method: 'GET', path: /\/query$/ }, { delayMs: 8000, times: 2 });
    const slow = await submitForReview(h, unpasted('Litware Labs', 'litwarelabs.example'));
    expect(slow.ms).toBeLessThan(ACK_BUDGET_MS);
    expect(slow.text).toContain('CRM not reached (Salesforce); classified from the packet');
    expect(pickOf(slow.view)).toBeUndefined();

    sf.fail({ method: 'GET', path: /\/query$/ }, { status: 503, times: 5 });
    const { view, text, ms } = await submitForReview(
      h,
      unpasted('Litware Pharmacy', 'litwarepharmacy.example'),
    );
    expect(ms).toBeLessThan(ACK_BUDGET_MS);
    expect(text).toContain(
      '*Attribution*: Partner-sourced\nCRM not reached (Salesforce); classified from the packet, which names no existing opportunity.',
    );
    expect(text).toContain('*CRM not reached; classified from the packet.*');
    expect(text).not.toContain('No opportunity existed');
    expect(pickOf(view)).toBeUndefined();
    expect(await sendFromReview(h, view)).toEqual({ response_action: 'clear' });
    const handoff = await handoffNamed(h, 'Litware Pharmacy');
    // The author's zone is kept with the basis: a record linked later is read as a day in it.
    expect(handoff?.attribution).toEqual({ basis: 'unreached', crm: 'Salesforce', zone: 'America/New_York' });
    expect((await sentEventOf(h, handoff?.id ?? 0))?.detail).toMatchObject({
      attribution: { basis: 'unreached', crm: 'Salesforce' },
    });
  });
});

describe('HubSpot: the deals of the company with the domain decide the class', () => {
  let hs: FakeHubspot;
  let h: Harness;

  beforeAll(async () => {
    ({ hs, h } = await hubspotApp());
  });
  afterAll(() => stopAll(h, hs));

  it('names the deal of the company with that domain and classifies partner-influenced; "none of these" makes it partner-sourced', async () => {
    const litware = hs.addCompany({ name: 'Litware Health', domain: 'litware.example' });
    const renewal = hs.addDeal({
      name: 'Litware Health — platform renewal',
      companyId: litware,
      stage: 'qualifiedtobuy',
      createdAt: '2026-10-26',
    });
    // Closed before the partner acted, and a deal of no company: neither bears on the class.
    hs.addDeal({
      name: 'Litware pilot',
      companyId: litware,
      stage: 'closedwon',
      createdAt: '2025-01-10',
      closeDate: '2025-06-30',
    });
    hs.addDeal({ name: 'Unrelated deal', createdAt: '2026-01-01' });

    const { view, text, ms } = await submitForReview(h, unpasted('Litware Health', 'litware.example'));
    expect(ms).toBeLessThan(ACK_BUDGET_MS);
    expect(text).toContain(
      "*Attribution*: Partner-influenced\nIn HubSpot, “Litware Health — platform renewal” existed on 2026-10-26, before or on the partner's first action on 2026-11-23.",
    );
    expect(text).toContain('(Qualified To Buy) · created 2026-10-26 → partner-influenced *← decides*');
    expect(text).not.toContain('Litware pilot');
    expect(text).not.toContain('Unrelated deal');
    // The company by its domain, then its deals: both through the CRM search API. Beside them, the review asks for
    // the company's owner (issue 52): one more company search, at once, in either order.
    const searched = hs.calls
      .filter((c) => c.path.endsWith('/search'))
      .filter((c) => !JSON.stringify(c.body).includes('hubspot_owner_id'));
    expect(searched.map((c) => c.path)).toEqual([
      '/crm/objects/2026-09/companies/search',
      '/crm/objects/2026-09/deals/search',
    ]);
    expect(
      hs.calls.filter(
        (c) => c.path.endsWith('/search') && JSON.stringify(c.body).includes('hubspot_owner_id'),
      ),
    ).toHaveLength(1);
    expect(searched[0]?.body).toMatchObject({
      filterGroups: expect.arrayContaining([
        { filters: [{ propertyName: 'domain', operator: 'EQ', value: 'litware.example' }] },
      ]),
    });
    expect(searched[1]?.body).toMatchObject({
      filterGroups: [
        {
          filters: [
            { propertyName: 'associations.company', operator: 'EQ', value: litware },
            { propertyName: 'hs_is_closed', operator: 'EQ', value: 'false' },
          ],
        },
        {
          filters: [
            { propertyName: 'associations.company', operator: 'EQ', value: litware },
            { propertyName: 'closedate', operator: 'GTE' },
          ],
        },
      ],
      // Ascending by a property's name: the 2026-09 spec's `sorts` are strings.
      sorts: ['createdate'],
    });
    expect(pickOf(view)?.initial_option?.value).toBe(`hubspot:${renewal}`);

    const reshown = await sendFromReview(h, view, { pick: 'none' });
    expect(reshown.response_action).toBe('update');
    expect(await sendFromReview(h, reshown.view as NonNullable<typeof reshown.view>)).toEqual({
      response_action: 'clear',
    });
    const handoff = await handoffNamed(h, 'Litware Health');
    expect(handoff).toMatchObject({
      classification: 'partner_sourced',
      classificationReason:
        'The author chose “none of these” for the one deal HubSpot has on this account, and the packet names none.',
      attribution: { basis: 'crm', crm: 'HubSpot', listed: 1, opportunity: null, choice: 'none' },
    });
    expect((await sentEventOf(h, handoff?.id ?? 0))?.detail).toMatchObject({
      attribution: { basis: 'crm', crm: 'HubSpot', choice: 'none' },
    });
  });

  it('says so when HubSpot has no company with the domain: checked, and partner-sourced', async () => {
    const { view, text } = await submitForReview(h, unpasted('Fourth Coffee', 'fourthcoffee.example'));
    expect(text).toContain(
      '*Attribution*: Partner-sourced\nHubSpot was searched for an account named “Fourth Coffee” or with the website fourthcoffee.example: it found no deal open when the partner first acted or created since, and the packet names none.',
    );
    expect(pickOf(view)).toBeUndefined();
  });
});

// Its own app: the app's per-second HubSpot search slots are not shared with the reviews above.
describe('HubSpot: the deal chosen in the review is linked', () => {
  let hs: FakeHubspot;
  let h: Harness;
  beforeAll(async () => {
    ({ hs, h } = await hubspotApp());
  });
  afterAll(() => stopAll(h, hs));

  it('links the deal the author picks: notes are written on it, and its close reaches the handoff', async () => {
    const lamna = hs.addCompany({ name: 'Lamna Health', domain: 'lamna.example' });
    hs.addDeal({ name: 'Lamna renewal', companyId: lamna, createdAt: '2026-06-01' });
    const pilot = hs.addDeal({ name: 'Lamna pilot', companyId: lamna, createdAt: '2026-09-01' });
    const { view } = await submitForReview(h, unpasted('Lamna Health', 'lamna.example'));
    expect(await sendFromReview(h, view, { pick: `hubspot:${pilot}` })).toEqual({ response_action: 'clear' });
    const handoff = await handoffNamed(h, 'Lamna Health');
    if (!handoff) throw new Error('not sent');
    expect(handoff).toMatchObject({ crmSystem: 'hubspot', crmRecordId: pilot, crmOpportunity: pilot });
    await accept(h, handoff.id);
    await outboxDrained(h);
    expect(hs.notes().filter((n) => n.dealIds.includes(pilot))).toHaveLength(2);
    hs.closeDeal(pilot, { won: true });
    h.clock.advance(301_000);
    await h.app.scheduler.runNow('crm-read-back');
    expect((await handoffRow(h, handoff.id)).outcome).toBe('won');
  });
});

// HubSpot takes 5 searches a second. The app counts its own on its injected timers, so whether a review meets the
// limit is the test's to decide, not the machine's speed (on the real clock a fast machine met it in tests).
describe("HubSpot: the search limit is counted on the app's timers", () => {
  const timers = new SteppedTimers();
  let hs: FakeHubspot;
  let h: Harness;
  beforeAll(async () => {
    ({ hs, h } = await hubspotApp({ timers }, { now: () => timers.now() }));
  });
  afterAll(() => stopAll(h, hs));

  it('a review past five searches in one second is classified from the packet; a second later HubSpot is asked again', async () => {
    const fabrikam = hs.addCompany({ name: 'Fabrikam Clinics', domain: 'fabrikam.example' });
    const rollout = hs.addDeal({ name: 'Fabrikam rollout', companyId: fabrikam, createdAt: '2026-10-01' });
    const searches = () => hs.calls.filter((c) => c.method === 'POST' && c.path.endsWith('/search')).length;
    const fabrikamReview = () => submitForReview(h, unpasted('Fabrikam Clinics', 'fabrikam.example'));
    // The first review searches for the company, for its owner and for its deals; the second for the owner and the
    // deals (the company is kept a minute): five searches, a second's worth.
    for (let i = 0; i < 2; i += 1)
      expect(pickOf((await fabrikamReview()).view)?.initial_option?.value).toBe(`hubspot:${rollout}`);
    expect(searches()).toBe(5);
    const limited = await fabrikamReview();
    expect(limited.text).toContain('*CRM not reached; classified from the packet.*');
    expect(pickOf(limited.view)).toBeUndefined();
    expect(searches()).toBe(5);
    await timers.advance(1_000);
    expect(pickOf((await fabrikamReview()).view)?.initial_option?.value).toBe(`hubspot:${rollout}`);
    expect(searches()).toBe(7);
  });
});
