import { and, eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { tablesOf } from '../../src/db/engine.js';
import { anyInstallationOf, own, ownedBy, ownRow } from '../../src/db/owned.js';
import * as repo from '../../src/db/repositories/erasure.js';
import { ERASED_TEXT, inHandoff, type Person, withNames } from '../../src/domain/erasure.js';
import { contract } from './engine.js';
import { addEvent, addHandoff } from './seed.js';

export default contract('erasure repository', ({ db, engine, at, write }) => {
  const named = (name: string): Person => ({
    namedBy: 'name',
    ids: [],
    words: [name],
    parts: [],
    others: [],
  });
  const ae: Person = { ...named('Jordan Seller'), namedBy: 'slack_id', ids: ['U0AE'] };
  const contact = named('Ada_Lovelace%');
  const handoffsOf = (found: Awaited<ReturnType<typeof repo.rowsNaming>>) =>
    found.flatMap((f) => f.rows.map((r) => [f.table, r.handoffId]));

  it('finds the rows that name a person (a whole Slack id, a name in any case, in JSON too), with their keys', async () => {
    const named = await addHandoff(db, at, {
      status: 'declined',
      aeUserId: 'U0AE',
      aeName: 'Jordan Seller',
      riskNote: 'jordan seller knows them',
    });
    // U0AE is a part of U0AE2's id: not them.
    await addHandoff(db, at, { status: 'declined', aeUserId: 'U0AE2', aeName: 'Sam Closer' });
    await addEvent(db, {
      handoffId: named,
      type: 'declined',
      fromStatus: null,
      toStatus: 'declined',
      actorUserId: 'U0AE',
      at,
      detail: { previousAeUserId: 'U0AE' },
    });
    const found = await repo.rowsNaming(db, ae);
    const handoffs = found.find((f) => f.table === 'handoffs');
    expect(handoffs?.rows.map((r) => [r.key, r.handoffId])).toEqual([[{ id: named }, named]]);
    expect(found.find((f) => f.table === 'handoff_events')?.rows).toHaveLength(1);
    expect(await repo.namesOfIds(db, ['U0AE'])).toEqual(['Jordan Seller']);
  });

  it('rewrites a row without the person (the pseudonym for the id, the erased text for names), or deletes a present state', async () => {
    const id = await addHandoff(db, at, {
      status: 'declined',
      partnerContactName: 'Ada_Lovelace%',
      riskNote: 'ADA_LOVELACE% moves to Acme',
    });
    const t = tablesOf(db);
    await db.transaction((tx) =>
      tx
        .insert(t.handoffFollowers)
        .values(ownRow(tx, { handoffId: id, userId: 'U0AE', notify: 'all', createdAt: at })),
    );
    const found = await repo.rowsNaming(db, contact);
    const [row] = found.find((f) => f.table === 'handoffs')?.rows ?? [];
    expect(row).toBeDefined();
    expect(await write(repo.eraseRow, 'handoffs', row as never, contact, 'ERASED00000001')).toBe(true);
    const [after] = await db
      .select()
      .from(t.handoffs)
      .where(and(own(db, t.handoffs), eq(t.handoffs.id, id)));
    expect(after).toMatchObject({
      partnerContactName: ERASED_TEXT,
      riskNote: `${ERASED_TEXT} moves to Acme`,
    });
    const [follow] = (await repo.rowsNaming(db, ae)).find((f) => f.table === 'handoff_followers')?.rows ?? [];
    expect(await write(repo.eraseRow, 'handoff_followers', follow as never, ae, 'ERASED00000001')).toBe(true);
    expect(await db.select().from(t.handoffFollowers).where(own(db, t.handoffFollowers))).toEqual([]);
    // The follow is gone: deleting it again is not counted as an erased row.
    expect(await write(repo.eraseRow, 'handoff_followers', follow as never, ae, 'ERASED00000001')).toBe(
      false,
    );
  });

  it('finds whole words only (any script, any case), and a part of a name only in the handoffs that name them', async () => {
    const theirs = await addHandoff(db, at, {
      status: 'declined',
      partnerContactName: 'Lee Park',
      riskNote: 'Lee sends workshop dates',
    });
    const other = await addHandoff(db, at, {
      status: 'declined',
      partnerContactName: 'Lee Chen',
      riskNote: 'Lee sends the deck; accepted at Meridian',
    });
    const zoe = await addHandoff(db, at, { status: 'declined', partnerContactName: 'ZOË BRANDT' });
    const known = await repo.knownPersons(db);
    expect(known).toEqual(
      expect.arrayContaining([
        { name: 'Lee Park', id: null, as: 'partner contact' },
        { name: 'Lee Chen', id: null, as: 'partner contact' },
        { name: 'Jordan Seller', id: 'U0AE', as: 'AE' },
      ]),
    );
    const lee = withNames(named('Lee Park'), [], known);
    const found = await repo.rowsNaming(db, lee);
    expect(handoffsOf(found)).toEqual([['handoffs', theirs]]);
    const [row] = found[0]?.rows ?? [];
    await write(repo.eraseRow, 'handoffs', row as never, inHandoff(lee, [theirs], theirs), 'ERASED00000001');
    const t = tablesOf(db);
    const rows = await db
      .select({ id: t.handoffs.id, contact: t.handoffs.partnerContactName, risk: t.handoffs.riskNote })
      .from(t.handoffs)
      .where(own(db, t.handoffs))
      .orderBy(t.handoffs.id);
    expect(rows).toEqual([
      { id: theirs, contact: ERASED_TEXT, risk: `${ERASED_TEXT} sends workshop dates` },
      { id: other, contact: 'Lee Chen', risk: 'Lee sends the deck; accepted at Meridian' },
      { id: zoe, contact: 'ZOË BRANDT', risk: null },
    ]);
    // Not the letters of "accepted" or "Meridian".
    expect(await repo.rowsNaming(db, named('Ted'))).toEqual([]);
    expect(await repo.rowsNaming(db, named('ian'))).toEqual([]);
    // Found whatever the case of a letter outside ASCII (SQLite's LIKE folds ASCII only).
    expect(handoffsOf(await repo.rowsNaming(db, named('Zoë Brandt')))).toEqual([['handoffs', zoe]]);
  });

  it('names the open deals in their hands and the program parts that name them now; records an erasure', async () => {
    const open = await addHandoff(db, at, { status: 'sent', ownerUserId: 'U0AE' });
    await addHandoff(db, at, { status: 'accepted', aeUserId: 'U0AE', outcome: 'won' });
    expect(await repo.openHandoffsOf(db, ['U0AE'])).toEqual([open]);
    const { programLog } = tablesOf(db);
    await db.transaction((tx) =>
      tx.insert(programLog).values(
        [
          { kind: 'pool', key: 'emea', body: { users: ['U0AE'] }, actor: 'U0ADMIN', at },
          { kind: 'pool', key: 'apac', body: { users: ['U0AE'] }, actor: 'U0ADMIN', at },
          { kind: 'pool', key: 'apac', body: { users: ['U0OTHER'] }, actor: 'U0ADMIN', at },
        ].map((row) => ownRow(tx, row)),
      ),
    );
    expect(await repo.programPartsNaming(db, ae)).toEqual(['pool emea']);
    await write(repo.recordErasure, {
      at,
      requestedBy: 'cli',
      namedBy: 'slack_id',
      pseudonym: 'ERASED00000001',
      rowsChanged: 3,
      messagesUpdated: 1,
    });
    const { erasures } = tablesOf(db);
    expect(await db.select().from(erasures).where(own(db, erasures))).toMatchObject([
      { requestedBy: 'cli', rowsChanged: 3 },
    ]);
  });

  it.skipIf(engine.neighbour)(
    "keeps an installation to its own installations row: another's installer is neither found nor rewritten",
    async () => {
      const base = anyInstallationOf(db);
      const installer: Person = { namedBy: 'slack_id', ids: ['U0INST'], words: [], parts: [], others: [] };
      const { installations } = tablesOf(base);
      const row = (key: string) => ({
        installKey: key,
        teamId: key,
        source: 'oauth' as const,
        installerUserId: 'U0INST',
        installedAt: at,
        updatedAt: at,
      });
      const ids = await base.transaction(async (tx) => {
        const t = tablesOf(tx).installations;
        const [a] = await tx.insert(t).values(row('T0ALPHA')).returning({ id: t.id });
        const [b] = await tx.insert(t).values(row('T0BETA')).returning({ id: t.id });
        return [a?.id as number, b?.id as number];
      });
      const [alpha, beta] = ids as [number, number];
      const alphas = ownedBy(base, alpha);
      const found = (await repo.rowsNaming(alphas, installer)).find((f) => f.table === 'installations');
      expect(found?.rows.map((r) => r.key)).toEqual([{ id: alpha }]);
      // Beta's row, named by its key from Alpha's side: nothing changes.
      const forged = { key: { id: beta }, values: { installer_user_id: 'U0INST' }, handoffId: null };
      await alphas.transaction((tx) => repo.eraseRow(tx, 'installations', forged, installer, 'P0X'));
      const after = await base.select().from(installations);
      expect(after.map((r) => [r.installKey, r.installerUserId])).toEqual([
        ['T0ALPHA', 'U0INST'],
        ['T0BETA', 'U0INST'],
      ]);
    },
  );
});
