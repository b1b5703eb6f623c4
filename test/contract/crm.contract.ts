import { expect, it } from 'vitest';
import { tablesOf } from '../../src/db/engine.js';
import {
  crmConnectionsOf,
  deleteCrmConnection,
  findEvent,
  findOpenLinked,
  findRelinked,
  hasCorrectionByPerson,
  insertClassificationCorrection,
  saveCrmConnection,
} from '../../src/db/repositories/crm.js';
import type { NewHandoffRow } from '../../src/db/schema.js';
import { sentHandoffRow } from '../support/handoffRow.js';
import { contract } from './engine.js';

export default contract('crm repository', ({ db, at }) => {
  let views = 0;

  async function handoff(over: Partial<NewHandoffRow> = {}): Promise<number> {
    views += 1;
    const row = sentHandoffRow(at, { sourceViewId: `V${views}`, ...over });
    const [inserted] = await db.transaction((tx) =>
      tx
        .insert(tablesOf(tx).handoffs)
        .values(row)
        .returning({ id: tablesOf(tx).handoffs.id }),
    );
    if (!inserted) throw new Error('no handoff inserted');
    return inserted.id;
  }

  const ids = (rows: { id: number }[]) => rows.map((r) => r.id).sort((a, b) => a - b);

  it('finds a touch-log event by its id, read back whole', async () => {
    const handoffId = await handoff();
    const { handoffEvents } = tablesOf(db);
    const [event] = await db.transaction((tx) =>
      tx
        .insert(tablesOf(tx).handoffEvents)
        .values({
          handoffId,
          type: 'accepted',
          fromStatus: 'sent',
          toStatus: 'accepted',
          actorUserId: 'U0AE',
          actorTeamId: 'T0INTERNAL',
          aeUserId: 'U0AE',
          assignment: 2,
          cycle: 3,
          at,
          businessHours: 4.25,
          detail: { reason: 'fit', nested: { list: [1, 'two', null], flag: true } },
        })
        .returning({ id: handoffEvents.id }),
    );
    const id = event?.id ?? 0;
    expect(await findEvent(db, id)).toEqual({
      installationId: 1,
      id,
      handoffId,
      type: 'accepted',
      fromStatus: 'sent',
      toStatus: 'accepted',
      actorUserId: 'U0AE',
      actorTeamId: 'T0INTERNAL',
      aeUserId: 'U0AE',
      assignment: 2,
      cycle: 3,
      at,
      businessHours: 4.25,
      detail: { reason: 'fit', nested: { list: [1, 'two', null], flag: true } },
    });
    expect(await findEvent(db, id + 1)).toBeUndefined();
  });

  it('reads an event’s missing values back as null', async () => {
    const handoffId = await handoff();
    const [event] = await db.transaction((tx) =>
      tx
        .insert(tablesOf(tx).handoffEvents)
        .values({
          handoffId,
          type: 'reminded',
          toStatus: 'sent',
          aeUserId: 'U0AE',
          assignment: 1,
          cycle: 1,
          at,
        })
        .returning({ id: tablesOf(tx).handoffEvents.id }),
    );
    const id = event?.id ?? 0;
    expect(await findEvent(db, id)).toMatchObject({
      fromStatus: null,
      actorUserId: null,
      actorTeamId: null,
      businessHours: null,
      detail: null,
    });
  });

  it('finds accepted handoffs linked to a record of the CRM whose deal is still open', async () => {
    const linked = { status: 'accepted', crmSystem: 'salesforce', crmRecordId: '006A' } as const;
    const noOutcome = await handoff(linked);
    const meeting = await handoff({ ...linked, outcome: 'meeting_held' });
    const opportunity = await handoff({ ...linked, outcome: 'opportunity_created' });
    await handoff({ ...linked, outcome: 'won' });
    await handoff({ ...linked, outcome: 'lost' });
    await handoff({ ...linked, status: 'sent' });
    await handoff({ ...linked, status: 'declined' });
    await handoff({ ...linked, crmRecordId: null });
    const hubspot = await handoff({ ...linked, crmSystem: 'hubspot', crmRecordId: '123' });
    await handoff({ status: 'accepted' });
    const found = await findOpenLinked(db, 'salesforce');
    expect(ids(found)).toEqual([noOutcome, meeting, opportunity]);
    expect(found.find((r) => r.id === meeting)).toMatchObject({
      crmSystem: 'salesforce',
      crmRecordId: '006A',
      outcome: 'meeting_held',
      sentAt: at,
      partnerAgreedInWriting: true,
    });
    expect(ids(await findOpenLinked(db, 'hubspot'))).toEqual([hubspot]);
  });

  it('finds classified handoffs whose link differs from the one their class was decided with', async () => {
    const classified = {
      crmSystem: 'hubspot',
      crmRecordId: '42',
      classification: 'partner_sourced',
    } as const;
    const never = await handoff({ ...classified, classifiedLink: null });
    const other = await handoff({ ...classified, classifiedLink: 'hubspot:41' });
    const otherSystem = await handoff({ ...classified, classifiedLink: 'salesforce:42' });
    await handoff({ ...classified, classifiedLink: 'hubspot:42' });
    await handoff({ ...classified, classification: null, classifiedLink: null });
    await handoff({ ...classified, crmRecordId: null, classifiedLink: null });
    await handoff({ ...classified, crmSystem: 'salesforce', crmRecordId: '006A', classifiedLink: null });
    await handoff({ ...classified, crmSystem: null, crmRecordId: null, classifiedLink: null });
    expect(ids(await findRelinked(db, 'hubspot'))).toEqual([never, other, otherSystem]);
    const salesforce = await findRelinked(db, 'salesforce');
    expect(salesforce).toHaveLength(1);
    expect(salesforce[0]).toMatchObject({ crmRecordId: '006A', classification: 'partner_sourced' });
  });

  it('records class corrections, and tells a person’s from a CRM’s', async () => {
    const handoffId = await handoff();
    const other = await handoff();
    const correction = {
      handoffId,
      fromClassification: 'partner_influenced',
      toClassification: 'partner_sourced',
      reason: 'The CRM says so.',
      correctedByUserId: 'crm:salesforce',
      correctedAt: at,
    };
    expect(await hasCorrectionByPerson(db, handoffId)).toBe(false);
    await db.transaction((tx) => insertClassificationCorrection(tx, correction));
    expect(await hasCorrectionByPerson(db, handoffId)).toBe(false);
    await db.transaction((tx) =>
      insertClassificationCorrection(tx, { ...correction, correctedByUserId: 'crm:hubspot' }),
    );
    expect(await hasCorrectionByPerson(db, handoffId)).toBe(false);
    await db.transaction((tx) =>
      insertClassificationCorrection(tx, {
        ...correction,
        correctedByUserId: 'U0REVOPS',
        reason: 'Fixed.',
      }),
    );
    expect(await hasCorrectionByPerson(db, handoffId)).toBe(true);
    expect(await hasCorrectionByPerson(db, other)).toBe(false);
    expect(await hasCorrectionByPerson(db, 999_999)).toBe(false);

    const { classificationCorrections } = tablesOf(db);
    const rows = await db.select().from(classificationCorrections).orderBy(classificationCorrections.id);
    expect(rows).toEqual([
      { installationId: 1, id: expect.any(Number), ...correction },
      { installationId: 1, id: expect.any(Number), ...correction, correctedByUserId: 'crm:hubspot' },
      {
        installationId: 1,
        id: expect.any(Number),
        ...correction,
        correctedByUserId: 'U0REVOPS',
        reason: 'Fixed.',
      },
    ]);
    expect(rows[0]?.correctedAt).toEqual(at);
  });

  it("keeps an installation's own CRM connections: one per CRM, replaced when connected again, deleted", async () => {
    expect(await crmConnectionsOf(db)).toEqual([]);
    const later = new Date(at.getTime() + 60_000);
    const hubspot = {
      system: 'hubspot' as const,
      sealed: 'v1.a.b.c',
      connectedBy: 'U0ADMIN',
      connectedAt: at,
    };
    const salesforce = {
      system: 'salesforce' as const,
      sealed: 'v1.d.e.f',
      connectedBy: 'U0ADMIN',
      connectedAt: at,
    };
    await db.transaction((tx) => saveCrmConnection(tx, hubspot));
    await db.transaction((tx) => saveCrmConnection(tx, salesforce));
    // Connected again: the same CRM's row is replaced, not added.
    const again = { ...hubspot, sealed: 'v1.g.h.i', connectedBy: 'U0OTHER', connectedAt: later };
    await db.transaction((tx) => saveCrmConnection(tx, again));
    const own = { installationId: expect.any(Number) };
    expect(await crmConnectionsOf(db)).toEqual([
      { ...own, ...again },
      { ...own, ...salesforce },
    ]);
    expect(await db.transaction((tx) => deleteCrmConnection(tx, 'hubspot'))).toBe(true);
    expect(await db.transaction((tx) => deleteCrmConnection(tx, 'hubspot'))).toBe(false);
    expect(await crmConnectionsOf(db)).toEqual([{ ...own, ...salesforce }]);
  });

  it('refuses a correction of a handoff that does not exist, and keeps nothing of it', async () => {
    await expect(
      db.transaction((tx) =>
        insertClassificationCorrection(tx, {
          handoffId: 999_999,
          fromClassification: 'partner_influenced',
          toClassification: 'partner_sourced',
          reason: 'None.',
          correctedByUserId: 'U0REVOPS',
          correctedAt: at,
        }),
      ),
    ).rejects.toThrow();
    expect(await hasCorrectionByPerson(db, 999_999)).toBe(false);
  });
});
