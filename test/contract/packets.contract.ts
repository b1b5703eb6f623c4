import { and, eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { tablesOf } from '../../src/db/engine.js';
import { own, ownRow } from '../../src/db/owned.js';
import { insertHandoff } from '../../src/db/repositories/handoffs.js';
import * as repo from '../../src/db/repositories/packets.js';
import type { Tx } from '../../src/db/types.js';
import type { ComponentResult, ComponentScore } from '../../src/domain/scoring.js';
import { sentHandoffRow } from '../support/handoffRow.js';
import { contract } from './engine.js';
import { addHandoff } from './seed.js';

export default contract('packets repository', ({ db, at, write }) => {
  const later = new Date(at.getTime() + 1);
  const content = {
    packet: { accountName: 'Northwind Logistics', partnerAgreedInWriting: true, fields: ['a', 'b'] },
    score: 7.5,
    verdict: null,
    nested: { deep: { list: [1, { two: false }] } },
  };

  const draft = (over: Partial<Parameters<typeof repo.saveDraft>[1]> = {}) => ({
    sourceViewId: 'V1',
    authorUserId: 'U0AUTHOR',
    teamId: 'T0INTERNAL',
    content,
    createdAt: at,
    updatedAt: at,
    ...over,
  });

  it('stores a draft and reads it back by id (JSON content, times to the millisecond); an edit of the same view’s draft replaces its content and updated time, keeping its id, author and creation time', async () => {
    const first = await write(repo.saveDraft, draft());
    const expected = { id: first.id, installationId: 1, ...draft() };
    expect(first).toEqual(expected);
    expect(typeof first.id).toBe('number');
    expect(await repo.findDraft(db, first.id)).toEqual(expected);
    expect(await repo.findDraft(db, first.id + 1)).toBeUndefined();

    const other = await write(
      repo.saveDraft,
      draft({ sourceViewId: 'V2', authorUserId: 'U0OTHER', content: { other: true } }),
    );
    const edited = await write(
      repo.saveDraft,
      draft({
        authorUserId: 'U0SOMEONE',
        teamId: 'T0ELSE',
        content: { edited: ['yes'] },
        createdAt: later,
        updatedAt: later,
      }),
    );
    const replaced = { ...expected, content: { edited: ['yes'] }, updatedAt: later };
    expect(edited).toEqual(replaced);
    expect(await repo.findDraft(db, first.id)).toEqual(replaced);
    expect(other.id).not.toBe(first.id);
    expect((await repo.findDraft(db, other.id))?.content).toEqual({ other: true });
  });

  it('tells whether RevOps corrected a handoff’s classification', async () => {
    const correct = (tx: Tx, handoffId: number, to: string) =>
      tx.insert(tablesOf(tx).classificationCorrections).values(
        ownRow(tx, {
          handoffId,
          fromClassification: 'sourced',
          toClassification: to,
          reason: 'The partner found it.',
          correctedByUserId: 'U0REVOPS',
          correctedAt: at,
        }),
      );
    const [corrected, twice, untouched] = [
      await addHandoff(db, at),
      await addHandoff(db, at),
      await addHandoff(db, at),
    ];
    await db.transaction(async (tx) => {
      await correct(tx, corrected, 'influenced');
      await correct(tx, twice, 'influenced');
      await correct(tx, twice, 'sourced');
    });
    expect(await repo.hasClassificationCorrection(db, corrected)).toBe(true);
    expect(await repo.hasClassificationCorrection(db, twice)).toBe(true);
    expect(await repo.hasClassificationCorrection(db, untouched)).toBe(false);
    expect(await repo.hasClassificationCorrection(db, untouched + 100)).toBe(false);
  });

  it('reads its own write inside the transaction, and nothing of a transaction that failed', async () => {
    let id = 0;
    await expect(
      db.transaction(async (tx) => {
        const saved = await repo.saveDraft(tx, draft());
        id = saved.id;
        expect((await repo.findDraft(tx, id))?.content).toEqual(content);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await repo.findDraft(db, id)).toBeUndefined();
  });

  it('stores a handoff’s scorecard and replaces it with an edit’s, JSON and time intact; none for another', async () => {
    const card = (score: ComponentScore): ComponentResult[] => [
      { id: 'proof', score, reason: `“quoted” ünïcode ✓ ${score}` },
    ];
    const id = await db.transaction(async (tx) => {
      const { handoff } = await insertHandoff(tx, sentHandoffRow(at, { sourceViewId: 'VCARD' }));
      await repo.saveScorecard(tx, { handoffId: handoff.id, components: card(2), scoredAt: at });
      return handoff.id;
    });
    expect(await repo.findScorecard(db, id)).toEqual({
      installationId: 1,
      handoffId: id,
      components: card(2),
      scoredAt: at,
    });
    await write(repo.saveScorecard, { handoffId: id, components: card(0), scoredAt: later });
    expect(await repo.findScorecard(db, id)).toEqual({
      installationId: 1,
      handoffId: id,
      components: card(0),
      scoredAt: later,
    });
    expect(await repo.findScorecard(db, id + 1)).toBeUndefined();
    // Only for a handoff that exists.
    await expect(
      write(repo.saveScorecard, { handoffId: id + 1, components: card(1), scoredAt: at }),
    ).rejects.toThrow();
  });

  it('reads the scorecard a replica of a version before migration 0033 wrote on the handoff’s row', async () => {
    // Issue 50 item 31: during a rolling upgrade the older replica writes the card on the row, as it always did.
    const card = (score: ComponentScore): ComponentResult[] => [{ id: 'proof', score, reason: `r${score}` }];
    const { handoffs } = tablesOf(db);
    const { handoff: sentBefore } = await write(
      insertHandoff,
      sentHandoffRow(at, { sourceViewId: 'VOLD', scorecard: card(1) }),
    );
    expect(await repo.findScorecard(db, sentBefore.id)).toEqual({
      handoffId: sentBefore.id,
      components: card(1),
      scoredAt: at,
    });
    // This version sent it; the older replica saved an edit: its card, on the row, is the newer.
    const id = await db.transaction(async (tx) => {
      const { handoff } = await insertHandoff(tx, sentHandoffRow(at, { sourceViewId: 'VNEW' }));
      await repo.saveScorecard(tx, { handoffId: handoff.id, components: card(2), scoredAt: at });
      return handoff.id;
    });
    await db.transaction((tx) =>
      tx
        .update(handoffs)
        .set({ scorecard: card(0), editedAt: later })
        .where(and(own(tx, handoffs), eq(handoffs.id, id))),
    );
    expect(await repo.findScorecard(db, id)).toEqual({ handoffId: id, components: card(0), scoredAt: later });
  });
});
