import { describe, expect, it } from 'vitest';
import { ACTION_ID } from '../../src/blocks/ids.js';
import type { HandoffRow } from '../../src/db/schema.js';
import type { StoredMessage } from '../support/fakeSlack.js';
import { type Harness, harnessPerTest, quiet, waitFor } from '../support/harness.js';
import { outboxDrained } from '../support/ownerFlow.js';
import { accept, partnerCalls, partnerMessages } from '../support/partnerFlow.js';
import { declineSubmission } from '../support/payloads.js';
import { people } from '../support/people.js';
import { REVIEW_ENV, revopsUser, sendPacket, slash, weakPacket } from '../support/reviewFlow.js';

/**
 * The AE sees what the author chose to send anyway. What the conflict and duplicate check found on
 * the account when Send was pressed (another partner's handoff, a registered reseller, another open handoff of the
 * same partner) and the author's reason for sending a duplicate or a packet below the lowest band are stored with
 * the handoff and shown in a short section of the AE's packet DM. Internal only: no partner message carries them.
 */

const TITLE = '*Flagged when it was sent* (internal: the partner never sees this)';

const start = harnessPerTest({ env: REVIEW_ENV });

/** The packet DM of `handoff` in its AE's DM, once delivered. */
function packetDm(h: Harness, handoff: HandoffRow): Promise<StoredMessage> {
  return waitFor(
    () =>
      h.slack
        .messages(h.slack.dmChannelFor(handoff.aeUserId))
        .find((m) => JSON.stringify(m.blocks).includes(`Handoff #${handoff.id} `)),
    8000,
    `the AE DM of handoff #${handoff.id}`,
  );
}

/** The text of the DM's findings section, or undefined when it has none. */
function flagged(dm: StoredMessage | undefined): string | undefined {
  const blocks = (dm?.blocks ?? []) as { type: string; text?: { text?: string } }[];
  return blocks.find((b) => b.type === 'section' && b.text?.text?.startsWith(TITLE))?.text?.text;
}

/** Every string of every call that posts, edits or replies in the partner channel. */
function partnerText(h: Harness): string {
  return JSON.stringify(partnerCalls(h).map((c) => c.args));
}

/** The partner channel heard of the handoff (so the check below is not vacuous) and saw none of `secrets`. */
async function expectPartnerNeverSaw(h: Harness, secrets: string[]) {
  await waitFor(() => partnerMessages(h).length > 0, 4000, 'a partner post');
  await outboxDrained(h);
  await quiet(h);
  const text = partnerText(h);
  expect(text.toLowerCase()).toContain('northwind logistics');
  for (const secret of [TITLE, 'Flagged', 'Sent anyway', ...secrets]) expect(text).not.toContain(secret);
}

