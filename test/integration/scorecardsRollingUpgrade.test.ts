import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { findScorecard } from '../../src/db/repositories/packets.js';
import type { ComponentResult } from '../../src/domain/scoring.js';
import { editHandoff, sendHandoff } from '../support/flow.js';
import { type Harness, startHarness } from '../support/harness.js';

/**
 * A rolling upgrade from a version before migration 0033 (issue 50 item 31): while a replica of that version still
 * runs beside this one, it writes a handoff's scorecard on the handoff's row (`handoffs.scorecard`), where this
 * version did not look. This version reads it there when the row has one (only an older replica writes it), and its
 * own edit clears it, so the card it stores is the one read. The repository's side: test/contract/packets.contract.ts.
 */

let h: Harness;
afterEach(() => h?.stop());

const olderCard: ComponentResult[] = [{ id: 'proof', score: 0, reason: 'scored by the older replica' }];

/** What an older replica's saved edit writes: the row's fields, its scorecard among them. */
async function olderReplicaEdits(handoffId: number, at: Date): Promise<void> {
  const { handoffs } = h.tables;
  await h.database.db.transaction((tx) =>
    tx
      .update(handoffs)
      .set({ scorecard: olderCard, editedAt: at, editCount: 1, updatedAt: at })
      .where(eq(handoffs.id, handoffId)),
  );
}

describe('scorecards during a rolling upgrade from before migration 0033', () => {
  it('reads the card an older replica’s edit wrote on the row; this version’s next edit replaces it', async () => {
    h = await startHarness();
    const { handoff } = await sendHandoff(h);
    const olderAt = new Date(handoff.sentAt.getTime() + 60_000);
    await olderReplicaEdits(handoff.id, olderAt);
    expect(await findScorecard(h.database.db, handoff.id)).toEqual({
      handoffId: handoff.id,
      components: olderCard,
      scoredAt: olderAt,
    });

    h.clock.set(new Date(handoff.sentAt.getTime() + 3_600_000));
    const { saved } = await editHandoff(h, handoff.id, {
      sellerNextMove: 'Accept the introduction and bring the invoice reconciliation demo on Thursday.',
    });
    expect(saved?.response_action).toBe('update');
    const card = await findScorecard(h.database.db, handoff.id);
    expect(card?.scoredAt).toEqual(h.clock.now());
    expect(card?.components).toHaveLength(9);
    const [row] = await h.database.db
      .select()
      .from(h.tables.handoffs)
      .where(eq(h.tables.handoffs.id, handoff.id));
    expect(row?.scorecard).toBeNull();
  });
});
