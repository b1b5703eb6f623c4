import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handoffNamed, sendFromReview, submitForReview, unpasted } from '../support/attributionFlow.js';
import { hubspotApp, salesforceApp, stopAll } from '../support/crmFlow.js';
import type { FakeHubspot } from '../support/fakeHubspot.js';
import type { FakeSalesforce } from '../support/fakeSalesforce.js';
import type { Harness } from '../support/harness.js';
import { handoffRow, outboxDrained, waitForDm } from '../support/ownerFlow.js';
import { accept } from '../support/partnerFlow.js';

/**
 * The opportunity chosen in the review ("Which one is this deal?") is linked as if the author had pasted it (issue 50
 * item 3): its Tasks or notes are written, and its close in the CRM reaches the handoff. Through the real app,
 * against the fake Salesforce and HubSpot.
 */

/** Sends the review with `pick` chosen (shown again when the choice changes the class, then sent). */
async function sendPicked(
  h: Harness,
  view: Awaited<ReturnType<typeof submitForReview>>['view'],
  pick?: string,
) {
  const answer = await sendFromReview(h, view, pick ? { pick } : {});
  if (answer.response_action === 'update')
    expect(await sendFromReview(h, answer.view as NonNullable<typeof answer.view>)).toEqual({
      response_action: 'clear',
    });
  else expect(answer).toEqual({ response_action: 'clear' });
}

describe('Salesforce: the opportunity chosen in the review is linked', () => {
  let sf: FakeSalesforce;
  let h: Harness;
  beforeAll(async () => {
    ({ sf, h } = await salesforceApp());
  });
  afterAll(() => stopAll(h, sf));

  it('links the one the author picks over the rule’s: its Tasks are written, and its close reaches the handoff', async () => {
    const adatum = sf.addAccount({ name: 'Adatum Care', website: 'adatum.example' });
    const renewal = sf.addOpportunity({
      name: 'Adatum renewal',
      accountId: adatum,
      createdDate: '2026-06-01',
    });
    const fresh = sf.addOpportunity({
      name: 'Adatum analytics',
      accountId: adatum,
      createdDate: '2026-11-10',
    });
    const { view } = await submitForReview(h, {
      ...unpasted('Adatum Care', 'adatum.example'),
      partnerTouchOn: '2026-11-02',
    });
    await sendPicked(h, view, `salesforce:${fresh}`);
    const handoff = await handoffNamed(h, 'Adatum Care');
    if (!handoff) throw new Error('not sent');
    // Linked as if pasted: the packet names it, the handoff is tied to it, and the class was decided with it.
    expect(handoff).toMatchObject({
      crmSystem: 'salesforce',
      crmRecordId: fresh,
      crmRecordName: 'Adatum analytics',
      crmOpportunity: fresh,
      classifiedLink: `salesforce:${fresh}`,
      classification: 'partner_sourced',
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

  it('links the rule’s pick when the author leaves the select as it is', async () => {
    const tailspin = sf.addAccount({ name: 'Tailspin Clinics', website: 'tailspin.example' });
    const expansion = sf.addOpportunity({
      name: 'Tailspin expansion',
      accountId: tailspin,
      createdDate: '2026-09-01',
    });
    const { view } = await submitForReview(h, unpasted('Tailspin Clinics', 'tailspin.example'));
    await sendPicked(h, view);
    const handoff = await handoffNamed(h, 'Tailspin Clinics');
    if (!handoff) throw new Error('not sent');
    expect(handoff).toMatchObject({ crmRecordId: expansion, classification: 'partner_influenced' });
    await accept(h, handoff.id);
    await outboxDrained(h);
    sf.closeOpportunity(expansion, { won: true, stageName: 'Closed Won' });
    h.clock.advance(301_000);
    await h.app.scheduler.runNow('crm-read-back');
    expect((await handoffRow(h, handoff.id)).outcome).toBe('won');
  });

  it('keeps the author’s own text in the CRM field beside the link, and links nothing for "none of these"', async () => {
    const fabrikam = sf.addAccount({ name: 'Fabrikam Dental', website: 'fabrikamdental.example' });
    const hub = sf.addOpportunity({ name: 'Fabrikam hub', accountId: fabrikam, createdDate: '2026-09-01' });
    const typed = await submitForReview(h, {
      ...unpasted('Fabrikam Dental', 'fabrikamdental.example'),
      crmOpportunity: 'OPP-55120',
    });
    await sendPicked(h, typed.view);
    expect(await handoffNamed(h, 'Fabrikam Dental')).toMatchObject({
      crmRecordId: hub,
      crmOpportunity: 'OPP-55120',
    });

    const contoso = sf.addAccount({ name: 'Contoso Vision', website: 'contosovision.example' });
    sf.addOpportunity({ name: 'Contoso lenses', accountId: contoso, createdDate: '2026-09-01' });
    const none = await submitForReview(h, unpasted('Contoso Vision', 'contosovision.example'));
    await sendPicked(h, none.view, 'none');
    expect(await handoffNamed(h, 'Contoso Vision')).toMatchObject({
      crmRecordId: null,
      crmOpportunity: null,
    });
  });
});

describe('HubSpot: the deal chosen in the review is linked', () => {
  let hs: FakeHubspot;
  let h: Harness;
  beforeAll(async () => {
    ({ hs, h } = await hubspotApp());
  });
  afterAll(() => stopAll(h, hs));

  it('writes notes on the chosen deal, and its close reaches the handoff', async () => {
    const litware = hs.addCompany({ name: 'Litware Health', domain: 'litware.example' });
    hs.addDeal({ name: 'Litware renewal', companyId: litware, createdAt: '2026-06-01' });
    const pilot = hs.addDeal({ name: 'Litware pilot', companyId: litware, createdAt: '2026-09-01' });
    const { view } = await submitForReview(h, unpasted('Litware Health', 'litware.example'));
    await sendPicked(h, view, `hubspot:${pilot}`);
    const handoff = await handoffNamed(h, 'Litware Health');
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