describe("the AE's packet shows what the author sent it past", () => {
  it("a channel conflict: the other partner's handoff, where it stood and its AE", async () => {
    const h = await start();
    const other = await sendPacket(h, {
      accountName: 'Northwind Logistics, Inc.',
      accountDomain: null,
      partnerOrg: 'Contoso Partners',
      partnerChannelId: null,
      aeUserId: people.otherAe.id,
    });
    const handoff = await sendPacket(h, {
      accountName: 'The Northwind Logistics',
      accountDomain: null,
      riskNote: 'Contoso introduced the finance team; Meridian the ops team. Alliances split credit 50/50.',
    });
    expect(handoff.findings).toEqual([
      {
        kind: 'conflict',
        handoffId: other.id,
        accountName: 'Northwind Logistics, Inc.',
        partnerOrg: 'Contoso Partners',
        status: 'sent',
        aeUserId: people.otherAe.id,
      },
    ]);
    expect(flagged(await packetDm(h, handoff))).toBe(
      `${TITLE}\n• *Channel conflict*: handoff #${other.id} Northwind Logistics, Inc. via Contoso Partners, waiting for the AE (AE: <@${people.otherAe.id}>)`,
    );
    // The other partner's own AE DM had nothing to flag when it was sent.
    expect(other.findings).toEqual([]);
    expect(flagged(await packetDm(h, other))).toBeUndefined();

    await accept(h, handoff.id);
    await expectPartnerNeverSaw(h, ['Contoso', `#${other.id}`]);
  });

  it('a registered reseller on the account', async () => {
    const h = await start();
    expect(await slash(h, 'reseller add Northwind Logistics | Contoso Resellers', revopsUser)).toContain(
      'Registered *Contoso Resellers*',
    );
    const handoff = await sendPacket(h, {
      riskNote: 'Contoso Resellers holds the licence; Meridian implements. Alliances confirmed credit.',
    });
    expect(flagged(await packetDm(h, handoff))).toBe(
      `${TITLE}\n• *Registered reseller*: Contoso Resellers on Northwind Logistics`,
    );
    await accept(h, handoff.id);
    await expectPartnerNeverSaw(h, ['Contoso', 'reseller']);
  });

  it('a duplicate, with the reason to send it anyway; "you" when the AE has the other one too', async () => {
    const h = await start();
    const first = await sendPacket(h);
    expect(flagged(await packetDm(h, first))).toBeUndefined();
    const reason = 'A second buying centre: the finance team, with its own budget.';
    const second = await sendPacket(
      h,
      { accountName: 'northwind logistics ltd.' },
      { overrideReason: reason },
    );
    expect(second).toMatchObject({
      overrideReason: reason,
      findings: [expect.objectContaining({ kind: 'duplicate' })],
    });
    expect(flagged(await packetDm(h, second))).toBe(
      [
        TITLE,
        `• *Duplicate*: handoff #${first.id} Northwind Logistics via Meridian Cloud Consulting, waiting for the AE (AE: you)`,
        `• *Sent anyway* by <@${people.author.id}> (it duplicates an open handoff): ${reason}`,
      ].join('\n'),
    );

    await accept(h, second.id);
    await expectPartnerNeverSaw(h, [reason, 'second buying centre', 'Duplicate', `#${first.id}`]);
  });

  it('a packet below the lowest band, with the reason to send it anyway', async () => {
    const h = await start();
    const reason = 'Dana asked for speed: the ops director meets the AE on Thursday either way.';
    const handoff = await sendPacket(h, weakPacket, { overrideReason: reason });
    expect(handoff).toMatchObject({ scoreBand: 'keep_building', overrideReason: reason, findings: [] });
    const dm = await packetDm(h, handoff);
    expect(flagged(dm)).toBe(
      `${TITLE}\n• *Sent anyway* by <@${people.author.id}> (the packet is below the lowest band): ${reason}`,
    );
    // The section is part of the packet, after the risk note, before the decision buttons.
    const types = (dm.blocks as { type: string; text?: { text?: string } }[]).map((b) =>
      b.text?.text?.startsWith(TITLE) ? 'flagged' : b.type,
    );
    expect(types.indexOf('flagged')).toBeLessThan(types.indexOf('actions'));

    // Declined: the partner hears a partner-safe reason, never the author's.
    const declined = await h.interact(declineSubmission({ handoffId: handoff.id, reason: 'timing' }));
    expect(declined.status).toBe(200);
    await expectPartnerNeverSaw(h, [reason, 'ops director meets', 'Keep building']);
    // The AE's packet still shows it after the decision.
    await waitFor(
      () =>
        JSON.stringify(h.slack.messages(h.slack.dmChannelFor(people.ae.id))[0]?.blocks).includes(
          '*Declined*',
        ),
      4000,
      'the declined packet',
    );
    expect(flagged(h.slack.messages(h.slack.dmChannelFor(people.ae.id))[0])).toContain(reason);
    expect(JSON.stringify(h.slack.messages(h.slack.dmChannelFor(people.ae.id))[0]?.blocks)).not.toContain(
      ACTION_ID.accept,
    );
  });
});
