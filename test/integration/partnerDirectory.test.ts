import { afterEach, expect, it } from 'vitest';
import { PACKET_BLOCK_ID, REVIEW_BLOCK_ID } from '../../src/blocks/ids.js';
import { partnerThreadParent } from '../../src/blocks/partnerUpdate.js';
import { partnerSafeUpdate } from '../../src/domain/partnerSafe.js';
import { type Harness, quiet, startHarness, waitFor } from '../support/harness.js';
import { dmOf, json, outboxDrained } from '../support/ownerFlow.js';
import { accept, partnerCalls, shown } from '../support/partnerFlow.js';
import { confirmationsOn, type PacketValues, reviewSubmission } from '../support/payloads.js';
import { channels, people, RIVAL_TEAM, TEAM } from '../support/people.js';
import {
  handoffRows,
  lastHandoff,
  reviewPacket,
  sendPacket,
  slash,
  submitPacket,
  visibleText,
} from '../support/reviewFlow.js';

const ADMIN = people.member.id;
let h: Harness;

afterEach(() => h?.stop());

const start = () =>
  startHarness({
    env: { ADMIN_USER_IDS: ADMIN, REVOPS_USER_IDS: people.owner.id, SWEEP_SCHEDULE: '0 0 1 1 *' },
  });

const tailspin: PacketValues = {
  accountName: 'Contoso Freight',
  accountDomain: 'contoso.example',
  partnerOrg: 'Tailspin Integrators',
  partnerContactName: 'Lee Park',
  partnerNextMove: 'Lee sends the integration plan.',
  partnerChannelId: channels.rival.id,
};

const held = async () => (await h.database.db.select().from(h.tables.partnerChannels))[0]?.status === 'held';

/** The owner's notice of the AE's answer, as it reads now (edited in place). */
const decisionNotice = () =>
  dmOf(h, people.author.id).find((m) => json(m.blocks).includes('*accepted* handoff'));

/** Sends from the review with the given boxes ticked (none: an author who did not confirm). */
async function sendFromReview(draftId: number, review: { blocks?: unknown[] }, ticked?: string[]) {
  const confirm = confirmationsOn(review);
  const response = await h.interact(
    reviewSubmission({ draftId, confirm, ticked: (ticked ?? confirm) as typeof confirm }),
  );
  return (await response.json()) as { response_action?: string; errors?: Record<string, string> };
}

// One partner, one channel.
it("refuses an internal channel and one shared with several organizations, with a hint; another partner's channel, naming both, once the directory knows them", async () => {
  h = await start();
  const internal = await submitPacket(h, { partnerChannelId: channels.internal.id });
  expect(internal.answer.errors?.[PACKET_BLOCK_ID.partnerChannelId]).toMatch(
    /^#partner-marketing is not shared with any partner organization, so Meridian Cloud Consulting would never read it\. Choose the Slack Connect channel/,
  );
  const multi = await submitPacket(h, { partnerChannelId: channels.multi.id });
  expect(multi.answer.errors?.[PACKET_BLOCK_ID.partnerChannelId]).toMatch(
    /^#ext-consortium is shared with several organizations \(Meridian Cloud Consulting, Tailspin Integrators\)/,
  );
  expect(await handoffRows(h)).toHaveLength(0);

  await sendPacket(h); // Meridian Cloud Consulting in #ext-meridian: binds it
  await sendPacket(h, tailspin); // Tailspin in #ext-tailspin
  const { answer } = await submitPacket(h, {
    ...tailspin,
    accountName: 'Northwind Logistics',
    partnerChannelId: channels.partner.id,
  });
  expect(answer.response_action).toBe('errors');
  expect(answer.errors?.[PACKET_BLOCK_ID.partnerChannelId]).toBe(
    "#ext-meridian is Meridian Cloud Consulting's channel, not Tailspin Integrators'. Choose Tailspin Integrators' own channel, or leave the partner channel empty (the partner then hears nothing in Slack).",
  );
  expect(await handoffRows(h)).toHaveLength(2);
});

