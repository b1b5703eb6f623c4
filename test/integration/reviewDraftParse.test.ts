import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tablesOf } from '../../src/db/engine.js';
import { type Harness, quiet, startHarness } from '../support/harness.js';
import {
  handoffRows,
  messageCalls,
  REVIEW_ENV,
  reviewPacket,
  sendReview,
  visibleText,
} from '../support/reviewFlow.js';

/** A stored review draft is read through its schema: one that does not read as a review is treated as gone. */
describe('a review draft that does not read as a review', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ env: REVIEW_ENV });
  });
  afterEach(() => h.stop());

  const corrupt = (draftId: number, content: Record<string, unknown>) =>
    h.database.db.transaction(
      async (tx) =>
        await tx
          .update(tablesOf(tx).drafts)
          .set({ content })
          .where(eq(tablesOf(tx).drafts.id, draftId)),
    );

  it.each([
    ['an empty object (a draft from before the review kept its fields)', () => ({})],
    ['a packet that is not an object', () => ({ packet: 'garbage' })],
    // A field the send reads is gone.
    ['a review without its scorecard', ({ scorecard: _dropped, ...rest }: Record<string, unknown>) => rest],
  ])('Send on %s says the review is out of date and sends nothing', async (_, content) => {
    const { draftId, review } = await reviewPacket(h);
    const before = messageCalls(h).length;
    const [stored] = await h.database.db
      .select()
      .from(h.tables.drafts)
      .where(eq(h.tables.drafts.id, draftId));
    if (!stored) throw new Error('no draft stored');
    await corrupt(draftId, content(stored.content));

    const answer = await sendReview(h, draftId, { review });
    expect(answer.response_action).toBe('update');
    expect(answer.view?.title.text).toBe('Not sent');
    expect(visibleText(answer.view)).toBe('This review is out of date. Go back and submit the packet again.');
    await quiet(h);
    expect(await handoffRows(h)).toHaveLength(0);
    expect(messageCalls(h)).toHaveLength(before);
  });
});
