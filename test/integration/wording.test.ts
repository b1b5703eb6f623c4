import { expect, it } from 'vitest';
import { ACTION_ID } from '../../src/blocks/ids.js';
import { DECLINE_REASONS } from '../../src/domain/decline.js';
import { account } from '../support/crmFlow.js';
import { aeUser, sendHandoff } from '../support/flow.js';
import { type Harness, harnessPerTest, quiet, waitFor } from '../support/harness.js';
import { openHome } from '../support/matrix.js';
import {
  authorUser,
  clickOwnerButton,
  dmOf,
  ephemeralAt,
  expire,
  extendSubmission,
  handoffRow,
  json,
  openOwnerModal,
  QUIET,
  submit,
  waitForDm,
} from '../support/ownerFlow.js';
import { accept, clickOutcome, ownerUser } from '../support/partnerFlow.js';
import { blockAction, declineSubmission } from '../support/payloads.js';
import { channels, people, TEAM } from '../support/people.js';

/**
 * Every message that names a person names the right one (the AE, the owner, the author), in every
 * state, and says "you" to the person reading it rather than their own name. Pat (people.author) sends the packet to
 * Jordan (people.ae) and, unless a test names Olu (people.owner), owns it.
 */

const HALFWAY = '2026-11-25T10:00:00Z';
const PAT = `<@${people.author.id}>`;
const JORDAN = `<@${people.ae.id}>`;
const OLU = `<@${people.owner.id}>`;
const MO = `<@${people.member.id}>`;
const adminUser = { id: people.member.id, team_id: TEAM };

const app = harnessPerTest({ env: QUIET });
const start = (env: Record<string, string> = {}) => app({ env });

/** Everything a message shows: its notification text and its blocks. */
const shown = (m: { text?: string; blocks?: unknown } | undefined) => `${m?.text ?? ''} ${json(m?.blocks)}`;

/** The line of an App Home that lists handoff `id`. */
async function homeLine(h: Harness, userId: string, id: number): Promise<string> {
  const call = await openHome(h, userId);
  const blocks = (call.args.view as { blocks: { text?: { text?: string } }[] }).blocks;
  const line = blocks.map((b) => b.text?.text ?? '').find((t) => t.startsWith(`#${id} `));
  if (!line) throw new Error(`no line for handoff #${id} in the Home of ${userId}`);
  return line;
}

/** Sends a reminder to the AE (halfway through the window) and returns it. */
async function remind(h: Harness) {
  h.clock.set(HALFWAY);
  expect((await h.app.sweeper.sweep()).reminded).toBe(1);
  return waitForDm(h, people.ae.id, '*Reminder*', 'the reminder');
}

/** Jordan clicks Accept on the packet DM `ts` of handoff `id`; the ephemeral Jordan is answered with. */
async function acceptOnOldPacket(h: Harness, id: number, ts: string | undefined): Promise<string> {
  const url = h.slack.responseUrl();
  await h.interact(
    blockAction({
      actionId: ACTION_ID.accept,
      value: String(id),
      user: aeUser,
      responseUrl: url,
      messageTs: ts,
    }),
  );
  return ephemeralAt(h, url);
}

const messageAt = (h: Harness, userId: string, ts: string | undefined) =>
  dmOf(h, userId).find((m) => m.ts === ts);

// A withdrawal names the owner, and "you" to the owner.
it("Pat's App Home says Pat withdrew it, not the AE; the AE's messages name Pat", async () => {
  const h = await start();
  const { handoff, aeDm, dm } = await sendHandoff(h);
  const reminder = await remind(h);
  const confirmation = await waitForDm(h, people.author.id, `Handoff #${handoff.id} `, 'the confirmation');
  await clickOwnerButton(h, ACTION_ID.withdraw, handoff.id, authorUser);
  await quiet(h);

  const line = await homeLine(h, people.author.id, handoff.id);
  expect(line).toContain(': withdrawn by you');
  expect(line).not.toContain(JORDAN);

  // Jordan's reminder and packet: withdrawn by its owner, Pat.
  expect(shown(messageAt(h, people.ae.id, reminder.ts))).toContain(
    `*Now:* withdrawn by its owner ${PAT} <!date`,
  );
  expect(shown(h.slack.messages(aeDm)[0])).toContain(`*Withdrawn* by its owner ${PAT} <!date`);
  // Pat's own confirmation does not name Pat to Pat.
  const own = shown(messageAt(h, people.author.id, confirmation.ts));
  expect(own).toContain('*Now:* withdrawn <!date');
  expect(own).not.toContain(`withdrawn by its owner ${PAT}`);
  // Pat's notice: "You withdrew", not Pat's own name.
  const notice = await waitForDm(h, people.author.id, 'withdrew handoff', 'the owner notice');
  expect(shown(notice)).toContain(`:no_entry_sign: You withdrew handoff #${handoff.id} `);
  expect(shown(notice)).toContain(`${JORDAN} no longer has anything to answer`);

  // Jordan clicking Accept on the old packet is told who withdrew it.
  expect(await acceptOnOldPacket(h, handoff.id, dm.ts)).toContain(
    `is already withdrawn by its owner ${PAT}, so there is nothing left`,
  );
  // Pat pressing Withdraw again hears it is already done.
  const again = await clickOwnerButton(h, ACTION_ID.withdraw, handoff.id, authorUser);
  expect(await ephemeralAt(h, again.responseUrl)).toContain('is already withdrawn. Nothing was changed.');
});

