import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/clock.js';
import { createCrmDelivery } from '../../../src/crm/delivery.js';
import type { Crm } from '../../../src/crm/index.js';
import { taskSubject } from '../../../src/crm/salesforce.js';
import { type CrmActivity, type CrmConnector, CrmError } from '../../../src/crm/types.js';
import { firstInstallationOf } from '../../../src/db/owned.js';
import { logEvent } from '../../../src/db/repositories/events.js';
import { insertHandoff } from '../../../src/db/repositories/handoffs.js';
import type { OutboxRow } from '../../../src/db/schema.js';
import { createLogger } from '../../../src/logger.js';
import { classifyFailure } from '../../../src/outbox/failures.js';
import { hubspotOn, salesforceOn } from '../../support/crmConnectors.js';
import { FakeHubspot } from '../../support/fakeHubspot.js';
import { FakeSalesforce } from '../../support/fakeSalesforce.js';
import { sentHandoffRow } from '../../support/handoffRow.js';
import { scratchDatabases } from '../../support/scratchDb.js';

/**
 * The look for a write whose answer was lost, against the fake CRMs through the real
 * clients: a Task subject cut inside an emoji is still found; a look that cannot even be asked is retried a few times
 * and parked, not forever; a HubSpot note counts only on the deal it was written for.
 */

const logger = createLogger('silent');

/** "Co-sell handoff #12 sent to <AE>", the AE's name long enough that the subject is cut inside its last emoji. */
function activityCutInEmoji(marker: string): CrmActivity {
  const tail = ` (ref ${marker})`;
  const head = 'Co-sell handoff #12 sent to ';
  // 255 - tail: the subject's budget; the emoji's first half is the last unit that fits.
  const name = 'x'.repeat(255 - tail.length - head.length - 1);
  return {
    subject: `${head}${name}🎉 Jordan`,
    lines: ['Partner: Meridian', `${'y'.repeat(31_999)}🎉`],
    at: new Date('2026-11-23T14:05:00Z'),
    day: '2026-11-23',
    marker,
  };
}

const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe('a Salesforce Task subject cut inside an emoji', () => {
  let fake: FakeSalesforce;
  let crm: CrmConnector;
  beforeAll(async () => {
    fake = await FakeSalesforce.start();
    crm = salesforceOn(fake);
  });
  afterAll(() => fake.stop());

  it('is cut before the emoji, within 255 UTF-16 units, with the marker whole', () => {
    const subject = taskSubject(activityCutInEmoji('cosell12e345'));
    expect(subject.length).toBeLessThanOrEqual(255);
    expect(subject).not.toMatch(loneSurrogate);
    expect(subject).toMatch(/x \(ref cosell12e345\)$/);
    expect(() => encodeURIComponent(subject)).not.toThrow();
    // An emoji with a modifier is one character to its reader: not split between the two either.
    const thumbs = { ...activityCutInEmoji('m1'), subject: `${'a'.repeat(255 - 9 - 3)}👍🏽` };
    expect(taskSubject(thumbs)).toBe(`${'a'.repeat(243)} (ref m1)`);
    // Nor inside a family emoji: three people joined by zero-width joiners, eight units, one character.
    const family = { ...activityCutInEmoji('m2'), subject: `${'a'.repeat(255 - 9 - 4)}👩‍👩‍👧 and team 🎉` };
    expect(taskSubject(family)).toBe(`${'a'.repeat(242)} (ref m2)`);
  });

  it('is found by the look after a lost answer, so it is not written twice', async () => {
    const opp = fake.addOpportunity({ name: 'Emoji deal' });
    const activity = activityCutInEmoji('cosell12e346');
    const id = await crm.writeActivity(opp, activity);
    expect(await crm.findActivity(opp, activity)).toBe(id);
    const [task] = fake.tasks();
    expect(task?.Subject).toBe(taskSubject(activity));
    expect(String(task?.Description)).not.toMatch(loneSurrogate);
  });
});

describe('a look that cannot be asked (bounded)', () => {
  const withDatabase = scratchDatabases('crm-looks-');

  it('is parked after the outbox’s attempts (not transient), and stays uncertain so a retry looks again', () =>
    withDatabase(async (database) => {
      const db = firstInstallationOf(database.db);
      const at = new Date('2026-11-23T14:05:00Z');
      const { eventId, handoffId } = await db.transaction(async (tx) => {
        const { handoff } = await insertHandoff(
          tx,
          sentHandoffRow(at, {
            sourceViewId: 'V0LOOK',
            crmSystem: 'salesforce',
            crmRecordId: '006000000000001AAA',
          }),
        );
        const eventId = await logEvent(tx, { type: 'sent', before: null, after: handoff, actor: null, at });
        return { eventId, handoffId: handoff.id };
      });
      let writes = 0;
      const connector = {
        system: 'salesforce',
        label: 'Salesforce',
        findActivity: () => Promise.reject(new URIError('URI malformed')),
        writeActivity: async () => {
          writes += 1;
          return '00T000000000001AAA';
        },
      } as unknown as CrmConnector;
      const crm = { connector: () => connector, fieldMap: { salesforce: {}, hubspot: {} } } as unknown as Crm;
      const delivery = createCrmDelivery({ db, crm, logger, clock: systemClock });
      const row = {
        handoffId,
        payload: { system: 'salesforce', recordId: '006000000000001AAA', eventId },
      } as unknown as OutboxRow;
      const failed = await delivery.write(row, { lookFirst: true }).catch((error: unknown) => error);
      expect(failed).toBeInstanceOf(CrmError);
      expect(classifyFailure(failed)).toMatchObject({ transient: false, uncertain: true });
      expect(writes).toBe(0);
    }));
});

describe('HubSpot’s look checks the deal', () => {
  let fake: FakeHubspot;
  let crm: CrmConnector;
  beforeAll(async () => {
    fake = await FakeHubspot.start();
    crm = hubspotOn(fake);
  });
  afterAll(() => fake.stop());

  const activity = (marker: string): CrmActivity => ({
    subject: 'Co-sell handoff #12 accepted by Jordan Seller',
    lines: ['Partner: Meridian'],
    at: new Date('2026-11-23T14:05:00Z'),
    day: '2026-11-23',
    marker,
  });

  it('finds the note on its own deal, and not the same marker on another deal', async () => {
    const first = fake.addDeal({ name: 'First deal' });
    const second = fake.addDeal({ name: 'Second deal' });
    const written = activity('cosell12e400');
    const noteId = await crm.writeActivity(first, written);
    expect(await crm.findActivity(first, written)).toBe(noteId);
    // The handoff linked to another deal since: the note on the first deal is not this write on the second.
    expect(await crm.findActivity(second, written)).toBeUndefined();
    const search = fake.calls.filter((c) => c.path === '/crm/objects/2026-09/notes/search').at(-1);
    expect(search?.body).toMatchObject({
      filterGroups: [
        {
          filters: expect.arrayContaining([
            { propertyName: 'associations.deal', operator: 'EQ', value: second },
          ]),
        },
      ],
    });
  });
});
