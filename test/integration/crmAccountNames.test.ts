import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { submitForReview, unpasted } from '../support/attributionFlow.js';
import { salesforceApp, stopAll } from '../support/crmFlow.js';
import type { FakeSalesforce } from '../support/fakeSalesforce.js';
import type { Harness } from '../support/harness.js';

/**
 * The review's account lookup finds real names: `&`, apostrophes, hyphens, dotted initials and accented letters,
 * spelled as in the CRM or otherwise, with both sides normalised; and where it finds nothing, the review says what was
 * searched, never that no opportunity exists. Through the real app, against the fake Salesforce's SOQL (LIKE ignores
 * case, not accents, as Salesforce's). HubSpot's: test/unit/crm/crmAccountNames.test.ts, and what it searched in
 * test/integration/crmAttribution.test.ts.
 */

/** As the review shows user text (Slack's mrkdwn escapes). */
const shown = (text: string) => text.replaceAll('&', '&amp;');

/** As stored in the CRM, and as an author types it in the packet. */
const NAMES: [stored: string, typed: string][] = [
  ['Smith & Jones Dental', 'Smith & Jones Dental'],
  ['Smith & Wesson Health', 'Smith and Wesson Health'],
  ["O'Brien Health", "O'Brien Health"],
  ['O’Connor Clinics', "O'Connor Clinics"],
  ['Jean-Luc Pharmacies', 'Jean Luc Pharmacies'],
  ['A.B. Dental Labs', 'AB Dental Labs'],
  ['Clínica Saúde Integral', 'Clínica Saúde Integral'],
  ['Müller Orthopädie GmbH', 'Muller Orthopadie'],
];

describe('Salesforce: account names as people write them', () => {
  let sf: FakeSalesforce;
  let h: Harness;
  beforeAll(async () => {
    ({ sf, h } = await salesforceApp());
    for (const [stored] of NAMES) {
      const accountId = sf.addAccount({ name: stored });
      sf.addOpportunity({ name: `${stored} renewal`, accountId, createdDate: '2026-10-01' });
    }
    // Names with the same words that are other accounts: found by the query, dropped by the app.
    const other = sf.addAccount({ name: 'Smith & Jones Dental Supply' });
    sf.addOpportunity({ name: 'Supply contract', accountId: other, createdDate: '2026-09-01' });
  });
  afterAll(() => stopAll(h, sf));

  it.each(NAMES)('finds the opportunity of “%s” from the packet’s “%s”', async (stored, typed) => {
    const { text } = await submitForReview(h, unpasted(typed, null));
    expect(text).toContain(shown(`${stored} renewal`));
    expect(text).toContain('*Attribution*: Partner-influenced');
    expect(text).not.toContain('Supply contract');
  });

  it('says what it searched in Salesforce when it finds nothing, not that no opportunity exists', async () => {
    const { text } = await submitForReview(h, unpasted('Northwind Traders', 'northwind.example'));
    expect(text).toContain(
      '*Attribution*: Partner-sourced\nSalesforce was searched for an account named “Northwind Traders” or with the website northwind.example: it found no opportunity open when the partner first acted or created since, and the packet names none.',
    );
    expect(text).toContain(
      ':mag: Salesforce was searched for Northwind Traders (by its name and northwind.example) and gave no opportunity open when the partner first acted on 2026-11-23 or created since. If it has one under another name, paste its link in the packet.',
    );
    expect(text).not.toContain('checked: no opportunity');
  });
});
