import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addRefusalText, addReplies } from '../../src/blocks/addToHandoff.js';
import { ACTION_ID, ADD_TO_HANDOFF_BLOCK_ID } from '../../src/blocks/ids.js';
import type { HandoffEventRow, HandoffRow } from '../../src/db/schema.js';
import { acceptHandoff } from '../support/acceptFlow.js';
import {
  addSubmission,
  offered,
  openedAddModal,
  type ShortcutUser,
  shortcutOnNewMessage,
  submitAdd,
} from '../support/addToHandoffFlow.js';
import { account, hubspotEnv, salesforceEnv } from '../support/crmFlow.js';
import { dbSnapshot } from '../support/dbSnapshot.js';
import { FakeHubspot, type FakeHubspotNote } from '../support/fakeHubspot.js';
import { FakeSalesforce } from '../support/fakeSalesforce.js';
import { sendHandoff } from '../support/flow.js';
import { type Harness, quiet, startHarness, waitFor } from '../support/harness.js';
import { clickOwnerButton, ephemeralAt, QUIET } from '../support/ownerFlow.js';
import { blockAction } from '../support/payloads.js';
import { channels, people, TEAM } from '../support/people.js';

/**
 * "Add to handoff", through the real receiver against the fake Slack, HubSpot and Salesforce: a message (a partner's
 * reply in their Slack Connect channel, an internal thread) attached to one of the person's open handoffs; the touch
 * log, the history, the CRM activity, the :memo: mark; who may, and what the partner sees (nothing).
 */

const pat: ShortcutUser = { id: people.author.id, team_id: TEAM };
const jordan: ShortcutUser = { id: people.ae.id, team_id: TEAM };
const mo: ShortcutUser = { id: people.member.id, team_id: TEAM };
/** A private channel nobody invited the app to. */
const DEAL_ROOM = { id: 'G0DEALROOM', name: 'northwind-deal-room', is_private: true, members: [] };

const PORTAL = '4412345';
const hubspotDeal = (id: string) => `https://app.hubspot.com/contacts/${PORTAL}/record/0-3/${id}`;

let hs: FakeHubspot;
let sf: FakeSalesforce;
let h: Harness;
/** Meridian's, in its channel (HubSpot); Tailspin's, in theirs (Salesforce); Meridian's again, with no channel. */
let meridian: HandoffRow;
let tailspin: HandoffRow;
let meridianQuiet: HandoffRow;
let hubspotId: string;
let salesforceId: string;

beforeAll(async () => {
  hs = await FakeHubspot.start();
  sf = await FakeSalesforce.start();
  h = await startHarness({ env: { ...QUIET, ...hubspotEnv(hs), ...salesforceEnv(sf) } });
  h.slack.addChannel(DEAL_ROOM);
  hubspotId = hs.addDeal({ name: 'Northwind expansion' });
  salesforceId = sf.addOpportunity({ name: 'Contoso platform', stageName: 'Prospecting' });
  meridian = (await sendHandoff(h, { crmOpportunity: hubspotDeal(hubspotId) })).handoff;
  tailspin = (
    await sendHandoff(h, {
      ...account('Contoso'),
      crmOpportunity: salesforceId,
      partnerOrg: 'Tailspin Integrators',
      partnerChannelId: channels.rival.id,
    })
  ).handoff;
  meridianQuiet = (
    await sendHandoff(h, { ...account('Fabrikam'), crmOpportunity: null, partnerChannelId: null })
  ).handoff;
  await quiet(h);
});
afterAll(async () => {
  await h?.stop();
  await hs?.stop();
  await sf?.stop();
});

const events = async (handoffId: number): Promise<HandoffEventRow[]> =>
  await h.database.db
    .select()
    .from(h.tables.handoffEvents)
    .where(eq(h.tables.handoffEvents.handoffId, handoffId))
    .orderBy(asc(h.tables.handoffEvents.id));
const added = async (handoffId: number) =>
  (await events(handoffId)).filter((e) => e.type === 'message_added');

const notesOn = (dealId: string): FakeHubspotNote[] => hs.notes().filter((n) => n.dealIds.includes(dealId));
const memoOn = (channel: string, ts: string) =>
  h.slack.messages(channel).find((m) => m.ts === ts)?.reactions?.memo ?? [];
/** What the app sent to a channel since call `from`: posts, updates, anything but the mark and the link. */
const sentTo = (channel: string, from: number) =>
  h.slack.calls
    .slice(from)
    .filter(
      (c) => c.args.channel === channel && c.method !== 'reactions.add' && c.method !== 'chat.getPermalink',
    );

