import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { salesforceApp, stopAll } from '../support/crmFlow.js';
import type { FakeSalesforce } from '../support/fakeSalesforce.js';
import { sendHandoff } from '../support/flow.js';
import { type Harness, waitFor } from '../support/harness.js';
import { handoffRow, outboxDrained } from '../support/ownerFlow.js';
import { accept } from '../support/partnerFlow.js';
import { people } from '../support/people.js';
import { blocksOf, openHome, ROLES, sectionTexts } from '../support/revopsFlow.js';

/**
 * End to end: the deals the CRM closed in the period, with a partner (linked to a handoff) and without (all the others
 * it closed), on RevOps' App Home. A handoff linked to a Salesforce opportunity is accepted; Salesforce closes it and
 * three others in the period (one won, two lost), one before it, and leaves one open; the read-back polls; RevOps opens
 * the Home (the last 30 days: 2026-10-24 to 2026-11-23, the harness's today).
 */
describe('RevOps App Home: deals closed with and without a partner (Salesforce)', () => {
  let sf: FakeSalesforce;
  let h: Harness;

  beforeAll(async () => {
    ({ sf, h } = await salesforceApp({ env: { ...ROLES, OUTBOX_UNCERTAIN_WAIT_MS: '300' } }));
    // No job on the real clock (the minute's metrics job would republish the Home mid-test); runNow still runs one.
    await h.app.scheduler.stop();
  });
  afterAll(() => stopAll(h, sf));

  it('counts the linked deal with a partner and every other deal closed in the period without', async () => {
    const linked = sf.addOpportunity({
      name: 'Northwind expansion',
      stageName: 'Negotiation',
      amount: 125_000,
      createdDate: '2026-10-01',
      closeDate: '2026-11-20',
    });
    const close = (name: string, won: boolean, createdDate: string, closeDate: string) =>
      sf.addOpportunity({ name, stageName: won ? 'Closed Won' : 'Closed Lost', createdDate, closeDate });
    // Without a partner, in the period: 56 days (won), 13 days (lost), 17 days (lost).
    close('Contoso renewal', true, '2026-09-15', '2026-11-10');
    close('Fabrikam pilot', false, '2026-10-20', '2026-11-02');
    close('Adatum rollout', false, '2026-11-01', '2026-11-18');
    // Not in the period: closed before it, and still open.
    close('Litware old deal', true, '2026-08-01', '2026-10-23');
    sf.addOpportunity({ name: 'Tailwind open', stageName: 'Prospecting', closeDate: '2026-11-15' });

    const { handoff } = await sendHandoff(h, { crmOpportunity: linked });
    await accept(h, handoff.id);
    await outboxDrained(h);
    sf.closeOpportunity(linked, { won: true });
    h.clock.advance(301_000);
    await h.app.scheduler.runNow('crm-read-back');
    expect((await handoffRow(h, handoff.id)).outcome).toBe('won');
    await outboxDrained(h);

    // The Home waits a moment for the CRM and keeps its answer ten minutes: whether the first open had it in time or
    // not (a loaded machine), the next open shows it, with no second query.
    const closedQuery = () =>
      sf.calls.filter((c) => String(c.query.q ?? '').includes('IsClosed = true') && c.status !== 0);
    await openHome(h, people.member.id);
    await waitFor(() => closedQuery().length === 1, 8000, 'the closed deals read');
    const text = sectionTexts(blocksOf(await openHome(h, people.member.id))).join('\n');
    expect(closedQuery().map((c) => c.status)).toEqual([200]);
    // With a partner: created 2026-10-01, closed 2026-11-20 (50 days). Without: the median of 56, 13 and 17 days.
    expect(text).toContain(
      '*Deals closed in the period*, all the CRM holds: With a partner: 1 won of 1 (100%), 50 days to close (median). Without: 1 won of 3 (33%), 17 days to close (median).',
    );
    expect(text).not.toContain('could not be asked for its closed deals');
    // One query for the period's 30 days (a day counts in the period that holds its midnight: issue 77), the latest
    // closed first, both days included.
    expect(sf.queries().filter((q) => q.includes('IsClosed = true'))).toEqual([
      expect.stringContaining(
        'WHERE IsClosed = true AND CloseDate >= 2026-10-25 AND CloseDate <= 2026-11-23 ORDER BY CloseDate DESC LIMIT 2000',
      ),
    ]);
  });
});
