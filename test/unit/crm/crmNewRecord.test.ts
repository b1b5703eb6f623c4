import { describe, expect, it } from 'vitest';
import { firstOpenStage } from '../../../src/crm/hubspotDeals.js';
import { CLOSE_AFTER_DAYS, carriesMarker, closeDateOf, newRecordFor } from '../../../src/crm/newRecord.js';

/** The record the AE asks for at the accept: its name, close date, amount and marker. */
describe('the record created at the accept', () => {
  const h = {
    id: 12,
    accountName: 'Northwind Logistics',
    aeName: 'Jordan Seller',
    aeTimeZone: 'America/New_York',
    // Tuesday 22:30 in New York is Wednesday in UTC: the accept's day is the AE's.
    decidedAt: new Date('2026-11-25T03:30:00Z'),
    firstStep: 'Intro call with Dana',
    firstStepDue: '2026-11-27',
    estimatedValue: 48_000,
  };

  it('closes 90 days after the accept in the AE’s calendar, or on the step’s date when that is later', () => {
    expect(CLOSE_AFTER_DAYS).toBe(90);
    expect(closeDateOf('2026-11-24', '2026-11-27')).toBe('2027-02-22');
    expect(closeDateOf('2026-11-24', '2027-03-01')).toBe('2027-03-01');
    expect(closeDateOf('2026-11-24', null)).toBe('2027-02-22');
  });

  it('names the account and the partner, carries the estimate, the facts and the marker', () => {
    const record = newRecordFor(h, 'Meridian', { accountId: '001A', marker: 'cosell12c1', now: new Date() });
    expect(record).toEqual({
      name: 'Northwind Logistics – co-sell with Meridian',
      closeDate: '2027-02-22',
      amount: 48_000,
      accountId: '001A',
      description: [
        'Created at the accept of co-sell handoff #12 by the co-sell handoff app in Slack.',
        'Partner: Meridian',
        'Account executive: Jordan Seller',
        'First step: Intro call with Dana, by 2026-11-27',
        'ref cosell12c1',
      ].join('\n'),
      marker: 'cosell12c1',
    });
    expect(
      newRecordFor({ ...h, estimatedValue: null }, 'M', { accountId: null, marker: 'm', now: new Date() }),
    ).toMatchObject({
      amount: null,
      accountId: null,
    });
  });

  it('cuts a long name to what Salesforce holds (120), between two characters', () => {
    const long = newRecordFor({ ...h, accountName: `${'A'.repeat(110)} 🚀🚀` }, 'Meridian', {
      accountId: null,
      marker: 'm',
      now: new Date(),
    });
    expect(long.name.length).toBeLessThanOrEqual(120);
    expect(long.name.startsWith('A'.repeat(110))).toBe(true);
  });

  it('finds its marker as a line of its own, not inside a longer one', () => {
    expect(carriesMarker('x\nref cosell12c1', 'cosell12c1')).toBe(true);
    expect(carriesMarker('x\nref cosell12c10', 'cosell12c1')).toBe(false);
    expect(carriesMarker(null, 'cosell12c1')).toBe(false);
  });

  it('starts a HubSpot deal in the default pipeline’s first open stage', () => {
    const stage = (id: string, displayOrder: number, isClosed = false) =>
      ({ id, label: id, displayOrder, archived: false, metadata: { isClosed: String(isClosed) } }) as never;
    const pipeline = (id: string, displayOrder: number, stages: never[]) =>
      ({ id, label: id, displayOrder, archived: false, stages }) as never;
    expect(
      firstOpenStage([
        pipeline('renewals', 0, [stage('r1', 0)]),
        pipeline('default', 1, [stage('closedwon', 0, true), stage('qualified', 2), stage('appointment', 1)]),
      ]),
    ).toEqual({ pipeline: 'default', stage: 'appointment' });
    expect(firstOpenStage([pipeline('only', 0, [stage('done', 0, true)])])).toBeUndefined();
  });
});
