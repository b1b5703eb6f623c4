import { and, eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { tablesOf } from '../../src/db/engine.js';
import { own } from '../../src/db/owned.js';
import { scoredHandoffsSentIn } from '../../src/db/repositories/scoreOutcomes.js';
import { scoreCheck } from '../../src/domain/scoreOutcomes.js';
import { seedScoreHistory } from '../support/scoreHistory.js';
import { contract } from './engine.js';
import { addHandoff } from './seed.js';

export default contract('score against outcomes repository', ({ db }) => {
  const t0 = new Date('2026-11-02T10:00:00.000Z');

  it('reads the handoffs sent in the period with their scorecards and what happened to them, in two queries', async () => {
    const ids = await seedScoreHistory(db, t0);
    // One sent before the period, and one with no scorecard (before scores were kept).
    await addHandoff(db, new Date(t0.getTime() - 60_000));
    const bare = await addHandoff(db, new Date(t0.getTime() + 100 * 60_000));
    const read = await scoredHandoffsSentIn(db, t0, new Date(t0.getTime() + 86_400_000));
    expect(read.map((r) => r.handoffId)).toEqual([...ids, bare]);
    expect(read.at(-1)).toEqual({
      handoffId: bare,
      band: null,
      components: null,
      accepted: 0,
      declined: 0,
      expired: 0,
      meeting: false,
      won: false,
    });
    // The first cell: accepted, one window expired before, a meeting and a win.
    expect(read[0]).toMatchObject({ accepted: 1, declined: 0, expired: 1, meeting: true, won: true });
    const check = scoreCheck(read);
    expect(check.packets).toBe(61);
    expect(check.unscored).toBe(1);
    expect(check.components.find((c) => c.id === 'proof')?.verdict).toBe('separates');
    expect(check.components.find((c) => c.id === 'partner_context')?.verdict).toBe('flagged');
  });

  it('does not count an outcome step undone (metric_facts drops it)', async () => {
    const [id] = await seedScoreHistory(db, t0, 1);
    if (id === undefined) throw new Error('no handoff');
    await db.transaction(async (tx) => {
      const { metricFacts: f } = tablesOf(tx);
      const facts = await tx
        .select()
        .from(f)
        .where(and(own(tx, f), eq(f.handoffId, id)));
      const won = facts.find((r) => r.type === 'won');
      if (won) await tx.delete(f).where(and(own(tx, f), eq(f.eventId, won.eventId)));
    });
    const [read] = await scoredHandoffsSentIn(db, t0, new Date(t0.getTime() + 86_400_000));
    expect(read).toMatchObject({ handoffId: id, meeting: true, won: false });
  });
});