it('binds the channel and its workspace at the first send, after the author confirms a different name; without a channel the partner hears nothing', async () => {
  h = await start();
  const { review, draftId, text } = await reviewPacket(h, { partnerOrg: 'Meridian' });
  expect(text).toContain(
    'is shared with the Slack workspace *Meridian Cloud Consulting*. Is that *Meridian*?',
  );
  expect(confirmationsOn(review)).toEqual([REVIEW_BLOCK_ID.confirmPartner]);
  const unconfirmed = await sendFromReview(draftId, review, []);
  expect(unconfirmed.errors?.[REVIEW_BLOCK_ID.confirmPartner]).toMatch(
    /Confirm that these are the same partner/,
  );
  expect(await handoffRows(h)).toHaveLength(0);
  expect(await sendFromReview(draftId, review)).toEqual({ response_action: 'clear' });
  const [partner] = await h.database.db.select().from(h.tables.partners).orderBy(h.tables.partners.id);
  expect(partner?.name).toBe('Meridian');
  expect(await h.database.db.select().from(h.tables.partnerChannels)).toMatchObject([
    {
      channelId: channels.partner.id,
      channelName: 'ext-meridian',
      partnerId: partner?.id,
      status: 'active',
    },
  ]);
  expect(await h.database.db.select().from(h.tables.partnerWorkspaces)).toMatchObject([
    {
      teamId: channels.partner.shared_team_ids[1],
      teamName: 'Meridian Cloud Consulting',
      partnerId: partner?.id,
    },
  ]);
  // The workspace's name is now an alias: the full name is the same partner (a duplicate, not a conflict).
  expect((await h.database.db.select().from(h.tables.partnerAliases)).map((a) => a.alias).sort()).toEqual([
    'Meridian',
    'Meridian Cloud Consulting',
  ]);
  const again = await reviewPacket(h, { partnerOrg: 'Meridian Cloud Consulting' });
  expect(again.text).toContain('*Duplicate*');
  expect(confirmationsOn(again.review)).toEqual([]);

  // Sent without a partner channel: the review and the owner say the partner hears nothing in Slack.
  const contoso = { ...tailspin, partnerOrg: 'Meridian Cloud Consulting', partnerChannelId: null };
  expect((await reviewPacket(h, contoso)).text).toContain('No partner channel.');
  const handoff = await sendPacket(h, contoso);
  expect(handoff.partnerChannelId).toBeNull();
  await accept(h, handoff.id);
  const notice = await waitFor(
    () =>
      h.slack
        .messages(h.slack.dmChannelFor(people.author.id))
        .find((m) => shown(m).includes('*accepted* handoff')),
    8000,
    "the author's notice",
  );
  expect(shown(notice)).toContain('There is no partner channel: tell the partner yourself.');
  expect(
    (await h.database.db.select().from(h.tables.outbox).orderBy(h.tables.outbox.id)).filter(
      (r) => r.audience === 'partner',
    ),
  ).toEqual([]);
});

it('the author sees what the partner will see: shows the partner post as the partner channel will show it, and warns about internal-looking text in it', async () => {
  h = await start();
  const { review } = await reviewPacket(h);
  const expected = partnerThreadParent(
    partnerSafeUpdate(
      {
        accountName: 'Northwind Logistics',
        partnerOrg: 'Meridian Cloud Consulting',
        partnerContactName: 'Dana Reyes',
        aeName: 'Jordan Seller',
        partnerNextMove: 'Dana confirms the meeting and shares the review notes.',
        partnerNextMoveDate: '2026-12-04',
      },
      'accepted',
    ),
  );
  const blocks = JSON.stringify(review.blocks);
  for (const block of expected.blocks) expect(blocks).toContain(JSON.stringify(block));
  expect(visibleText(review)).toContain('will read* in <#C0PARTNER>');

  // Internal-looking text in a partner-visible field: sent only once the author confirms it.
  const note = '(internal: we pay Meridian a 15% referral fee on close, do not mention)';
  const warned = await reviewPacket(h, { partnerNextMove: note });
  const { draftId, text } = warned;
  expect(text).toContain('This reads as internal, and the partner will read it word for word');
  expect(text).toContain('• *Partner next move*: “internal”, “15%”, “fee”, “do not mention”');
  const refused = await sendFromReview(draftId, warned.review, [REVIEW_BLOCK_ID.confirmPartner]);
  expect(refused.errors?.[REVIEW_BLOCK_ID.confirmInternalText]).toMatch(
    /The partner reads this word for word/,
  );
  expect(await handoffRows(h)).toHaveLength(0);
  expect(await sendFromReview(draftId, warned.review)).toEqual({ response_action: 'clear' });
  expect((await lastHandoff(h)).partnerNextMove).toBe(note);
});

