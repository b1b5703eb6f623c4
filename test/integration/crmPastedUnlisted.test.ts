import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { handoffNamed, sendFromReview, submitForReview, unpasted } from '../support/attributionFlow.js';
import { lightning, salesforceApp, stopAll } from '../support/crmFlow.js';
import type { FakeSalesforce } from '../support/fakeSalesforce.js';
import type { Harness } from '../support/harness.js';

/**
 * Issue 31, item 6: the review's attribution line says one true thing when the packet names an opportunity the CRM,
 * asked, does not list on the account (text that names no record of it, or a link it did not confirm in time). It
 * used to read "Salesforce checked: no opportunity … An opportunity already exists …".
 */

describe('the review names a pasted opportunity the CRM does not list', () => {
  let sf: FakeSalesforce;
  let h: Harness;

  beforeAll(async () => {
    ({ sf, h } = await salesforceApp());
  });
  afterAll(() => stopAll(h, sf));
  afterEach(() => sf.clearFailures());

  it('pasted text that Salesforce does not list: used, and said to be not among the account’s opportunities', async () => {
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

  it('a pasted link Salesforce did not confirm in time: said so, not that none exists', async () => {
    const pasted = sf.addOpportunity({ name: 'Wingtip imaging', createdDate: '2026-11-10' });
    // The record's lookup is slower than the review may wait: linked by its id, its creation date unknown.
    sf.fail({ method: 'GET', path: /\/sobjects\/Opportunity\// }, { delayMs: 4000 });
    const { text } = await submitForReview(h, {
      ...unpasted('Wingtip Dental', 'wingtipdental.example'),
      crmOpportunity: lightning(pasted),
      partnerTouchOn: '2026-11-02',
    });
    expect(text).toContain(
      `*Attribution*: Partner-influenced\nSalesforce was searched for an account named “Wingtip Dental” or with the website wingtipdental.example: it found no opportunity open when the partner first acted or created since. The packet names “${pasted}”, which Salesforce did not confirm in time (it is read again once Salesforce answers); the class comes from it. Its creation date is not given, so it counts as an existing opportunity and the partner influenced it.`,
    );
    expect(text).toContain(
      `The packet's “${pasted}” was not confirmed by Salesforce in time; the class comes from it.`,
    );
    expect(text).not.toContain('An opportunity already exists');
  });
});