/** The View modal of a handoff, opened by `user`: its history as JSON. */
async function viewed(handoffId: number, user: ShortcutUser): Promise<string> {
  const triggerId = h.slack.issueTriggerId();
  await h.interact(
    blockAction({
      actionId: ACTION_ID.view,
      value: String(handoffId),
      user,
      triggerId,
      responseUrl: h.slack.responseUrl(),
    }),
  );
  const call = await waitFor(
    () => h.slack.callsTo('views.open').find((c) => c.args.trigger_id === triggerId),
    4000,
    'the view modal',
  );
  return JSON.stringify(call.args.view);
}

describe('Add to handoff, from a partner’s Slack Connect channel', () => {
  it("offers the person's open handoffs, the channel's partner's first; adds the partner's reply to the history and the CRM, marks it, and tells the partner nothing", async () => {
    const from = h.slack.calls.length;
    const text =
      'Great news <!channel>: Northwind approved the <https://northwind.example/budget|budget> & wants a workshop next week. '.repeat(
        3,
      );
    const { ts, triggerId, responseUrl } = await shortcutOnNewMessage(h, {
      user: pat,
      channel: channels.partner,
      author: people.partner.id,
      text,
    });
    const modal = await openedAddModal(h, triggerId);
    // Newest first, the channel's partner's (its channel, or its partner by the channel's binding) first; the one
    // preselected is the one the message names (Northwind), not the newest (issue 77 item 5).
    expect(offered(modal)).toEqual({
      ids: [meridianQuiet.id, meridian.id, tailspin.id],
      initial: meridian.id,
    });
    expect(JSON.stringify(modal.blocks)).toContain('The message names Northwind Logistics.');
    expect(JSON.stringify(modal.blocks)).toContain(
      '>Great news @channel: Northwind approved the budget &amp; wants a workshop',
    );

    const answer = await submitAdd(
      h,
      addSubmission({ metadata: modal.private_metadata, handoffId: meridian.id, user: pat }),
    );
    expect(answer.response_action).toBe('update');
    expect(JSON.stringify(answer.view)).toContain(`Added to handoff #${meridian.id} *Northwind Logistics*`);

    const [event] = await added(meridian.id);
    const permalink = `https://acme.slack.com/archives/${channels.partner.id}/p${ts.replace('.', '')}`;
    expect(event).toMatchObject({
      actorUserId: pat.id,
      actorTeamId: TEAM,
      fromStatus: 'sent',
      toStatus: 'sent',
      detail: {
        permalink,
        excerpt: expect.stringMatching(/^Great news @channel: Northwind approved the budget & wants/),
        byName: 'Pat Marketer',
      },
    });
    const excerpt = String(event?.detail?.excerpt);
    expect([...excerpt].length).toBeLessThanOrEqual(200);
    expect(excerpt.endsWith('…')).toBe(true);
    // Nothing else is stored of the message.
    expect(Object.keys(event?.detail ?? {}).sort()).toEqual(['byName', 'excerpt', 'permalink']);

    // The HubSpot note: who, the excerpt, the link, the reference.
    const note = await waitFor(
      () => notesOn(hubspotId).find((n) => String(n.properties.hs_note_body).includes('Slack message added')),
      8000,
      'the HubSpot note',
    );
    const body = String(note.properties.hs_note_body);
    expect(body).toContain(`<strong>Co-sell handoff #${meridian.id} Slack message added</strong>`);
    expect(body).toContain('<br>Added by: Pat Marketer<br>');
    expect(body).toContain('Message: “Great news @channel: Northwind approved the budget &amp; wants');
    expect(body).toContain(`<br>Link: ${permalink}<br>`);
    expect(body).toContain(`ref cosell${meridian.id}e${event?.id}`);

    // The history, as View shows it (escaped).
    const history = await viewed(meridian.id, pat);
    expect(history).toContain(
      `<@${pat.id}> added a message: “Great news @channel: Northwind approved the budget &amp; wants`,
    );
    expect(history).toContain(`(<${permalink}|link>)`);

    // The partner is told nothing: no :memo: on their message (everyone in a shared channel sees the app's
    // reactions), nothing posted or updated in their channel, nobody told by DM, and the adder is not told of a
    // skipped mark either.
    await quiet(h);
    expect(memoOn(channels.partner.id, ts)).toEqual([]);
    expect(h.slack.calls.slice(from).filter((c) => c.method === 'reactions.add')).toEqual([]);
    expect(sentTo(channels.partner.id, from)).toEqual([]);
    expect(h.slack.responses.filter((r) => r.url === responseUrl)).toEqual([]);
    expect(h.slack.messages(channels.partner.id).filter((m) => m.user === h.slack.botUserId)).toEqual([]);
    expect(h.slack.messages(h.slack.dmChannelFor(people.partner.id))).toEqual([]);
  });
});