// Shared status changes at run time.
it('keeps a held channel held while Slack cannot say who is in it, and releases it only on Slack’s answer', async () => {
  h = await start();
  h.slack.addTeam({ id: 'T0FABRIKAM', name: 'Fabrikam Partners' });
  const handoff = await sendPacket(h);
  await h.slack.shareChannel(channels.partner.id, RIVAL_TEAM);
  await waitFor(held, 8000, 'held for Tailspin');
  await accept(h, handoff.id);
  // A third organization comes and goes while conversations.info fails in each of Slack's ways.
  for (const failure of [{ status: 500 }, { retryAfter: 1 }, { body: '<html>Bad gateway</html>' }]) {
    h.slack.fail('conversations.info', failure);
    await h.slack.shareChannel(channels.partner.id, 'T0FABRIKAM');
    expect((await h.slack.unshareChannel(channels.partner.id, 'T0FABRIKAM')).status).toBe(200);
    await h.app.scheduler.runNow('channel-sharing-recheck');
    await quiet(h);
    expect(await held()).toBe(true);
    h.slack.clearFailures();
  }
  // Slack answers again: Tailspin is still there, so the re-check keeps it held.
  await h.app.scheduler.runNow('channel-sharing-recheck');
  await quiet(h);
  expect(await held()).toBe(true);
  expect(partnerCalls(h)).toEqual([]);
  // Tailspin leaves while Slack fails: still held, nothing posted; the next re-check, answered, releases it.
  h.slack.fail('conversations.info', { status: 503 });
  await h.slack.unshareChannel(channels.partner.id, RIVAL_TEAM);
  await quiet(h);
  expect(await held()).toBe(true);
  expect(partnerCalls(h)).toEqual([]);
  h.slack.clearFailures();
  await h.app.scheduler.runNow('channel-sharing-recheck');
  await waitFor(() => h.slack.messages(channels.partner.id).length > 0, 8000, 'the held post, once released');
  expect(await held()).toBe(false);
  expect(shown(h.slack.messages(channels.partner.id)[0])).toContain('Accepted');
});

it.each([
  {
    when: 'an admin confirmed the channel (nobody else may)',
    release: async (h: Harness) => {
      const confirm = `partners confirm <#${channels.partner.id}|ext-meridian>`;
      expect(await slash(h, confirm)).toBe('Only an admin can do that. Nothing was changed.');
      expect(await slash(h, confirm, { id: ADMIN })).toContain(
        "is *Meridian Cloud Consulting*'s channel now",
      );
    },
  },
  {
    when: "Slack's answer released the channel",
    release: (h: Harness) => h.slack.unshareChannel(channels.partner.id, RIVAL_TEAM),
  },
])(
  "holds a channel another organization joins, tells the admins, says in the owner's decision notice that the partner's update waits, and posts it once $when",
  async ({ release }) => {
    h = await start();
    const handoff = await sendPacket(h);
    expect((await h.slack.shareChannel(channels.partner.id, RIVAL_TEAM)).status).toBe(200);
    await waitFor(held, 8000, 'held');
    await waitFor(
      () =>
        h.slack
          .messages(h.slack.dmChannelFor(ADMIN))
          .find((m) => shown(m).includes('/handoff partners confirm')),
      8000,
      'the admin told',
    );
    await accept(h, handoff.id);
    const waits = `The partner's partner-safe update waits: <#${channels.partner.id}> is on hold until an admin confirms who is in it.`;
    await waitFor(() => json(decisionNotice()?.blocks).includes(waits), 8000, 'the notice: it waits');
    await quiet(h);
    expect(json(decisionNotice()?.blocks)).toContain(waits);
    expect(json(decisionNotice()?.blocks)).not.toContain('The partner reads');
    expect(partnerCalls(h)).toEqual([]);

    await release(h);
    await waitFor(
      () => h.slack.messages(channels.partner.id).some((m) => shown(m).includes('Accepted')),
      8000,
      'the held update once released',
    );
    expect(shown(h.slack.messages(channels.partner.id)[0])).toContain('Accepted');
    await outboxDrained(h);
    await quiet(h);
    expect(json(decisionNotice()?.blocks)).toContain(
      `The partner reads a partner-safe update of it in <#${channels.partner.id}>.`,
    );
    expect(json(decisionNotice()?.blocks)).not.toContain('on hold');
  },
);

