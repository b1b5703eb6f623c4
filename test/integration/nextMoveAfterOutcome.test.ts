import { describe, expect, it } from 'vitest';
import { ACTION_ID } from '../../src/blocks/ids.js';
import { sendHandoff } from '../support/flow.js';
import { type Harness, quiet, waitFor } from '../support/harness.js';
import { authorUser, buttonsOf, dmOf, json, outboxDrained, waitForDm } from '../support/ownerFlow.js';
import {
  accept,
  click,
  clickOutcome,
  partnerHarnesses,
  shown,
  threadReplies,
  topLevel,
} from '../support/partnerFlow.js';
import { people } from '../support/people.js';

/**
 * Issue 50 item 6: an outcome no longer erases the partner's "Next from …" line. A move whose date reaches past the
 * step stays; one that does not is held back and its author asked, as for a passed date (Still true, Edit).
 */

const start = partnerHarnesses();
const parent = (h: Harness) => shown(topLevel(h)[0]);
const NEXT = '*Next from Meridian Cloud Consulting:*';

async function acceptedWith(h: Harness, move: string, date: string | null) {
  const { handoff } = await sendHandoff(h, { partnerNextMove: move, partnerNextMoveDate: date });
  await accept(h, handoff.id);
  await waitFor(() => threadReplies(h).length === 1, 8000, 'the acceptance reply');
  await outboxDrained(h);
  await quiet(h);
  expect(parent(h)).toContain(NEXT);
  return handoff;
}

/** After the step: its reply posted and the parent edited. */
async function stepRecorded(h: Harness, handoffId: number) {
  await clickOutcome(h, 'meeting_held', handoffId);
  await waitFor(() => threadReplies(h).length === 2, 8000, 'the step told');
  await outboxDrained(h);
  await quiet(h);
}

describe('the partner’s next move after an outcome', () => {
  it('stays when its date reaches past the step', async () => {
    const h = await start();
    // Written for after the meeting (the harness clock is Mon 23 Nov 2026).
    const move = 'Dana sends the security questionnaire after the meeting.';
    const handoff = await acceptedWith(h, move, '2026-12-04');
    await stepRecorded(h, handoff.id);
    expect(parent(h)).toContain('Meeting held');
    expect(parent(h)).toContain(`${NEXT} ${move} By Fri 4 Dec.`);
    // Nobody is asked about it.
    expect(dmOf(h, people.author.id).filter((m) => shown(m).includes('is not shown'))).toEqual([]);
  });

  it('is held back when nothing reaches past the step, and its author asked; Still true shows it again', async () => {
    const h = await start();
    const move = 'Dana shares the agenda for the first meeting.';
    const handoff = await acceptedWith(h, move, null);
    await stepRecorded(h, handoff.id);
    expect(parent(h)).toContain('Meeting held');
    expect(parent(h)).not.toContain(move);

    const ask = await waitForDm(h, people.author.id, 'is not shown', 'the author asked');
    expect(json(ask.blocks)).toContain('it was written before the deal reached *Meeting held*');
    expect(buttonsOf(ask)).toEqual([ACTION_ID.heldBackConfirm, ACTION_ID.heldBackEdit]);
    const value = (ask.blocks as { type: string; elements?: { value?: string }[] }[]).find(
      (b) => b.type === 'actions',
    )?.elements?.[0]?.value as string;

    await click(h, ACTION_ID.heldBackConfirm, value, authorUser);
    await outboxDrained(h);
    await quiet(h);
    expect(parent(h)).toContain(`${NEXT} ${move}`);
    expect(buttonsOf(dmOf(h, people.author.id).find((m) => m.ts === ask.ts))).toEqual([]);
    // Only the two events were posted in the thread.
    expect(threadReplies(h)).toHaveLength(2);
  });
});