describe('Add to handoff, from an internal thread', () => {
  it('adds a reply in a thread, as the AE: newest first, the link to the reply in its thread, a Salesforce Task', async () => {
    const parent = h.slack.postAsPerson({
      channel: channels.internal.id,
      user: people.member.id,
      text: 'Contoso call notes',
    });
    const { ts, triggerId } = await shortcutOnNewMessage(h, {
      user: jordan,
      channel: channels.internal,
      author: people.member.id,
      text: 'Their CIO <@U0AE> wants the *security review* first.',
      threadTs: parent,
    });
    const modal = await openedAddModal(h, triggerId);
    // No partner's channel: newest first, nothing preselected.
    expect(offered(modal)).toEqual({ ids: [meridianQuiet.id, tailspin.id, meridian.id], initial: undefined });
    const answer = await submitAdd(
      h,
      addSubmission({ metadata: modal.private_metadata, handoffId: tailspin.id, user: jordan }),
    );
    expect(answer.response_action).toBe('update');

    const [event] = await added(tailspin.id);
    expect(event).toMatchObject({
      actorUserId: jordan.id,
      detail: { excerpt: 'Their CIO @U0AE wants the *security review* first.' },
    });
    const permalink = String(event?.detail?.permalink);
    expect(permalink).toMatch(
      new RegExp(`^https://acme\\.slack\\.com/archives/${channels.internal.id}/p${ts.replace('.', '')}`),
    );
    await waitFor(
      () => memoOn(channels.internal.id, ts).includes(h.slack.botUserId),
      8000,
      'the :memo: mark',
    );
    const task = await waitFor(
      () =>
        sf
          .tasks()
          .find((t) => t.WhatId === salesforceId && String(t.Subject).includes('Slack message added')),
      8000,
      'the Salesforce Task',
    );
    expect(String(task.Description)).toContain('Added by: Jordan Seller');
    expect(String(task.Description)).toContain(
      'Message: “Their CIO @U0AE wants the *security review* first.”',
    );
    expect(String(task.Description)).toContain(`Link: ${permalink}`);
    expect(await viewed(tailspin.id, jordan)).toContain(
      `<@${jordan.id}> added a message: “Their CIO @U0AE wants`,
    );
  });

  it('the same message added twice (a double submit): one entry, one activity', async () => {
    const { triggerId } = await shortcutOnNewMessage(h, {
      user: pat,
      channel: channels.internal,
      author: people.author.id,
      text: 'Fabrikam: legal has the paper.',
    });
    const modal = await openedAddModal(h, triggerId);
    await quiet(h);
    const entries = (await added(meridian.id)).length;
    const notes = notesOn(hubspotId).length;
    const submit = () =>
      submitAdd(h, addSubmission({ metadata: modal.private_metadata, handoffId: meridian.id, user: pat }));
    const [first, second] = await Promise.all([submit(), submit()]);
    expect([first, second].map((a) => JSON.stringify(a).includes('already added')).sort()).toEqual([
      false,
      true,
    ]);
    expect(await added(meridian.id)).toHaveLength(entries + 1);
    await waitFor(() => notesOn(hubspotId).length > notes, 8000, 'the HubSpot note');
    await quiet(h);
    expect(notesOn(hubspotId)).toHaveLength(notes + 1);
  });

  it('in a conversation the app is not in: added all the same, the :memo: skipped, and the person told so', async () => {
    const { ts, responseUrl, triggerId } = await shortcutOnNewMessage(h, {
      user: pat,
      channel: DEAL_ROOM,
      author: people.member.id,
      text: 'Signed order form attached.',
    });
    const modal = await openedAddModal(h, triggerId);
    const answer = await submitAdd(
      h,
      addSubmission({ metadata: modal.private_metadata, handoffId: meridianQuiet.id, user: pat }),
    );
    expect(answer.response_action).toBe('update');
    expect(await added(meridianQuiet.id)).toEqual([expect.objectContaining({ actorUserId: pat.id })]);
    const told = await ephemeralAt(h, responseUrl);
    expect(told).toBe(addReplies.notMarked(meridianQuiet, 'not_in_channel').text);
    expect(told).toContain('nothing went wrong with the attachment');
    expect(memoOn(DEAL_ROOM.id, ts)).toEqual([]);
  });
});