it('switches an internal channel off the moment it is shared, and posts nothing internal there', async () => {
  h = await startHarness({
    env: {
      ADMIN_USER_IDS: ADMIN,
      PARTNER_HELP_CHANNEL_ID: channels.internal.id,
      SWEEP_SCHEDULE: '0 0 1 1 *',
    },
  });
  await h.slack.shareChannel(channels.internal.id, RIVAL_TEAM);
  const told = await waitFor(
    () => h.slack.messages(h.slack.dmChannelFor(ADMIN)).find((m) => shown(m).includes('stopped posting')),
    8000,
    'the admin told',
  );
  expect(shown(told)).toContain(
    `<#${channels.internal.id}> was shared with another organization, so I stopped posting partner-help requests there at once.`,
  );
  expect(shown(told)).not.toContain('PARTNER_HELP_CHANNEL_ID');
  expect(await slash(h, 'ask Northwind', { id: people.ae.id })).toMatch(/not set up|not configured|channel/i);
  expect(h.slack.messages(channels.internal.id)).toEqual([]);
});

it('the partner directory: lists, renames and merges for RevOps; metrics count the merged partners as one', async () => {
  h = await start();
  const meridian = await sendPacket(h);
  await sendPacket(h, { ...tailspin, partnerOrg: 'Tailspin', partnerChannelId: null });
  expect(await slash(h, 'partners')).toBe('Only RevOps or an admin can do that. Nothing was changed.');
  const owner = { id: people.owner.id };
  const list = await slash(h, 'partners', owner);
  // The counts say what they count: waiting for an answer, and accepted deals still going.
  expect(list).toContain(
    "*Meridian Cloud Consulting* · workspace Meridian Cloud Consulting · <#C0PARTNER> · 1 waiting for an AE's answer · 0 accepted, in progress",
  );
  expect(list).toContain(
    "*Tailspin* · no channel bound yet · 1 waiting for an AE's answer · 0 accepted, in progress",
  );
  await accept(h, meridian.id);
  expect(await slash(h, 'partners', owner)).toContain(
    "<#C0PARTNER> · 0 waiting for an AE's answer · 1 accepted, in progress",
  );
  // Expired: no AE is asked any more; its owner is.
  const [, tailspinHandoff] = await handoffRows(h);
  h.clock.set(new Date((tailspinHandoff?.dueAt.getTime() ?? 0) + 60_000));
  await h.app.scheduler.runNow('response-window-sweep');
  expect(await slash(h, 'partners', owner)).toContain(
    "*Tailspin* · no channel bound yet · 0 waiting for an AE's answer · 1 expired, for the owner to act · 0 accepted, in progress",
  );
  expect(await slash(h, 'partners rename Tailspin | Tailspin Integrators <!here>', owner)).toContain(
    'Tailspin Integrators &lt;!here&gt;',
  );
  expect(await slash(h, 'partners merge Tailspin | Meridian Cloud Consulting', owner)).toContain('Merged');
  const facts = await h.database.db.select().from(h.tables.metricFacts);
  expect(new Set(facts.map((f) => f.partnerKey))).toEqual(new Set(['meridian cloud consulting']));
  expect(new Set((await handoffRows(h)).map((r) => r.partnerId)).size).toBe(1);
  expect(await h.database.db.select().from(h.tables.partners).orderBy(h.tables.partners.id)).toHaveLength(1);
  expect(TEAM).toBe('T0INTERNAL');
});
