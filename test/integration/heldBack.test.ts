import { describe, expect, it } from 'vitest';
import { ACTION_ID, CALLBACK_ID, NEXT_MOVE_BLOCK_ID } from '../../src/blocks/ids.js';
import type { Tenant } from '../../src/compose/tenant.js';
import { nextMoveVersion } from '../../src/core/heldBack.js';
import { handBack } from '../support/afterAcceptFlow.js';
import { aeUser, sendHandoff } from '../support/flow.js';
import { type Harness, quiet, waitFor } from '../support/harness.js';
import {
  authorUser,
  buttonsOf,
  dmOf,
  ephemeralAt,
  handoffRow,
  json,
  type OpenedModal,
  openOwnerModal,
  otherAeUser,
  outboxDrained,
  reassignSubmission,
  reassignTo,
  submit,
  waitForDm,
} from '../support/ownerFlow.js';
import {
  accept,
  click,
  clickOutcome,
  memberUser,
  partnerHarnesses,
  shown,
  threadReplies,
  topLevel,
} from '../support/partnerFlow.js';
import { viewSubmission } from '../support/payloads.js';
import { people } from '../support/people.js';

/**
 * Partner text that stopped being true is held back from the partner, and its author is asked: one DM per hold reason
 * and text version, with Still true and Edit; after either, the partner's thread shows the move again and the DM shows
 * what was done, with no buttons.
 */
const start = partnerHarnesses();
const pat = people.author.id;

/** The author's DMs asking about the held-back move (their notification text, item 33: "Handoff #N · account (partner): ..."). */
const asks = (h: Harness) =>
  dmOf(h, pat).filter((m) =>
    /^Handoff #\d+ · Northwind Logistics \(Meridian Cloud Consulting\): Meridian Cloud Consulting is not shown your next move for them\.$/.test(
      m.text ?? '',
    ),
  );

async function recheck(h: Harness) {
  await quiet(h);
  await h.app.scheduler.runNow('partner-thread-recheck');
  await quiet(h);
  await outboxDrained(h);
}

const parent = (h: Harness) => shown(topLevel(h)[0]);
/** The value of the first button of an ask (Still true's). */
const stillTrueValue = (ask: { blocks?: unknown }) =>
  (ask.blocks as { type: string; elements?: { value?: string }[] }[]).find((b) => b.type === 'actions')
    ?.elements?.[0]?.value as string;

describe('a partner next move naming the AE it moved from', () => {
  it('is held back, its author asked once; a stranger is refused; Edit opens the modal; Still true shows it again', async () => {
    const h = await start();
    // The re-check's tick claims its slot only while an accepted deal's partner text may have changed.
    const recheckDue = () => (h.app.tenants()[0] as Tenant).wired.services.partnerText.due();
    expect(await recheckDue()).toBe(false);
    const move = 'Dana introduces Jordan to Ken Ito, their CFO.';
    const { handoff } = await sendHandoff(h, { partnerNextMove: move, partnerNextMoveDate: '2026-12-04' });
    const modal = await openOwnerModal(h, 'reassign', handoff.id, authorUser);
    await h.interact(
      reassignSubmission({ privateMetadata: modal.private_metadata, newAeUserId: otherAeUser.id }),
    );
    await outboxDrained(h);
    await accept(h, handoff.id, otherAeUser);
    await outboxDrained(h);
    expect(topLevel(h)).toHaveLength(1);
    expect(parent(h)).not.toContain('Ken Ito');
    expect(await recheckDue()).toBe(true);

    const ask = await waitForDm(h, pat, 'is not shown', 'the author asked');
    expect(json(ask.blocks)).toContain('Dana introduces Jordan to Ken Ito, their CFO. By Fri 4 Dec.');
    expect(json(ask.blocks)).toContain('Jordan Seller is no longer the AE (Sam Closer is)');
    expect(buttonsOf(ask)).toEqual([ACTION_ID.heldBackConfirm, ACTION_ID.heldBackEdit]);
    // The job, run again and again, asks nothing more.
    await recheck(h);
    await recheck(h);
    expect(asks(h)).toHaveLength(1);

    const value = stillTrueValue(ask);

    // Someone who is not the author, the owner or an admin is refused, naming who may.
    const refused = await click(h, ACTION_ID.heldBackConfirm, value, memberUser);
    expect(await ephemeralAt(h, refused)).toBe(
      `Only the author, the owner (<@${pat}>) or an admin can change what Meridian Cloud Consulting sees of handoff #${handoff.id}. Nothing was changed.`,
    );
    await quiet(h);
    expect(parent(h)).not.toContain('Ken Ito');

    // Edit opens the modal, prefilled.
    const opened = h.slack.callsTo('views.open').length;
    await click(h, ACTION_ID.heldBackEdit, value, authorUser);
    await quiet(h);
    const views = h.slack.callsTo('views.open');
    expect(views.length).toBe(opened + 1);
    const view = views[views.length - 1]?.args.view as OpenedModal;
    expect(view.callback_id).toBe(CALLBACK_ID.nextMove);
    expect(json(view.blocks)).toContain(move);

    // Still true: the partner reads it again; the author's DM says so, without buttons.
    await click(h, ACTION_ID.heldBackConfirm, value, authorUser);
    await outboxDrained(h);
    await quiet(h);
    expect(parent(h)).toContain('Dana introduces Jordan to Ken Ito, their CFO.');
    const after = asks(h);
    expect(after).toHaveLength(1);
    expect(buttonsOf(after[0])).toEqual([]);
    expect(json(after[0]?.blocks)).toContain(
      'You confirmed it as still true: Meridian Cloud Consulting now sees “Dana introduces Jordan to Ken Ito, their CFO. By Fri 4 Dec.”.',
    );
    // The thread has its one reply (the acceptance): a confirmation edits the parent, it posts nothing.
    expect(threadReplies(h)).toHaveLength(1);
    await recheck(h);
    expect(asks(h)).toHaveLength(1);
  });
});

