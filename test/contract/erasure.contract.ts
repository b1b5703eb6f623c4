import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { tablesOf } from '../../src/db/engine.js';
import {
  eraseRow,
  namesOfIds,
  openHandoffsOf,
  programPartsNaming,
  recordErasure,
  rowsNaming,
} from '../../src/db/repositories/erasure.js';
import type { Db } from '../../src/db/types.js';
import { ERASED_TEXT, type Person } from '../../src/domain/erasure.js';
import { type Engine, eachTestOn } from './engine.js';
import { addHandoff } from './seed.js';

export function erasureContract(engine: Engine): void {
  describe(`erasure repository (${engine.name})`, () => {
    let db: Db;
    eachTestOn(engine, (opened) => {
      db = opened;
    });

    const at = new Date('2026-11-23T15:04:05.678Z');
    const ae: Person = { namedBy: 'slack_id', ids: ['U0AE'], words: ['Jordan Seller'] };
    const contact: Person = { namedBy: 'name', ids: [], words: ['Ada_Lovelace%'] };

    it('finds the rows that name a person (a whole Slack id, a name in any case, in JSON too), with their keys', async () => {
      const named = await addHandoff(db, at, {
        status: 'declined',
        aeUserId: 'U0AE',
        aeName: 'Jordan Seller',
        riskNote: 'jordan seller knows them',
      });
      // U0AE is a part of U0AE2's id: not them.
      await addHandoff(db, at, { status: 'declined', aeUserId: 'U0AE2', aeName: 'Sam Closer' });
      await db.transaction((tx) =>
        tx.insert(tablesOf(tx).handoffEvents).values({
          handoffId: named,
          type: 'declined',
          toStatus: 'declined',
          aeUserId: 'U0AE',
          actorUserId: 'U0AE',
          assignment: 1,
          cycle: 1,
          at,
          detail: { previousAeUserId: 'U0AE' },
        }),
      );
      const found = await rowsNaming(db, ae);
      const handoffs = found.find((f) => f.table === 'handoffs');
      expect(handoffs?.rows.map((r) => [r.key, r.handoffId])).toEqual([[{ id: named }, named]]);
      expect(found.find((f) => f.table === 'handoff_events')?.rows).toHaveLength(1);
      expect(await namesOfIds(db, ['U0AE'])).toEqual(['Jordan Seller']);
    });

    it('rewrites a row without the person (the pseudonym for the id, the erased text for names), or deletes a present state', async () => {
      const id = await addHandoff(db, at, {
        status: 'declined',
        partnerContactName: 'Ada_Lovelace%',
        riskNote: 'ADA_LOVELACE% moves to Acme',
      });
      const t = tablesOf(db);
      await db.transaction((tx) =>
        tx.insert(t.handoffFollowers).values({ handoffId: id, userId: 'U0AE', notify: 'all', createdAt: at }),
      );
      const found = await rowsNaming(db, contact);
      const [row] = found.find((f) => f.table === 'handoffs')?.rows ?? [];
      expect(row).toBeDefined();
      await db.transaction((tx) => eraseRow(tx, 'handoffs', row as never, contact, 'ERASED00000001'));
      const [after] = await db.select().from(t.handoffs).where(eq(t.handoffs.id, id));
      expect(after).toMatchObject({
        partnerContactName: ERASED_TEXT,
        riskNote: `${ERASED_TEXT} moves to Acme`,
      });
      const [follow] = (await rowsNaming(db, ae)).find((f) => f.table === 'handoff_followers')?.rows ?? [];
      await db.transaction((tx) => eraseRow(tx, 'handoff_followers', follow as never, ae, 'ERASED00000001'));
      expect(await db.select().from(t.handoffFollowers)).toEqual([]);
    });

    it('names the open deals in their hands and the program parts that name them now; records an erasure', async () => {
      const open = await addHandoff(db, at, { status: 'sent', ownerUserId: 'U0AE' });
      await addHandoff(db, at, { status: 'accepted', aeUserId: 'U0AE', outcome: 'won' });
      expect(await openHandoffsOf(db, ['U0AE'])).toEqual([open]);
      const { programLog } = tablesOf(db);
      await db.transaction((tx) =>
        tx.insert(programLog).values([
          { kind: 'pool', key: 'emea', body: { users: ['U0AE'] }, actor: 'U0ADMIN', at },
          { kind: 'pool', key: 'apac', body: { users: ['U0AE'] }, actor: 'U0ADMIN', at },
          { kind: 'pool', key: 'apac', body: { users: ['U0OTHER'] }, actor: 'U0ADMIN', at },
        ]),
      );
      expect(await programPartsNaming(db, ae)).toEqual(['pool emea']);
      await db.transaction((tx) =>
        recordErasure(tx, {
          at,
          requestedBy: 'cli',
          namedBy: 'slack_id',
          pseudonym: 'ERASED00000001',
          rowsChanged: 3,
          messagesUpdated: 1,
        }),
      );
      expect(await db.select().from(tablesOf(db).erasures)).toMatchObject([
        { requestedBy: 'cli', rowsChanged: 3 },
      ]);
    });
  });
}
