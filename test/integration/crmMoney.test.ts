import { parse } from 'csv-parse/sync';
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { touchLogCsv } from '../../src/revops/exportCsv.js';
import { openAcceptModal, submitAccept } from '../support/acceptFlow.js';
import { account, stopAll } from '../support/crmFlow.js';
import { FakeHubspot } from '../support/fakeHubspot.js';
import { FakeSalesforce } from '../support/fakeSalesforce.js';
import { sendHandoff } from '../support/flow.js';
import { type Harness, startHarness, waitFor } from '../support/harness.js';
import { outboxDrained } from '../support/ownerFlow.js';
import { accept, clickOutcome } from '../support/partnerFlow.js';
import { channels } from '../support/people.js';
import { blocksOf, openHome, QUIET, ROLES, revopsUser, sectionTexts } from '../support/revopsFlow.js';

/**
 * The read-back reads each linked opportunity's amount, currency, stage, close date and owner into `crm_money` with a
 * history, converts to one reporting currency with Salesforce's own dated rates, and RevOps read the figures in the App
 * Home, the digest and the CSV, checked here against a hand count. The partner reads none of it.
 */
const NOW = '2026-11-25T14:00:00Z';

/** The weekly digest the app posts now (or as at `at`) to the internal channel, as text. */
async function digestOf(h: Harness, at?: string): Promise<string> {
  const posts = () =>
    h.slack.calls.filter((c) => c.method === 'chat.postMessage' && c.args.channel === channels.internal.id);
  const before = posts().length;
  expect(await h.app.digest.post(at === undefined ? undefined : new Date(at))).toBe('posted');
  const digest = await waitFor(
    () =>
      posts()
        .slice(before)
        .find((c) => c.status !== 0),
    8000,
    'the digest',
  );
  return JSON.stringify(digest.args.blocks);
}

