import { describe, expect, it } from 'vitest';
import { CrmError } from '../../../src/crm/types.js';
import { connectorsPerTest } from '../../support/crmConnectors.js';
import { ALL_SCOPES } from '../../support/fakeHubspotScopes.js';

/**
 * HubSpot's half of the money read-back, against the fake HubSpot: `states` reads each deal's amount, currency,
 * amount in the company currency, stage label, close date and owner's email in the same batch read; `currency` reads
 * the company currency and HubSpot's dated rates (settings.currencies.read), turned into units per company unit.
 */

const hubspot = connectorsPerTest().hubspot;
const setUp = async (scopes?: readonly string[]) => {
  const { fake: hs, crm: connector } = await hubspot(scopes ? { scopes } : {});
  return { hs, connector };
};

describe('HubSpot money read-back', () => {
  it('reads amount, currency, home amount, stage label, close date and owner email in one batch', async () => {
    const { hs, connector } = await setUp();
    hs.currencies.addRate({ from: 'EUR', conversionRate: 1.25, effectiveAt: '2026-01-01' });
    const ownerId = hs.addOwner({ email: 'jordan@example.com' });
    const eur = hs.addDeal({
      name: 'EUR deal',
      stage: 'contractsent',
      amount: 40_000,
      currency: 'EUR',
      ownerId,
      closeDate: '2026-12-15',
    });
    const usd = hs.addDeal({ name: 'USD deal', amount: '12500.5' });
    const gone = hs.addOwner({ email: 'gone@example.com' });
    const orphan = hs.addDeal({ name: 'Orphan', ownerId: gone });
    hs.archiveOwner(gone);
    const states = await connector.states([eur, usd, orphan]);
    expect(states.get(eur)?.money).toEqual({
      amount: 40_000,
      currency: 'EUR',
      amountCorporate: 50_000,
      stage: 'Contract Sent',
      closeDate: '2026-12-15',
      owner: 'jordan@example.com',
    });
    expect(states.get(usd)?.money).toMatchObject({
      amount: 12_500.5,
      currency: null,
      amountCorporate: 12_500.5,
      stage: 'Appointment Scheduled',
      closeDate: null,
      owner: null,
    });
    // An owner that cannot be read is kept by its id.
    expect(states.get(orphan)?.money?.owner).toBe(gone);
    expect(hs.batchReadCount).toBe(1);
    // A stage change and a new close date are read at the next poll.
    hs.setDeal(eur, { dealstage: 'closedwon', closedate: '2026-11-30T00:00:00.000Z' });
    const later = await connector.states([eur]);
    expect(later.get(eur)).toMatchObject({ closed: true, won: true });
    expect(later.get(eur)?.money).toMatchObject({ stage: 'Closed Won', closeDate: '2026-11-30' });
  });

  it('reads the company currency and the dated rates, per unit of the company currency, across pages', async () => {
    const { hs, connector } = await setUp();
    hs.currencies.setCompanyCurrency('EUR');
    hs.currencies.addRate({ from: 'USD', conversionRate: 0.8, effectiveAt: '2026-01-01' });
    hs.currencies.addRate({ from: 'GBP', conversionRate: 1.25, effectiveAt: '2026-01-01' });
    hs.currencies.addRate({ from: 'USD', conversionRate: 0.5, effectiveAt: '2026-07-01' });
    for (let i = 0; i < 120; i++)
      hs.currencies.addRate({
        from: 'JPY',
        conversionRate: 0.01,
        effectiveAt: `2025-${String((i % 12) + 1).padStart(2, '0')}-01`,
      });
    const currency = await connector.currency?.();
    expect(currency?.corporate).toBe('EUR');
    const usd = currency?.rates.filter((r) => r.currency === 'USD');
    expect(usd).toEqual([
      { currency: 'USD', perCorporate: 1.25, from: '2026-01-01', to: '2026-07-01' },
      { currency: 'USD', perCorporate: 2, from: '2026-07-01', to: null },
    ]);
    expect(currency?.rates.find((r) => r.currency === 'GBP')).toEqual({
      currency: 'GBP',
      perCorporate: 0.8,
      from: '2026-01-01',
      to: null,
    });
    // 123 rates: two pages of at most 100.
    expect(hs.calls.filter((c) => c.path.endsWith('/exchange-rates'))).toHaveLength(2);
  });

  it('throws a CrmError without settings.currencies.read (amounts then stay in their own currencies)', async () => {
    const { connector } = await setUp(ALL_SCOPES.filter((s) => s !== 'settings.currencies.read'));
    const error = await connector.currency?.().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CrmError);
    expect((error as CrmError).message).toMatch(
      /the service key lacks a scope \(it needs settings\.currencies\.read\)/,
    );
  });
});
