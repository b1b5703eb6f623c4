import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION_ID, CALLBACK_ID, COVER_BLOCK_ID } from '../../src/blocks/ids.js';
import { account } from '../support/crmFlow.js';
import { sendHandoff } from '../support/flow.js';
import { type Harness, harnessPerTest, startHarness, waitFor } from '../support/harness.js';
import {
  authorUser,
  dmOf,
  json,
  openOwnerModal,
  outboxDrained,
  QUIET,
  reassignSubmission,
  type SlackUser,
  waitForDm,
} from '../support/ownerFlow.js';
import { viewSubmission } from '../support/payloads.js';
import { people, TEAM } from '../support/people.js';
import { declineInDm } from '../support/revopsFlow.js';

const start = harnessPerTest();

/**
 * Everyone is told why (issue 31, item 2), for moves by hand and for covers: the AE who receives a handoff the owner
 * or an admin moved is told from whom, why and what the partner has heard; the owner's notice names who moved it; a
 * person named as cover is told, with the dates (and a cover replaced, that it ended).
 */
const ae = people.ae.id;
const sam = people.otherAe.id;
const mo = people.member.id;
const pat = people.author.id;
const adminUser: SlackUser = { id: mo, team_id: TEAM };

function coverSubmission(cover: string, until: string, user: SlackUser) {
  return viewSubmission({
    callbackId: CALLBACK_ID.cover,
    user,
    privateMetadata: '{}',
    values: {
      [COVER_BLOCK_ID.cover]: { [ACTION_ID.value]: { type: 'users_select', selected_user: cover } },
      [COVER_BLOCK_ID.until]: { [ACTION_ID.value]: { type: 'datepicker', selected_date: until } },
    },
  });
}

async function reassignAs(h: Harness, id: number, user: SlackUser, to: string) {
  const modal = await openOwnerModal(h, 'reassign', id, user);
  const response = await h.interact(
    reassignSubmission({ privateMetadata: modal.private_metadata, newAeUserId: to, user }),
  );
  expect(response.status).toBe(200);
  await outboxDrained(h);
}

describe('a move by hand', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { ...QUIET, ADMIN_USER_IDS: mo } });
  });
  afterAll(() => h.stop());

  it('by an admin after a decline: the new AE reads who moved it, why, and that the partner heard it was not taken forward', async () => {
    const { handoff, dm } = await sendHandoff(h, account('Declined Then Moved'));
    await declineInDm(h, handoff, dm, 'timing');
    await outboxDrained(h);
    await reassignAs(h, handoff.id, adminUser, sam);

    const packet = await waitForDm(h, sam, 'Moved to you', "Sam's packet");
    const told = json(packet.blocks);
    expect(told).toContain(`*Moved to you from* <@${ae}> by <@${mo}> (an admin): <@${ae}> declined it (`);
    expect(told).toContain(
      'When it moved, Meridian Cloud Consulting had last been told that it was not taken forward (no AE named)',
    );
    // The partner's wording is quoted whole, with its own full stop and none after the quote.
    expect(told).toContain('(no AE named): \\"The timing is not right for this account yet.\\" They hear');
    const notice = await waitForDm(h, pat, `moved from <@${ae}> to <@${sam}>`, 'the owner notice');
    expect(json(notice.blocks)).toContain(`Moved by <@${mo}> (an admin): <@${ae}> declined it`);
  });

  it('by the owner while it is open: "Moved by you", and the new AE reads the owner moved it', async () => {
    const { handoff } = await sendHandoff(h, account('Moved While Open'));
    await reassignAs(h, handoff.id, authorUser, sam);
    const packet = await waitFor(
      () =>
        dmOf(h, sam).find(
          (m) => json(m.blocks).includes('Moved While Open') && json(m.blocks).includes('Moved to you'),
        ),
      8000,
      "Sam's packet",
    );
    expect(json(packet.blocks)).toContain(
      `*Moved to you from* <@${ae}> by <@${pat}> (the owner): <@${ae}> had not answered yet.`,
    );
    expect(json(packet.blocks)).toContain('had heard nothing of this handoff from us');
    const notice = await waitFor(
      () =>
        dmOf(h, pat).find(
          (m) => json(m.blocks).includes('Moved While Open') && json(m.blocks).includes('moved from'),
        ),
      8000,
      'the owner notice',
    );
    expect(json(notice.blocks)).toContain(`Moved by you: <@${ae}> had not answered yet`);
  });
});

describe('naming a cover', () => {
  it('tells the person named, with the dates; a cover replaced is told it ended', async () => {
    const h = await start({ env: QUIET });
    const aeUser = { id: ae, team_id: TEAM };
    const named = await h.interact(coverSubmission(sam, '2026-12-04', aeUser));
    expect(named.status).toBe(200);
    const told = await waitForDm(h, sam, 'named you to answer for them', 'the cover told');
    expect(json(told.blocks)).toContain(
      `<@${ae}> named you to answer for them from *2026-11-23* until *2026-12-04* (the last day)`,
    );

    const replaced = await h.interact(coverSubmission(mo, '2026-12-11', aeUser));
    expect(replaced.status).toBe(200);
    await waitForDm(h, mo, 'until *2026-12-11*', 'the new cover told');
    const ended = await waitForDm(h, sam, 'you no longer cover for them', 'the old cover told');
    expect(json(ended.blocks)).toContain(`<@${ae}> named someone else to answer for them`);
  });
});
