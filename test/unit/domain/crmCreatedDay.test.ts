import { describe, expect, it } from 'vitest';
import { createdOf } from '../../../src/crm/types.js';
import { createdDay, createdDaysAnywhere, inAuthorZone } from '../../../src/domain/attribution.js';

/** a CRM's creation moment is a day in the author's zone, not its UTC day. */
describe("an opportunity's creation day", () => {
  it("reads the CRMs' timestamps as moments (Salesforce's +0000, HubSpot's Z, epoch milliseconds)", () => {
    const moment = { createdOn: '2026-11-23', createdAt: '2026-11-23T00:30:00.000Z' };
    expect(createdOf('2026-11-23T00:30:00.000+0000')).toEqual(moment);
    expect(createdOf('2026-11-23T00:30:00.000Z')).toEqual(moment);
    expect(createdOf(String(Date.parse('2026-11-23T00:30:00Z')))).toEqual(moment);
    // A bare day has no moment: it stays that day.
    expect(createdOf('2026-11-23')).toEqual({ createdOn: '2026-11-23', createdAt: null });
    expect(createdOf(null)).toEqual({ createdOn: null, createdAt: null });
  });

  it("is the author's day: Sunday 18:30 and 19:30 in New York are Sunday, whatever UTC or Berlin say", () => {
    const sundayNy = createdOf('2026-11-22T23:30:00.000+0000');
    expect(createdDay(sundayNy, 'America/New_York')).toBe('2026-11-22');
    expect(createdDay(sundayNy, 'Europe/Berlin')).toBe('2026-11-23');
    const mondayUtc = createdOf('2026-11-23T00:30:00.000+0000');
    expect(mondayUtc.createdOn).toBe('2026-11-23');
    expect(createdDay(mondayUtc, 'America/New_York')).toBe('2026-11-22');
    // No zone known: the day as the CRM gave it.
    expect(createdDay(mondayUtc, undefined)).toBe('2026-11-23');
    expect(createdDaysAnywhere(mondayUtc)).toEqual({ earliest: '2026-11-22', latest: '2026-11-23' });
  });

  it("reads every opportunity of the CRM's answer in the author's zone", () => {
    const check = {
      kind: 'checked' as const,
      crm: 'Salesforce',
      systems: ['salesforce' as const],
      opportunities: [
        {
          system: 'salesforce' as const,
          id: '006A',
          name: 'Evening',
          stage: 'Prospecting',
          ...createdOf('2026-11-23T00:30:00.000+0000'),
          closed: false,
          closedOn: null,
        },
      ],
    };
    const local = inAuthorZone(check, 'America/New_York');
    expect(local?.kind === 'checked' && local.opportunities[0]?.createdOn).toBe('2026-11-22');
    expect(inAuthorZone(check, undefined)).toBe(check);
  });
});