describe('a partner next move whose date has passed', () => {
  it('is held back, its author asked once by the recheck, also once the deal moved on to another AE; Still true keeps it without the date; an edit shows the new move', async () => {
    const h = await start();
    const { handoff } = await sendHandoff(h, { partnerNextMoveDate: '2026-11-27' });
    await accept(h, handoff.id);
    await outboxDrained(h);
    expect(parent(h)).toContain('By Fri 27 Nov.');
    expect(asks(h)).toHaveLength(0);

    h.clock.set('2026-11-30T10:00:00Z');
    await recheck(h);
    expect(parent(h)).not.toContain('Dana confirms the meeting');
    const ask = await waitForDm(h, pat, 'is not shown', 'the author asked');
    expect(json(ask.blocks)).toContain('its date has passed');
    await recheck(h);
    expect(asks(h)).toHaveLength(1);
    // Jordan hands it back, the owner gives it to Sam, who accepts: the same move, the same passed date, asked once.
    const { cycle } = await handoffRow(h, handoff.id);
    expect(await handBack(h, `${handoff.id}:${cycle}`, aeUser)).toContain('Handed back');
    await reassignTo(h, handoff.id, otherAeUser.id);
    await accept(h, handoff.id, otherAeUser);
    await recheck(h);
    expect(asks(h)).toHaveLength(1);

    const value = stillTrueValue(ask);
    await click(h, ACTION_ID.heldBackConfirm, value, authorUser);
    await outboxDrained(h);
    await quiet(h);
    expect(parent(h)).toContain('Dana confirms the meeting and shares the review notes.');
    expect(parent(h)).not.toContain('(by ');
    const done = asks(h)[0];
    expect(buttonsOf(done)).toEqual([]);
    expect(json(done?.blocks)).toContain(
      'You kept it without the passed date: Meridian Cloud Consulting sees “Dana confirms the meeting and shares the review notes.” again, with no date.',
    );

    // A second click on the old buttons changes nothing and says why.
    const again = await click(h, ACTION_ID.heldBackConfirm, value, authorUser);
    expect(await ephemeralAt(h, again)).toContain('changed since this message');

    // Edit from the modal (its Save): refused when filler, saved when real; the partner reads the new move.
    const meta = JSON.stringify({ handoffId: handoff.id, version: value.split(':')[1] });
    const nextVersion = nextMoveVersion({
      partnerNextMove: 'Dana confirms the meeting and shares the review notes.',
      partnerNextMoveDate: null,
    });
    const save = (text: string, date: string | null, privateMetadata: string) =>
      submit(
        h,
        viewSubmission({
          callbackId: CALLBACK_ID.nextMove,
          privateMetadata,
          user: authorUser,
          values: {
            [NEXT_MOVE_BLOCK_ID.move]: { [ACTION_ID.value]: { type: 'plain_text_input', value: text } },
            [NEXT_MOVE_BLOCK_ID.date]: { [ACTION_ID.value]: { type: 'datepicker', selected_date: date } },
          },
        }),
      );
    // The modal of the old version: the move changed since, nothing saved.
    expect((await save('Dana books the workshop with the ops team.', null, meta)).errors).toBeDefined();
    const current = JSON.stringify({ handoffId: handoff.id, version: nextVersion });
    expect((await save('tbd', null, current)).errors?.[NEXT_MOVE_BLOCK_ID.move]).toContain(
      'tells them nothing',
    );
    expect((await save('Dana books the workshop with the ops team.', '2026-11-27', current)).errors).toEqual({
      [NEXT_MOVE_BLOCK_ID.date]: 'This date is in the past.',
    });
    expect(await save('Dana books the workshop with the ops team.', '2026-12-09', current)).toEqual({});
    await outboxDrained(h);
    await quiet(h);
    expect(parent(h)).toContain('Dana books the workshop with the ops team. By Wed 9 Dec.');
    expect(asks(h)).toHaveLength(1);
    expect(json(asks(h)[0]?.blocks)).toContain(
      'You changed it: Meridian Cloud Consulting now sees “Dana books the workshop with the ops team. By Wed 9 Dec.”.',
    );
    expect(buttonsOf(asks(h)[0])).toEqual([]);
  });
});