it('after an admin withdrew it, every message names the admin, not the owner, as the one who did', async () => {
  const h = await start({ ADMIN_USER_IDS: people.member.id });
  const { handoff, aeDm, dm } = await sendHandoff(h);
  const confirmation = await waitForDm(h, people.author.id, `Handoff #${handoff.id} `, 'the confirmation');
  await clickOwnerButton(h, ACTION_ID.withdraw, handoff.id, adminUser);
  // The owner's notice names the admin who stood in.
  const notice = await waitForDm(h, people.author.id, 'withdrew handoff', 'the owner notice');
  expect(shown(notice)).toContain(`${MO} withdrew handoff #${handoff.id} `);
  expect(shown(notice)).not.toContain('You withdrew');
  await quiet(h);
  expect((await handoffRow(h, handoff.id)).withdrawnByUserId).toBe(people.member.id);
  expect(shown(h.slack.messages(aeDm)[0])).toContain(
    `*Withdrawn* by ${MO} (an admin, for its owner ${PAT}) <!date`,
  );
  expect(shown(messageAt(h, people.author.id, confirmation.ts))).toContain(
    `*Now:* withdrawn by ${MO} (an admin, for you) <!date`,
  );
  expect(await homeLine(h, people.author.id, handoff.id)).toContain(
    `: withdrawn by ${MO} (an admin, for you)`,
  );
  // Jordan clicking Accept on the old packet is told who withdrew it.
  expect(await acceptOnOldPacket(h, handoff.id, dm.ts)).toContain(
    `is already withdrawn by ${MO} (an admin, for its owner ${PAT}), so there is nothing left`,
  );
});

it(`a decline names the AE, and their note as theirs: the owner's notice, the author's Home and older messages; the AE's packet says "you"`, async () => {
  const h = await start();
  const { handoff, aeDm } = await sendHandoff(h);
  const confirmation = await waitForDm(h, people.author.id, `Handoff #${handoff.id} `, 'the confirmation');
  // The decline modal tells Jordan who reads the note.
  const opened = h.slack.callsTo('views.open').length;
  await h.interact(
    blockAction({
      actionId: ACTION_ID.decline,
      value: String(handoff.id),
      user: aeUser,
      triggerId: h.slack.issueTriggerId(),
    }),
  );
  const modal = await waitFor(() => h.slack.callsTo('views.open')[opened], 4000, 'the decline modal');
  expect(json(modal.args.view)).toContain(`your note goes to the owner, ${PAT}, and stays internal`);

  const note = 'Talk to the EMEA team first.';
  await submit(h, declineSubmission({ handoffId: handoff.id, reason: 'duplicate', note }));
  const label = DECLINE_REASONS.duplicate.label;

  // The decline notice: the AE declined; their note is "the AE's", never "your note" (Pat wrote no note).
  const notice = await waitForDm(h, people.author.id, '*declined* handoff', 'the decline notice');
  expect(shown(notice)).toContain(`:x: ${JORDAN} *declined* handoff #${handoff.id} `);
  expect(shown(notice)).toContain(`*Note from the AE (internal)*\\n${note}`);
  expect(shown(notice)).toContain(
    "The partner reads a partner-safe update of it, without the AE's note, in ",
  );
  expect(shown(notice)).not.toContain('your note');

  await quiet(h);
  expect(await homeLine(h, people.author.id, handoff.id)).toContain(`: declined by ${JORDAN}: ${label}`);
  expect(shown(messageAt(h, people.author.id, confirmation.ts))).toContain(
    `*Now:* declined by ${JORDAN}: ${label}.`,
  );
  // Jordan's own packet: "by you".
  expect(shown(h.slack.messages(aeDm)[0])).toContain('*Declined* by you <!date');
  // Reassigning it: the modal says Jordan declined it, not that it is with Jordan.
  const reassign = await openOwnerModal(h, 'reassign', handoff.id);
  expect(json(reassign.blocks)).toContain(`was declined by ${JORDAN}.`);
  expect(json(reassign.blocks)).not.toContain(`is with ${JORDAN}`);
});