// Who may add, and what a partner person reads instead, is the authorization matrix's.
describe('Add to handoff: who may', () => {
  it('someone with no open handoff is told so, only them, and no modal opens; at Add, no handoff picked or a stale message is refused under the select, and nothing is stored', async () => {
    const mine = await shortcutOnNewMessage(h, {
      user: mo,
      channel: channels.internal,
      author: people.member.id,
      text: 'FYI',
    });
    expect(await ephemeralAt(h, mine.responseUrl)).toBe(addReplies.none());
    await quiet(h);
    expect(h.slack.callsTo('views.open').some((c) => c.args.trigger_id === mine.triggerId)).toBe(false);

    const { triggerId } = await shortcutOnNewMessage(h, {
      user: pat,
      channel: channels.internal,
      author: people.member.id,
      text: 'Mo forwards this one.',
    });
    const { private_metadata: metadata } = await openedAddModal(h, triggerId);
    await quiet(h);
    const before = await dbSnapshot(h);
    // Mo may not act on Meridian's handoff (the matrix); a handoff that does not exist reads the same: no hint.
    expect(addRefusalText('not_allowed', 7)).toBe(addRefusalText('not_found', 7));
    const nothing = await submitAdd(h, addSubmission({ metadata, handoffId: null, user: pat }));
    expect(nothing).toEqual({
      response_action: 'errors',
      errors: { [ADD_TO_HANDOFF_BLOCK_ID]: addRefusalText('none_picked') },
    });
    const stale = await submitAdd(
      h,
      addSubmission({ metadata: '{"c":"nope"}', handoffId: meridian.id, user: pat }),
    );
    expect(stale).toEqual({
      response_action: 'errors',
      errors: { [ADD_TO_HANDOFF_BLOCK_ID]: addRefusalText('stale') },
    });
    await quiet(h);
    expect(await dbSnapshot(h)).toEqual(before);
  });

  it('a handoff closed after the modal opened is refused at Add: nothing stored', async () => {
    const { handoff } = await sendHandoff(h, account('Litware'));
    const { triggerId } = await shortcutOnNewMessage(h, {
      user: pat,
      channel: channels.internal,
      author: people.member.id,
      text: 'Litware went quiet.',
    });
    const modal = await openedAddModal(h, triggerId);
    expect(offered(modal).ids).toContain(handoff.id);
    await clickOwnerButton(h, ACTION_ID.withdraw, handoff.id, pat);
    await waitFor(
      async () => (await events(handoff.id)).some((e) => e.type === 'withdrawn'),
      4000,
      'the withdrawal',
    );
    await quiet(h);
    const before = await dbSnapshot(h);
    const answer = await submitAdd(
      h,
      addSubmission({ metadata: modal.private_metadata, handoffId: handoff.id, user: pat }),
    );
    expect(answer).toEqual({
      response_action: 'errors',
      errors: { [ADD_TO_HANDOFF_BLOCK_ID]: addRefusalText('not_now', handoff.id) },
    });
    await quiet(h);
    expect(await dbSnapshot(h)).toEqual(before);
  });
});

describe('Add to handoff: which handoff the message is about', () => {
  it('preselects the handoff whose partner post the message replies under, and none for a message about nothing named or about two', async () => {
    const { handoff: adatum } = await sendHandoff(h, { ...account('Adatum'), crmOpportunity: null });
    expect(await acceptHandoff(h, { handoffId: adatum.id })).toEqual({});
    const parent = await waitFor(
      async () =>
        (await h.database.db.select().from(h.tables.postedMessages)).find(
          (p) => p.handoffId === adatum.id && p.channelId === channels.partner.id,
        ),
      8000,
      'the partner post of the accepted handoff',
    );
    // A newer handoff in the same channel: the newest is not the one the thread is about.
    const { handoff: coho } = await sendHandoff(h, { ...account('Coho Winery'), crmOpportunity: null });
    await quiet(h);
    const reply = await shortcutOnNewMessage(h, {
      user: pat,
      channel: channels.partner,
      author: people.partner.id,
      text: 'Thanks! When can we meet?',
      threadTs: parent.ts,
    });
    const inThread = await openedAddModal(h, reply.triggerId);
    expect(offered(inThread).initial).toBe(adatum.id);
    expect(JSON.stringify(inThread.blocks)).toContain(
      `This message is in the thread of handoff #${adatum.id}.`,
    );

    // In the same channel, a message naming no account and in no thread of ours: nothing preselected, the
    // channel's handoffs still first.
    const loose = await shortcutOnNewMessage(h, {
      user: pat,
      channel: channels.partner,
      author: people.partner.id,
      text: 'Any news?',
    });
    const modal = await openedAddModal(h, loose.triggerId);
    expect(offered(modal).initial).toBeUndefined();
    expect(offered(modal).ids.slice(0, 4)).toEqual([coho.id, adatum.id, meridianQuiet.id, meridian.id]);

    // None either when the message names two of the offered accounts.
    const two = await shortcutOnNewMessage(h, {
      user: pat,
      channel: channels.partner,
      author: people.partner.id,
      text: 'Northwind Logistics and Contoso both asked for the same workshop.',
    });
    expect(offered(await openedAddModal(h, two.triggerId)).initial).toBeUndefined();
  });
});
