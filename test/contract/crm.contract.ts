import { expect, it } from 'vitest';
import { tablesOf } from '../../src/db/engine.js';
import { own, ownRow } from '../../src/db/owned.js';
import * as repo from '../../src/db/repositories/crm.js';
import type { NewHandoffEventRow, NewHandoffRow } from '../../src/db/schema.js';
import { contract } from './engine.js';
import { addHandoff } from './seed.js';

export default contract('crm repository', ({ db, at, write }) => {
  const handoff = (over: Partial<NewHandoffRow> = {}) => addHandoff(db, at, over);

  const ids = (rows: { id: number }[]) => rows.map((r) => r.id).sort((a, b) => a - b);

  it('finds a touch-log event by its id, read back whole; its missing values read back as null', async () => {
    const handoffId = await handoff();
    const full = {
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
    } satisfies NewHandoffEventRow;
    const bare = {
      handoffId,
      type: 'reminded',
      toStatus: 'sent',
      aeUserId: 'U0AE',
      assignment: 1,
      cycle: 1,
      at,
    };
    const [id = 0, bareId = 0] = (
      await db.transaction((tx) =>
        tx
          .insert(tablesOf(tx).handoffEvents)
          .values([ownRow(tx, full), ownRow(tx, bare as NewHandoffEventRow)])
          .returning({ id: tablesOf(tx).handoffEvents.id }),
      )
    ).map((e) => e.id);
    expect(await repo.findEvent(db, id)).toEqual({ installationId: 1, id, ...full });
    expect(await repo.findEvent(db, Math.max(id, bareId) + 1)).toBeUndefined();
    expect(await repo.findEvent(db, bareId)).toMatchObject({
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
    const found = await repo.findOpenLinked(db, 'salesforce');
    expect(ids(found)).toEqual([noOutcome, meeting, opportunity]);
    expect(found.find((r) => r.id === meeting)).toMatchObject({
      crmSystem: 'salesforce',
      crmRecordId: '006A',
      outcome: 'meeting_held',
      sentAt: at,
      partnerAgreedInWriting: true,
    });
    expect(ids(await repo.findOpenLinked(db, 'hubspot'))).toEqual([hubspot]);
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
    expect(ids(await repo.findRelinked(db, 'hubspot'))).toEqual([never, other, otherSystem]);
    const salesforce = await repo.findRelinked(db, 'salesforce');
    expect(salesforce).toHaveLength(1);
    expect(salesforce[0]).toMatchObject({ crmRecordId: '006A', classification: 'partner_sourced' });
  });

  it('records class corrections, and tells a person’s from a CRM’s; refuses one of a handoff that does not exist', async () => {
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
    expect(await repo.hasCorrectionByPerson(db, handoffId)).toBe(false);
    await write(repo.insertClassificationCorrection, correction);
    expect(await repo.hasCorrectionByPerson(db, handoffId)).toBe(false);
    await write(repo.insertClassificationCorrection, { ...correction, correctedByUserId: 'crm:hubspot' });
    expect(await repo.hasCorrectionByPerson(db, handoffId)).toBe(false);
    await write(repo.insertClassificationCorrection, {
      ...correction,
      correctedByUserId: 'U0REVOPS',
      reason: 'Fixed.',
    });
    expect(await repo.hasCorrectionByPerson(db, handoffId)).toBe(true);
    expect(await repo.hasCorrectionByPerson(db, other)).toBe(false);
    expect(await repo.hasCorrectionByPerson(db, 999_999)).toBe(false);

    const { classificationCorrections } = tablesOf(db);
    const rows = await db
      .select()
      .from(classificationCorrections)
      .where(own(db, classificationCorrections))
      .orderBy(classificationCorrections.id);
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
    // Of a handoff that does not exist: refused, and nothing of it kept.
    await expect(
      write(repo.insertClassificationCorrection, {
        ...correction,
        handoffId: 999_999,
        correctedByUserId: 'U0REVOPS',
      }),
    ).rejects.toThrow();
    expect(
      await db.select().from(classificationCorrections).where(own(db, classificationCorrections)),
    ).toHaveLength(3);
    expect(await repo.hasCorrectionByPerson(db, 999_999)).toBe(false);
  });

  it("keeps an installation's own CRM connections: one per CRM, replaced when connected again, deleted", async () => {
    expect(await repo.crmConnectionsOf(db)).toEqual([]);
    const later = new Date(at.getTime() + 60_000);
    const hubspot = {
      system: 'hubspot' as const,
      sealed: 'v1.a.b.c',
      connectedBy: 'U0ADMIN',
      connectedAt: at,
    };
    const salesforce = { ...hubspot, system: 'salesforce' as const, sealed: 'v1.d.e.f' };
    await write(repo.saveCrmConnection, hubspot);
    await write(repo.saveCrmConnection, salesforce);
    // Connected again: the same CRM's row is replaced, not added.
    const again = { ...hubspot, sealed: 'v1.g.h.i', connectedBy: 'U0OTHER', connectedAt: later };
    await write(repo.saveCrmConnection, again);
    const own = { installationId: expect.any(Number) };
    expect(await repo.crmConnectionsOf(db)).toEqual([
      { ...own, ...again },
      { ...own, ...salesforce },
    ]);
    expect(await write(repo.deleteCrmConnection, 'hubspot')).toBe(true);
    expect(await write(repo.deleteCrmConnection, 'hubspot')).toBe(false);
    expect(await repo.crmConnectionsOf(db)).toEqual([{ ...own, ...salesforce }]);
  });
});