it('an expiry names the silent AE and the owner who can act: "you" to the AE in their reminder, "you" to the owner on their notices and Home', async () => {
  const h = await start({ ESCALATION_CHANNEL_ID: channels.internal.id });
  const { handoff } = await sendHandoff(h);
  const reminder = await remind(h);
  const confirmation = await waitForDm(h, people.author.id, `Handoff #${handoff.id} `, 'the confirmation');
  await expire(h, handoff);
  await quiet(h);

  expect(shown(messageAt(h, people.ae.id, reminder.ts))).toContain(
    `*Now:* expired without an answer from you; the owner ${PAT} can reassign, extend or withdraw it.`,
  );
  // Pat's Reassign, Extend and Withdraw are on her expiry notice: her confirmation says so, offering none.
  const older = messageAt(h, people.author.id, confirmation.ts);
  expect(shown(older)).toContain(
    `*Now:* expired without an answer from ${JORDAN}; you can reassign, extend or withdraw it from your newest message about it.`,
  );
  expect(shown(older)).not.toContain(ACTION_ID.reassign);
  expect(shown(dmOf(h, people.author.id).at(-1))).toContain(ACTION_ID.reassign);
  // Pat's Home, in both lists: who did not answer.
  const call = await openHome(h, people.author.id);
  const lines = (call.args.view as { blocks: { text?: { text?: string } }[] }).blocks
    .map((b) => b.text?.text ?? '')
    .filter((t) => t.startsWith(`#${handoff.id} `));
  expect(lines).toHaveLength(2);
  for (const line of lines) expect(line).toContain(`: expired without an answer from ${JORDAN}`);
  expect(lines.join('\n')).not.toContain('(was with');
  // The escalation names Pat once, as owner and author.
  const escalation = await waitFor(() => h.slack.messages(channels.internal.id)[0], 4000, 'the escalation');
  expect(shown(escalation)).toContain(`Owner and author: ${PAT} · due was`);
});

// Acceptance, extension and outcomes name who did them.
it('the AE reads "you" on their own decision, the owner the AE; the owner who records an outcome reads "You recorded", the author the owner', async () => {
  // An owner who is an admin records it (an owner who is not one reports it to the AE).
  const h = await start({ ADMIN_USER_IDS: people.owner.id });
  const { handoff, aeDm } = await sendHandoff(h, { ownerUserId: people.owner.id });
  const reminder = await remind(h);
  await accept(h, handoff.id);
  await quiet(h);
  const packet = shown(h.slack.messages(aeDm)[0]);
  expect(packet).toContain('*Accepted* by you <!date');
  expect(packet).toContain(`The owner and <#${channels.partner.id}> have been told.`);
  expect(shown(messageAt(h, people.ae.id, reminder.ts))).toContain('*Now:* accepted by you.');
  const assigned = await waitForDm(h, people.owner.id, 'made you the owner', 'the owner notice');
  expect(shown(messageAt(h, people.owner.id, assigned.ts))).toContain(`*Now:* accepted by ${JORDAN}.`);

  await clickOutcome(h, 'meeting_held', handoff.id, ownerUser);
  expect(shown(await waitForDm(h, people.owner.id, 'recorded *Meeting held*', 'owner'))).toContain(
    ':bar_chart: You recorded *Meeting held*',
  );
  expect(shown(await waitForDm(h, people.author.id, 'recorded *Meeting held*', 'author'))).toContain(
    `:bar_chart: ${OLU} recorded *Meeting held*`,
  );
  // Another of Olu's, withdrawn by Olu: the author's Home says who (their notices: ownerActions.test.ts).
  const other = await sendHandoff(h, { ...account('Contoso Withdrawn'), ownerUserId: people.owner.id });
  await clickOwnerButton(h, ACTION_ID.withdraw, other.handoff.id, { id: people.owner.id, team_id: TEAM });
  await quiet(h);
  expect(await homeLine(h, people.author.id, other.handoff.id)).toContain(`: withdrawn by its owner ${OLU}`);
});

it('an extension by an admin names the admin to the AE; an older reminder says "with you"', async () => {
  const h = await start({ ADMIN_USER_IDS: people.member.id });
  const { handoff } = await sendHandoff(h);
  const reminder = await remind(h);
  const modal = await openOwnerModal(h, 'extend', handoff.id, adminUser);
  expect(
    await submit(
      h,
      extendSubmission({ privateMetadata: modal.private_metadata, days: '1', user: adminUser }),
    ),
  ).toEqual({});
  expect((await handoffRow(h, handoff.id)).cycle).toBe(2);
  const more = await waitForDm(h, people.ae.id, 'gave you more time', 'the extension notice');
  expect(shown(more)).toContain(`:calendar: ${MO} gave you more time on handoff #${handoff.id} `);
  expect(shown(more)).not.toContain(PAT);
  await quiet(h);
  expect(shown(messageAt(h, people.ae.id, reminder.ts))).toContain('*Now:* with you, answer due');
});
