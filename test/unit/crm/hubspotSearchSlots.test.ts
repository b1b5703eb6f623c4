import { describe, expect, it } from 'vitest';
import { createSearchSlots } from '../../../src/crm/hubspotAccounts.js';
import { CrmError } from '../../../src/crm/types.js';
import { SteppedTimers } from '../../support/steppedTimers.js';

/**
 * HubSpot's search limit (5 a second) as the app counts its own searches, on the timers it is given. On the real
 * clock, whether a sixth search in a test meets the limit depended on how fast the machine ran the five before it
 * (a fast one met it, and the review said "CRM not reached"); on the app's injected timers a test decides.
 */
describe('HubSpot search slots', () => {
  it('gives five searches a second, refuses a sixth that would wait past its limit, and frees a slot a second on', async () => {
    const timers = new SteppedTimers(1_000_000);
    const slot = createSearchSlots(timers);
    for (let i = 0; i < 5; i += 1) await slot(400);
    await timers.advance(300);
    // The oldest slot frees 1,005 ms after it was taken: 705 ms from now, more than the review's 400 ms.
    const refused = await slot(400).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(CrmError);
    expect((refused as CrmError).message).toBe('HubSpot: rate limited (this second’s searches are used)');
    expect((refused as CrmError).opts).toMatchObject({ transient: true, retryAfterMs: 705 });
    // However long the real machine takes, nothing moved: the same answer.
    await expect(slot(400)).rejects.toThrow('rate limited');
    await timers.advance(700);
    await slot(400);
  });

  it('waits for a slot on the timers when its limit allows, and takes it once they reach it', async () => {
    const timers = new SteppedTimers(1_000_000);
    const slot = createSearchSlots(timers);
    for (let i = 0; i < 5; i += 1) await slot(400);
    let taken = false;
    const waiting = slot(2_000).then(() => {
      taken = true;
    });
    await timers.advance(1_000);
    expect(taken).toBe(false);
    await timers.advance(5);
    await waiting;
    expect(taken).toBe(true);
    expect(timers.scheduled()).toEqual([]);
  });
});
