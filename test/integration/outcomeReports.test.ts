import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { ACTION_ID } from '../../src/blocks/ids.js';
import { sendHandoff } from '../support/flow.js';
import { type Harness, quiet, waitFor } from '../support/harness.js';
import { homeClick, openHome } from '../support/matrix.js';
import {
  buttonsOf,
  buttonValues,
  dmOf,
  ephemeralAt,
  handoffRow,
  type SlackUser,
  waitForDm,
} from '../support/ownerFlow.js';
import {
  accept,
  aeSlackUser,
  click,
  clickOutcome,
  outcomeAction,
  partnerHarnesses,
  shown,
  threadReplies,
} from '../support/partnerFlow.js';
import { people, TEAM } from '../support/people.js';

/**
 * What the partner reads as fact comes from the AE, the CRM or an admin. Partner marketing (the author, here also the
 * owner) reports an outcome from the App Home; the AE confirms it with one click before the partner hears anything, or
 * says it is not right. The AE is told when an admin records one.
 */

const start = partnerHarnesses();
const author: SlackUser = { id: people.author.id, team_id: TEAM };
const admin: SlackUser = { id: people.member.id, team_id: TEAM };

const outcomeOf = async (h: Harness, id: number) => (await handoffRow(h, id)).outcome;
const steps = async (h: Harness, id: number) =>
  h.database.db.select().from(h.tables.outcomes).where(eq(h.tables.outcomes.handoffId, id));
const reports = async (h: Harness, id: number) =>
  h.database.db.select().from(h.tables.outcomeReports).where(eq(h.tables.outcomeReports.handoffId, id));

/** An accepted handoff, its thread started in the partner channel (the acceptance reply). */
async function acceptedDeal(h: Harness) {
  const { handoff } = await sendHandoff(h);
  await accept(h, handoff.id);
  await waitFor(() => threadReplies(h).length === 1, 8000, 'the acceptance reply');
  await quiet(h);
  return handoff;
}

/** The newest DM to `userId` that mentions `needle`. */
const latestDm = (h: Harness, userId: string, needle: string) =>
  dmOf(h, userId).findLast((m) => shown(m).includes(needle));

describe('an outcome reported by the owner or author', () => {
  it('goes to the AE to confirm, not to the partner; the AE confirms it with one click', async () => {
    const h = await start();
    const handoff = await acceptedDeal(h);
    // The author's (and owner's) Home lists the deal with report buttons, not the AE's record buttons.
    const home = await openHome(h, author.id);
    const homeJson = JSON.stringify(home.args.view);
    expect(homeJson).toContain('Report: Meeting held');

    await homeClick(h, outcomeAction('meeting_held'), String(handoff.id), author);
    const ask = await waitForDm(h, people.ae.id, 'reports *Meeting held*', 'the AE asked to confirm');
    await quiet(h);
    // Nothing recorded, nothing told to the partner: only the acceptance reply is in the thread.
    expect(await outcomeOf(h, handoff.id)).toBeNull();
    expect(await steps(h, handoff.id)).toEqual([]);
    expect(threadReplies(h)).toHaveLength(1);
    expect(await reports(h, handoff.id)).toEqual([
      expect.objectContaining({ outcome: 'meeting_held', reportedByUserId: author.id, status: 'pending' }),
    ]);
    expect(shown(ask)).toContain(`<@${author.id}> reports *Meeting held*`);
    expect(buttonsOf(ask)).toEqual([ACTION_ID.reportConfirm, ACTION_ID.reportDecline]);
    // The reporter reads it as waiting for the AE, in a DM and on the Home.
    expect(shown(latestDm(h, author.id, 'waiting for'))).toContain(
      `reported by you: waiting for <@${people.ae.id}> to confirm it`,
    );
    const after = JSON.stringify((await openHome(h, author.id)).args.view);
    expect(after).toContain(`reported by you, waiting for <@${people.ae.id}> to confirm it`);

    // One click by the AE: the step is the AE's, and only now does the partner hear it.
    const reporterDms = dmOf(h, author.id).length;
    await click(h, ACTION_ID.reportConfirm, buttonValues(ask)[ACTION_ID.reportConfirm] ?? '', aeSlackUser);
    await waitFor(() => threadReplies(h).length === 2, 8000, 'the partner told');
    expect(shown(threadReplies(h)[1])).toContain('met the customer');
    expect(await steps(h, handoff.id)).toEqual([
      expect.objectContaining({ outcome: 'meeting_held', recordedByUserId: people.ae.id }),
    ]);
    await quiet(h);
    expect(await reports(h, handoff.id)).toEqual([
      expect.objectContaining({ status: 'confirmed', answeredByUserId: people.ae.id }),
    ]);
    // The AE's ask lost its buttons and says what happened; so does the reporter's message.
    const answered = dmOf(h, people.ae.id).find((m) => m.ts === ask.ts);
    expect(buttonsOf(answered)).toEqual([]);
    expect(shown(answered)).toContain('You confirmed *Meeting held*');
    // The reporter (the author, who owns it too) reads the confirmation on their report's message: no second DM of
    // it (issue 77 item 19).
    h.clock.advance(120_000);
    await quiet(h);
    expect(dmOf(h, author.id)).toHaveLength(reporterDms);
    expect(shown(latestDm(h, author.id, 'confirmed'))).toContain(
      `<@${people.ae.id}> confirmed *Meeting held*`,
    );
  });

  it('refuses Confirm to anyone but the AE; records nothing when the AE says it is not right, and tells the reporter; an admin who records one tells the AE, who did not click', async () => {
    const h = await start({ ADMIN_USER_IDS: admin.id });
    const handoff = await acceptedDeal(h);
    await homeClick(h, outcomeAction('won'), String(handoff.id), author);
    const ask = await waitForDm(h, people.ae.id, 'reports *Closed won*', 'the AE asked to confirm');
    const waiting = await waitForDm(h, author.id, 'waiting for', "the reporter's copy");
    const url = await click(
      h,
      ACTION_ID.reportConfirm,
      buttonValues(ask)[ACTION_ID.reportConfirm] ?? '',
      author,
    );
    expect(await ephemeralAt(h, url)).toContain('Only the AE');
    await quiet(h);
    expect(await steps(h, handoff.id)).toEqual([]);
    expect(await reports(h, handoff.id)).toEqual([expect.objectContaining({ status: 'pending' })]);

    await click(h, ACTION_ID.reportDecline, buttonValues(ask)[ACTION_ID.reportDecline] ?? '', aeSlackUser);
    await waitFor(
      () => shown(dmOf(h, author.id).find((m) => m.ts === waiting.ts)).includes('is not right'),
      8000,
      'the reporter told',
    );
    await quiet(h);
    expect(await outcomeOf(h, handoff.id)).toBeNull();
    expect(await steps(h, handoff.id)).toEqual([]);
    expect(threadReplies(h)).toHaveLength(1);
    expect(await reports(h, handoff.id)).toEqual([expect.objectContaining({ status: 'declined' })]);
    // The AE can still record it themselves: their packet offers the steps.
    expect(buttonsOf(dmOf(h, people.ae.id).find((m) => m.ts === ask.ts))).toEqual([]);

    await clickOutcome(h, 'meeting_held', handoff.id, admin);
    await waitFor(() => threadReplies(h).length === 2, 8000, 'the partner told');
    const told = await waitForDm(h, people.ae.id, 'recorded *Meeting held*', 'the AE told');
    expect(shown(told)).toContain(`<@${admin.id}> recorded *Meeting held* on handoff`);
  });
});