describe('money read back from Salesforce, in one currency', () => {
  let sf: FakeSalesforce;
  let h: Harness;
  let usdOpp: string;
  let eurOpp: string;
  let usdId: number;
  let eurId: number;

  beforeAll(async () => {
    sf = await FakeSalesforce.start({ multiCurrency: true, advancedCurrency: true, currency: 'USD' });
    sf.org.addCurrency({ isoCode: 'EUR', conversionRate: 0.95 });
    // From November 1st, 0.9 EUR buy one USD: a deal closing on 2026-11-20 is converted at 0.9.
    sf.org.addDatedRate({ isoCode: 'EUR', conversionRate: 0.9, startDate: '2026-11-01' });
    h = await startHarness({
      now: NOW,
      env: {
        ...QUIET,
        ...ROLES,
        DIGEST_CHANNEL_ID: channels.internal.id,
        ...sf.env,
      },
    });
    usdOpp = sf.addOpportunity({
      name: 'Northwind expansion',
      stageName: 'Prospecting',
      amount: 100_000,
      currencyIsoCode: 'USD',
      closeDate: '2027-01-29',
      createdDate: '2026-10-01',
    });
    eurOpp = sf.addOpportunity({
      name: 'Fabrikam rollout',
      stageName: 'Needs Analysis',
      amount: 90_000,
      currencyIsoCode: 'EUR',
      closeDate: '2026-12-15',
      createdDate: '2026-10-06',
    });
    usdId = (await sendHandoff(h, { crmOpportunity: usdOpp, ...account('Northwind') })).handoff.id;
    eurId = (await sendHandoff(h, { crmOpportunity: eurOpp, ...account('Fabrikam') })).handoff.id;
    await accept(h, usdId);
    await accept(h, eurId);
    await outboxDrained(h);
  });
  afterAll(() => stopAll(h, sf));

  const poll = async () => {
    h.clock.advance(301_000);
    await h.app.scheduler.runNow('crm-read-back');
  };
  const money = (handoffId: number) =>
    h.database.db.select().from(h.tables.crmMoney).where(eq(h.tables.crmMoney.handoffId, handoffId));
  const history = (handoffId: number) =>
    h.database.db
      .select()
      .from(h.tables.crmMoneyHistory)
      .where(eq(h.tables.crmMoneyHistory.handoffId, handoffId))
      .orderBy(asc(h.tables.crmMoneyHistory.id));
  const classOf = async (id: number) =>
    (await h.database.db.select().from(h.tables.handoffs).where(eq(h.tables.handoffs.id, id)))[0]
      ?.classification;
  /** The App Home's Money section as RevOps reads it: its sections, and the context line naming the source. */
  const moneyText = async () => {
    const blocks = blocksOf(await openHome(h, revopsUser.id));
    const texts = sectionTexts(blocks).filter((t) => /Money|By score band/.test(t));
    const source = JSON.stringify(blocks).match(/Source: [^"]*/)?.[0] ?? '';
    return [...texts, source].join('\n');
  };

  it('reads amount, currency, stage, close date and owner, and keeps a history of changes', async () => {
    await poll();
    expect(await money(usdId)).toMatchObject([
      { amount: 100_000, currency: 'USD', stage: 'Prospecting', closed: false, closeDate: '2027-01-29' },
    ]);
    expect((await money(eurId))[0]).toMatchObject({
      amount: 90_000,
      currency: 'EUR',
      stage: 'Needs Analysis',
    });
    expect((await money(usdId))[0]?.owner).toMatch(/@/);
    // The CRM's rates are kept: EUR against USD, dated.
    const [rates] = await h.database.db.select().from(h.tables.crmCurrencies);
    expect(rates?.corporate).toBe('USD');
    expect(rates?.rates).toContainEqual({ currency: 'EUR', perCorporate: 0.9, from: '2026-11-01', to: null });

    // A second poll with nothing changed writes no history; a change of amount and stage writes one row.
    await poll();
    expect(await history(usdId)).toHaveLength(1);
    sf.changeOpportunity(usdOpp, { amount: 120_000, stageName: 'Negotiation/Review' });
    await poll();
    expect((await history(usdId)).map((r) => [r.amount, r.stage])).toEqual([
      [100_000, 'Prospecting'],
      [120_000, 'Negotiation/Review'],
    ]);
  });

  it('shows RevOps pipeline and closed won in USD, against a hand count, and names its source', async () => {
    // The EUR deal closes won on 2026-11-20: 90,000 EUR at 0.9 EUR per USD is $100,000.
    sf.closeOpportunity(eurOpp, { won: true });
    sf.changeOpportunity(eurOpp, { closeDate: '2026-11-20' });
    await poll();
    expect(
      (await h.database.db.select().from(h.tables.handoffs).where(eq(h.tables.handoffs.id, eurId)))[0]
        ?.outcome,
    ).toBe('won');
    // Both opportunities existed (October) before the partner acted (the day of sending): partner-influenced.
    expect([await classOf(usdId), await classOf(eurId)]).toEqual([
      'partner_influenced',
      'partner_influenced',
    ]);
    const text = await moneyText();
    // Hand count: the open USD deal ($120,000) is the pipeline; the won EUR deal ($100,000) the closed won.
    expect(text).toContain(
      '*Partner-influenced*: pipeline: $120,000 (1 deal) · closed won: $100,000 (1 deal)',
    );
    expect(text).toContain('*Partner-sourced*: pipeline: none · closed won: none');
    expect(text).toMatch(
      /Source: Salesforce, read .*\. Amounts in USD, converted with the CRM's own rates\./,
    );
    // The partner thread never reads an amount, a currency or a stage.
    const partner = JSON.stringify(h.slack.messages('C0PARTNER').map((m) => [m.text, m.blocks]));
    for (const secret of [
      '120,000',
      '90,000',
      '100,000',
      'EUR',
      'Negotiation',
      'Needs Analysis',
      'Prospecting',
    ])
      expect(partner).not.toContain(secret);
  });

  it('puts the money in the CSV: the amount as the CRM holds it, and in USD', async () => {
    const { csv } = await touchLogCsv(h.database.db, {
      since: new Date('2026-11-01T00:00:00Z'),
      until: new Date('2026-12-01T00:00:00Z'),
    });
    const rows = parse(csv, { columns: true }) as Record<string, string>[];
    const byId = new Map(rows.map((r) => [Number(r.handoff_id), r]));
    expect(byId.get(usdId)).toMatchObject({
      crm_system: 'salesforce',
      crm_amount: '120000',
      crm_currency: 'USD',
      crm_stage: 'Negotiation/Review',
      crm_state: 'open',
      reporting_currency: 'USD',
      amount_reporting: '120000',
    });
    expect(byId.get(eurId)).toMatchObject({
      crm_amount: '90000',
      crm_currency: 'EUR',
      crm_state: 'won',
      crm_close_date: '2026-11-20',
      amount_reporting: '100000',
    });
  });

  it('puts the week in money in the weekly digest: the deal won on 2026-11-20', async () => {
    const text = await digestOf(h);
    expect(text).toContain('closed won: $100,000 (1 deal)');
    expect(text).toContain('Source: Salesforce, read');
  });
});

describe('money read back from HubSpot, in the reporting currency the program sets', () => {
  let hs: FakeHubspot;
  let h: Harness;

  beforeAll(async () => {
    hs = await FakeHubspot.start();
    // A USD account; from November 1st one euro makes 1.1 dollars (HubSpot converts each deal with it).
    hs.currencies.addRate({ from: 'EUR', conversionRate: 1.1, effectiveAt: '2026-11-01' });
    h = await startHarness({
      now: NOW,
      env: {
        ...QUIET,
        ...ROLES,
        HUBSPOT_ACCESS_TOKEN: hs.accessToken,
        HUBSPOT_API_URL: hs.apiUrl,
        // Read once into the program's settings (RevOps reporting → Reporting currency).
        REPORTING_CURRENCY: 'eur',
      },
    });
  });
  afterAll(() => stopAll(h, hs));

  it('adds a euro deal as it is and a dollar deal at HubSpot’s rate, and tells the partner nothing', async () => {
    const euro = hs.addDeal({
      name: 'Litware platform',
      amount: 50_000,
      currency: 'EUR',
      closeDate: '2027-02-26',
      createdAt: '2026-10-01',
    });
    const dollar = hs.addDeal({
      name: 'Adatum rollout',
      amount: 33_000,
      closeDate: '2027-03-31',
      createdAt: '2026-10-02',
    });
    const deal = (id: string) => `https://app.hubspot.com/contacts/4412345/record/0-3/${id}`;
    const first = (await sendHandoff(h, { crmOpportunity: deal(euro), ...account('Litware') })).handoff.id;
    const second = (await sendHandoff(h, { crmOpportunity: deal(dollar), ...account('Adatum') })).handoff.id;
    await accept(h, first);
    await accept(h, second);
    await outboxDrained(h);
    h.clock.advance(301_000);
    await h.app.scheduler.runNow('crm-read-back');

    const rows = await h.database.db
      .select()
      .from(h.tables.crmMoney)
      .orderBy(asc(h.tables.crmMoney.handoffId));
    // The euro deal with HubSpot's own conversion; the other has no currency of its own (the company's, USD).
    expect(rows.map((r) => [r.amount, r.currency])).toEqual([
      [50_000, 'EUR'],
      [33_000, null],
    ]);
    expect(rows[0]?.amountCorporate).toBeCloseTo(55_000, 6);
    // Hand count in EUR: 50,000 as it is, and 33,000 USD at 1.1 USD per EUR is 30,000 EUR: €80,000.
    const blocks = blocksOf(await openHome(h, revopsUser.id));
    const money = sectionTexts(blocks).find((t) => t.startsWith('*Money*')) ?? '';
    expect(money).toContain('*Partner-influenced*: pipeline: €80,000 (2 deals) · closed won: none');
    expect(JSON.stringify(blocks)).toMatch(
      /Source: HubSpot, read [^"]*\. Amounts in EUR, converted with the CRM's own rates\./,
    );
    const partner = JSON.stringify(h.slack.messages('C0PARTNER').map((m) => [m.text, m.blocks]));
    for (const secret of ['50,000', '33,000', '80,000', 'EUR', 'appointmentscheduled'])
      expect(partner).not.toContain(secret);
  });
});

/**
 * A close belongs to exactly one week. Contoso closes won on Monday 7 December; the digest of the week of 30 November,
 * posted that Monday at 09:00, counts it nowhere (not in money, not in the CRM's closed deals), and the digest of the
 * week of 7 December counts it once. In Berlin, east of UTC, where a week's first midnight is the Sunday before in UTC.
 */
describe('a close counted in the one week that holds its day', () => {
  let sf: FakeSalesforce;
  let h: Harness;
  let opp: string;

  beforeAll(async () => {
    sf = await FakeSalesforce.start({ currency: 'USD' });
    h = await startHarness({
      now: '2026-12-01T10:00:00Z',
      env: {
        ...QUIET,
        ...ROLES,
        DIGEST_CHANNEL_ID: channels.internal.id,
        DIGEST_TIMEZONE: 'Europe/Berlin',
        ...sf.env,
      },
    });
    opp = sf.addOpportunity({
      name: 'Contoso platform',
      stageName: 'Prospecting',
      amount: 52_174,
      currencyIsoCode: 'USD',
      closeDate: '2026-12-31',
      createdDate: '2026-10-01',
    });
    // A deal without a partner closed on Sunday 6 December: in the week of 30 November, and only there.
    const other = sf.addOpportunity({
      name: 'Fabrikam direct',
      stageName: 'Prospecting',
      amount: 9_000,
      currencyIsoCode: 'USD',
      closeDate: '2026-12-06',
      createdDate: '2026-10-01',
    });
    sf.closeOpportunity(other, { won: true });
    const id = (await sendHandoff(h, { crmOpportunity: opp, ...account('Contoso') })).handoff.id;
    await accept(h, id);
    await outboxDrained(h);
  });
  afterAll(() => stopAll(h, sf));

  it('counts the Monday close in the week it starts, and not in the week before', async () => {
    sf.closeOpportunity(opp, { won: true });
    sf.changeOpportunity(opp, { closeDate: '2026-12-07' });
    // Monday 7 December, 08:55 in Berlin: the read-back sees the close before the digest of the week before goes out.
    h.clock.set(new Date('2026-12-07T07:55:00Z'));
    await h.app.scheduler.runNow('crm-read-back');
    const weekBefore = await digestOf(h, '2026-12-07T08:00:00Z');
    expect(weekBefore).toContain('week of 2026-11-30');
    expect(weekBefore).toContain('closed won: none');
    expect(weekBefore).not.toContain('52,174');
    // The CRM's closed deals of that week: the Sunday one without a partner, not Contoso's.
    expect(weekBefore).toContain('With a partner: none closed');
    expect(weekBefore).toMatch(/Without: 1 won of 1/);

    h.clock.set(new Date('2026-12-14T07:55:00Z'));
    const weekOf = await digestOf(h, '2026-12-14T08:00:00Z');
    expect(weekOf).toContain('week of 2026-12-07');
    expect(weekOf).toContain('closed won: $52,174 (1 deal)');
    expect(weekOf).toMatch(/With a partner: 1 won of 1/);
    expect(weekOf).toContain('Without: none closed');
  });
});

/**
 * Accepted deals with no CRM deal. The AE's estimate counts as an estimate, labelled apart from the CRM's pipeline; a
 * deal won in Slack counts as won (at the estimate), beside the CRM's closed won, never "none" beside "1 won" in the
 * same view.
 */
describe('money of accepted deals with no CRM deal', () => {
  let sf: FakeSalesforce;
  let h: Harness;

  beforeAll(async () => {
    sf = await FakeSalesforce.start({ currency: 'USD' });
    h = await startHarness({
      now: NOW,
      env: {
        ...QUIET,
        ...ROLES,
        ...sf.env,
      },
    });
    await h.app.scheduler.stop();
  });
  afterAll(() => stopAll(h, sf));

  it('counts the estimate apart, and the deal won in Slack as won', async () => {
    const open = (await sendHandoff(h, account('Northwind'))).handoff.id;
    const won = (await sendHandoff(h, account('Fabrikam'))).handoff.id;
    const unpriced = (await sendHandoff(h, account('Contoso'))).handoff.id;
    await accept(h, open, undefined, { estimatedValue: '48000' });
    await accept(h, won, undefined, { estimatedValue: '30000' });
    await accept(h, unpriced);
    await outboxDrained(h);
    await clickOutcome(h, 'won', won);
    await clickOutcome(h, 'won', unpriced);
    await outboxDrained(h);
    h.clock.advance(60_000);
    const blocks = blocksOf(await openHome(h, revopsUser.id));
    const text = sectionTexts(blocks).join('\n');
    // All three are partner-influenced (the packet names an opportunity that existed; the CRM lists none on them).
    expect(text).toContain(
      "*Partner-influenced*: pipeline: none · closed won: none; without a CRM deal, at the AE's estimate: estimated pipeline $48,000 (1 deal) · won in Slack $30,000 (2 deals; 1 without an estimate)",
    );
    expect(text).toContain('*Partner-sourced*: pipeline: none · closed won: none\n');
  });

  it('lets the AE link the opportunity at the accept, checked with the CRM, and then counts it from the CRM', async () => {
    const opp = sf.addOpportunity({
      name: 'Litware platform',
      stageName: 'Prospecting',
      amount: 70_000,
      currencyIsoCode: 'USD',
      closeDate: '2027-02-26',
      createdDate: '2026-10-01',
    });
    const id = (await sendHandoff(h, account('Litware'))).handoff.id;
    const modal = await openAcceptModal(h, { handoffId: id });
    expect(JSON.stringify(modal.blocks)).toContain('Salesforce opportunity (internal)');
    // Text that names no record of the connected CRM: an inline error, nothing recorded.
    expect(await submitAccept(h, modal, { typed: { crmOpportunity: 'the big one' } })).toEqual({
      response_action: 'errors',
      errors: {
        accept_crm_opportunity:
          'Paste the link (or id) of an opportunity or deal in the connected CRM, or leave this empty.',
      },
    });
    expect((await handoffOf(id))?.status).toBe('sent');
    expect(await submitAccept(h, modal, { typed: { crmOpportunity: opp } })).toEqual({});
    expect(await handoffOf(id)).toMatchObject({
      status: 'accepted',
      crmSystem: 'salesforce',
      crmRecordId: expect.stringMatching(new RegExp(`^${opp.slice(0, 15)}`)),
      crmRecordName: 'Litware platform',
    });
    // A handoff already linked is not asked again.
    const other = (await sendHandoff(h, account('Adatum'))).handoff.id;
    const otherOpp = sf.addOpportunity({
      name: 'Adatum pilot',
      stageName: 'Prospecting',
      amount: 5_000,
      currencyIsoCode: 'USD',
      createdDate: '2026-10-01',
    });
    await h.database.db.transaction((tx) =>
      tx
        .update(h.tables.handoffs)
        .set({ crmSystem: 'salesforce', crmRecordId: otherOpp })
        .where(eq(h.tables.handoffs.id, other)),
    );
    const linkedModal = await openAcceptModal(h, { handoffId: other });
    expect(JSON.stringify(linkedModal.blocks)).not.toContain('opportunity (internal)');
    await outboxDrained(h);
    h.clock.advance(301_000);
    await h.app.scheduler.runNow('crm-read-back');
    h.clock.advance(60_000);
    const text = sectionTexts(blocksOf(await openHome(h, revopsUser.id))).join('\n');
    // Litware's $70,000 from the CRM now, not an estimate (and Adatum's linked pilot, $5,000).
    expect(text).toContain('*Partner-influenced*: pipeline: $75,000 (2 deals) · closed won: none');
  });

  const handoffOf = async (id: number) =>
    (await h.database.db.select().from(h.tables.handoffs).where(eq(h.tables.handoffs.id, id)))[0];
});