/**
 * An outcome no longer erases the partner's "Next from …" line. A move whose date reaches past the step stays; one
 * that does not is held back and its author asked, as for a passed date (Still true, Edit).
 */
describe('the partner’s next move after an outcome', () => {
  const NEXT = '*Next from Meridian Cloud Consulting:*';
  /** Accepted with this partner next move, then the step recorded: its reply posted and the parent edited. */
  async function steppedWith(h: Harness, move: string, date: string | null) {
    const { handoff } = await sendHandoff(h, { partnerNextMove: move, partnerNextMoveDate: date });
    await accept(h, handoff.id);
    await waitFor(() => threadReplies(h).length === 1, 8000, 'the acceptance reply');
    await settle(h);
    expect(parent(h)).toContain(NEXT);
    await clickOutcome(h, 'meeting_held', handoff.id);
    await waitFor(() => threadReplies(h).length === 2, 8000, 'the step told');
    await settle(h);
    expect(parent(h)).toContain('Meeting held');
  }
  const settle = async (h: Harness) => {
    await outboxDrained(h);
    await quiet(h);
  };

  it('stays when its date reaches past the step', async () => {
    const h = await start();
    // Written for after the meeting (the harness clock is Mon 23 Nov 2026).
    const move = 'Dana sends the security questionnaire after the meeting.';
    await steppedWith(h, move, '2026-12-04');
    expect(parent(h)).toContain(`${NEXT} ${move} By Fri 4 Dec.`);
    // Nobody is asked about it.
    expect(dmOf(h, pat).filter((m) => shown(m).includes('is not shown'))).toEqual([]);
  });

  it('is held back when nothing reaches past the step, and its author asked; Still true shows it again', async () => {
    const h = await start();
    const move = 'Dana shares the agenda for the first meeting.';
    await steppedWith(h, move, null);
    expect(parent(h)).not.toContain(move);

    const ask = await waitForDm(h, pat, 'is not shown', 'the author asked');
    expect(json(ask.blocks)).toContain('it was written before the deal reached *Meeting held*');
    expect(buttonsOf(ask)).toEqual([ACTION_ID.heldBackConfirm, ACTION_ID.heldBackEdit]);
    await click(h, ACTION_ID.heldBackConfirm, stillTrueValue(ask), authorUser);
    await settle(h);
    expect(parent(h)).toContain(`${NEXT} ${move}`);
    expect(buttonsOf(dmOf(h, pat).find((m) => m.ts === ask.ts))).toEqual([]);
    // Only the two events were posted in the thread.
    expect(threadReplies(h)).toHaveLength(2);
  });
});
