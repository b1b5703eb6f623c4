import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppDatabase } from '../../../src/db/client.js';
import { firstInstallationOf, ownRow } from '../../../src/db/owned.js';
import { findHandoff, insertHandoff, recordDecision } from '../../../src/db/repositories/handoffs.js';
import { decisions } from '../../../src/db/schema.js';
import type { Db } from '../../../src/db/types.js';
import { sentHandoffRow } from '../../support/handoffRow.js';
import { freshDatabase } from '../../support/unitrest-freshDatabase.js';

const at = new Date('2026-11-23T14:00:00Z');

function newHandoff(sourceViewId: string) {
  return sentHandoffRow(at, { sourceViewId });
}

describe('handoff repository (real migrated SQLite file)', () => {
  let database: AppDatabase;
  let db: Db;
  beforeEach(() => {
    database = freshDatabase('handoff-repo-');
    db = firstInstallationOf(database.db);
  });
  afterEach(() => {
    database.close();
  });

  const actor = { userId: 'U0AE', teamId: 'T0INTERNAL' };
  const insert = (row: ReturnType<typeof newHandoff>) => db.transaction((tx) => insertHandoff(tx, row));
  /** A click on `handoff`'s window (`cycle`: the one the person saw, default the current one). */
  const decide = (
    handoff: { id: number; cycle: number },
    decision: 'accepted' | 'declined',
    over: { cycle?: number; reasonCode?: 'timing' } = {},
  ) =>
    db.transaction((tx) =>
      recordDecision(tx, {
        handoffId: handoff.id,
        reasonCode: null,
        note: null,
        actor,
        at,
        cycle: handoff.cycle,
        decision,
        ...over,
      }),
    );
  const decisionRows = () => db.select().from(decisions).all();

  it('stores one handoff per modal view, returning the first on a repeat', async () => {
    const first = await insert(newHandoff('V1'));
    const again = await insert({ ...newHandoff('V1'), accountName: 'Changed' });
    expect(first.created).toBe(true);
    expect(again).toEqual({ handoff: first.handoff, created: false });
  });

  it('records only the first of two decisions on the same handoff', async () => {
    const { handoff } = await insert(newHandoff('V2'));
    // Both clicks answer the window the AE saw (the same cycle): the first moves it on, so the second loses.
    const accepted = await decide(handoff, 'accepted');
    expect(accepted?.handoff.status).toBe('accepted');
    expect(accepted?.handoff.lastActivityAt).toEqual(at);
    expect(accepted?.handoff.cycle).toBe(handoff.cycle + 1);
    expect(accepted?.decision).toMatchObject({ handoffId: handoff.id, decision: 'accepted' });
    expect(await decide(handoff, 'declined', { reasonCode: 'timing' })).toBeUndefined();
    // Nor does a click that names the new window: the handoff is no longer waiting for a decision.
    expect(
      await decide(handoff, 'declined', { reasonCode: 'timing', cycle: handoff.cycle + 1 }),
    ).toBeUndefined();
    expect(decisionRows()).toEqual([
      expect.objectContaining({ handoffId: handoff.id, decision: 'accepted' }),
    ]);
  });

  it('refuses a decision on a window that has moved on (an extension or reassignment since the click)', async () => {
    // Extended once: the handoff is waiting again, in its second window.
    const { handoff } = await insert({ ...newHandoff('V4'), cycle: 2 });
    expect(await decide(handoff, 'accepted', { cycle: 1 })).toBeUndefined();
    expect(await decide(handoff, 'declined', { cycle: 3 })).toBeUndefined();
    expect(await findHandoff(db, handoff.id)).toEqual(handoff);
    expect(decisionRows()).toEqual([]);
    // The click on the current window is recorded.
    expect((await decide(handoff, 'accepted'))?.handoff).toMatchObject({ status: 'accepted', cycle: 3 });
  });

  it("refuses a decision on a handoff no longer waiting for one, in the same window (the table's `from`)", async () => {
    for (const status of ['expired', 'withdrawn', 'declined', 'accepted'] as const) {
      const { handoff } = await insert({ ...newHandoff(`V5${status}`), status });
      expect(await decide(handoff, 'accepted'), status).toBeUndefined();
      expect(await decide(handoff, 'declined'), status).toBeUndefined();
      expect(await findHandoff(db, handoff.id), status).toEqual(handoff);
    }
    expect(decisionRows()).toEqual([]);
  });

  it('refuses a second decision row even if the status guard were bypassed', async () => {
    const { handoff } = await insert(newHandoff('V3'));
    const row = {
      handoffId: handoff.id,
      decision: 'accepted' as const,
      decidedByUserId: 'U0AE',
      decidedByTeamId: 'T0INTERNAL',
      decidedAt: at,
    };
    await db.transaction((tx) => tx.insert(decisions).values(ownRow(tx, row)).run());
    await expect(db.transaction((tx) => tx.insert(decisions).values(ownRow(tx, row)).run())).rejects.toThrow(
      /UNIQUE/,
    );
  });
});
