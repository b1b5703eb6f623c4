import { describe, expect, it } from 'vitest';
import { ACTION_ID, CALLBACK_ID, DECLINE_BLOCK_ID } from '../../src/blocks/ids.js';
import { DECLINE_REASONS } from '../../src/domain/decline.js';
import { aeUser, sendHandoff } from '../support/flow.js';
import { ackBody, type Harness, harnessPerTest, waitFor } from '../support/harness.js';
import { clickRefused } from '../support/ownerFlow.js';
import { blockAction, declineReasonPicked, declineSubmission } from '../support/payloads.js';
import { channels, people } from '../support/people.js';

const start = harnessPerTest();

// Who may accept or decline, and the words everyone else reads, is the authorization matrix's.
describe('only the named AE can decide', () => {
  it('refuses the AE id from another internal workspace of the same org (the AE is one user in one workspace), and answers a forged or unknown handoff id clearly; nothing changes', async () => {
    const h = await start({ env: { INTERNAL_TEAM_IDS: 'T0SISTER' } });
    const { handoff } = await sendHandoff(h);
    const sister = { id: people.ae.id, team_id: 'T0SISTER' };
    expect(await clickRefused(h, ACTION_ID.accept, handoff.id, sister)).toContain(`Only <@${people.ae.id}>`);
    expect(await clickRefused(h, ACTION_ID.accept, '999', aeUser)).toContain('could not find that handoff');
    expect(await clickRefused(h, ACTION_ID.accept, '1; drop table handoffs', aeUser)).toContain(
      'could not find',
    );
    expect(await h.database.db.select().from(h.tables.decisions)).toHaveLength(0);
    expect((await h.database.db.select().from(h.tables.handoffs))[0]?.status).toBe('sent');
  });
});

/** The decline modal, as the app sends it. */
interface DeclineView {
  private_metadata: string;
  blocks: {
    block_id?: string;
    dispatch_action?: boolean;
    text?: { text: string };
    element?: {
      options?: { value: string }[];
      initial_option?: { value: string };
      initial_value?: string;
    };
  }[];
}

/** The modal's preview of the partner's words (the block under the reason). */
const previewOf = (view: DeclineView) =>
  view.blocks.find((b) => b.block_id === DECLINE_BLOCK_ID.preview)?.text?.text;

/** The AE clicks Decline on their packet DM (which opens the reason modal). */
const clickDecline = (h: Harness, handoffId: number, aeDm: string, ts: string) =>
  h.interact(
    blockAction({
      actionId: ACTION_ID.decline,
      value: String(handoffId),
      user: aeUser,
      channelId: aeDm,
      messageTs: ts,
      triggerId: h.slack.issueTriggerId(),
      responseUrl: h.slack.responseUrl(),
    }),
  );

describe('the decline path, end to end', () => {
  it('opens the reason modal, records the coded reason and note, and keeps the note away from the partner', async () => {
    const h = await start();
    const { handoff, dm, aeDm } = await sendHandoff(h, { ownerUserId: people.owner.id });

    expect((await clickDecline(h, handoff.id, aeDm, dm.ts)).status).toBe(200);
    const open = await waitFor(() => h.slack.callsTo('views.open')[0], 4000, 'decline modal');
    const view = open.args.view as {
      callback_id: string;
      private_metadata: string;
      blocks: { block_id?: string }[];
    };
    expect(view.callback_id).toBe(CALLBACK_ID.decline);
    expect(JSON.parse(view.private_metadata)).toEqual({ handoffId: handoff.id });
    expect(view.blocks.map((b) => b.block_id)).toEqual(
      expect.arrayContaining([DECLINE_BLOCK_ID.reason, DECLINE_BLOCK_ID.note]),
    );
    // Opening the modal decides nothing yet.
    expect(await h.database.db.select().from(h.tables.decisions)).toHaveLength(0);

    const note = 'Northwind is mid-renewal with <!channel> procurement; secret pricing inside.';
    const submit = await h.interact(
      declineSubmission({ handoffId: handoff.id, reason: 'timing', note, user: aeUser }),
    );
    expect(submit.status).toBe(200);
    expect(await submit.text()).toBe('');

    const [decision] = await h.database.db.select().from(h.tables.decisions).orderBy(h.tables.decisions.id);
    expect(decision).toMatchObject({ decision: 'declined', reasonCode: 'timing', note });
    expect(
      (await h.database.db.select().from(h.tables.handoffs).orderBy(h.tables.handoffs.id))[0]?.status,
    ).toBe('declined');

    const partnerPost = await waitFor(() => h.slack.messages(channels.partner.id)[0], 8000, 'partner post');
    const partnerJson = JSON.stringify(partnerPost);
    expect(partnerJson).toContain(DECLINE_REASONS.timing.partnerSafe);
    expect(partnerJson).not.toContain('mid-renewal');
    expect(partnerJson).not.toContain(DECLINE_REASONS.timing.label);

    const ownerDm = h.slack.dmChannelFor(people.owner.id);
    await waitFor(() => h.slack.messages(ownerDm).length === 2, 8000, 'owner notice');
    const ownerNotice = JSON.stringify(h.slack.messages(ownerDm)[1]);
    expect(ownerNotice).toContain(DECLINE_REASONS.timing.label);
    expect(ownerNotice).toContain('mid-renewal');
    // The note's mention is escaped, never a live @channel.
    expect(ownerNotice).toContain('&lt;!channel&gt;');
    expect(ownerNotice).not.toContain('<!channel>');

    // The author (not the owner here) is told too.
    const authorDm = h.slack.dmChannelFor(people.author.id);
    await waitFor(() => h.slack.messages(authorDm).length === 2, 8000, 'author notice');

    await waitFor(
      () => h.slack.callsTo('chat.update').some((c) => c.args.channel === aeDm),
      8000,
      'DM update',
    );
    const updated = JSON.stringify(h.slack.messages(aeDm)[0]?.blocks);
    expect(updated).toContain('Declined');
    expect(updated).not.toContain(ACTION_ID.accept);

    // An Accept from an older copy is told the handoff's state, and changes nothing.
    const responseUrl = h.slack.responseUrl();
    await h.interact(
      blockAction({ actionId: ACTION_ID.accept, value: String(handoff.id), user: aeUser, responseUrl }),
    );
    const reply = await waitFor(
      () => h.slack.responses.find((r) => r.url === responseUrl),
      4000,
      'ephemeral',
    );
    expect(String(reply.body.text)).toContain('already declined');
    expect(await h.database.db.select().from(h.tables.decisions)).toEqual([decision]);
  });

  it('shows the partner’s exact words in the modal as the reason changes, offers a neutral one, and posts just that; no reason or a forged one is refused inline, recording nothing', async () => {
    const h = await start();
    const { handoff, dm, aeDm } = await sendHandoff(h);
    await clickDecline(h, handoff.id, aeDm, dm.ts);
    const open = await waitFor(() => h.slack.callsTo('views.open')[0], 4000, 'decline modal');
    const opened = open.args.view as DeclineView;
    const viewId = String((open.response as { view?: { id?: string } }).view?.id);
    const reasonBlock = opened.blocks.find((b) => b.block_id === DECLINE_BLOCK_ID.reason);
    // The select sends each change at once, so the preview can follow it.
    expect(reasonBlock?.dispatch_action).toBe(true);
    expect(reasonBlock?.element?.options?.map((o) => o.value)).toContain('neutral');
    expect(previewOf(opened)).toBe('_Choose a reason to see what Meridian Cloud Consulting will read._');

    const note = 'Keep this from Meridian: we already work this account with another partner.';
    const pick = async (reason: string, from: number) => {
      await h.interact(
        declineReasonPicked({
          view: { id: viewId, hash: h.slack.view(viewId)?.hash, private_metadata: opened.private_metadata },
          reason,
          note,
          user: aeUser,
        }),
      );
      const update = await waitFor(
        () =>
          h.slack
            .callsTo('views.update')
            .slice(from)
            .find((c) => c.args.view_id === viewId),
        4000,
        'the modal updated with the preview',
      );
      return update.args.view as DeclineView;
    };

    const working = await pick('already_working', 0);
    const thanks = 'Thank you, Dana Reyes (Meridian Cloud Consulting), for bringing it.';
    expect(previewOf(working)).toBe(
      `>*Northwind Logistics*: not taken forward for now. ${DECLINE_REASONS.already_working.partnerSafe} ${thanks}`,
    );
    // What was entered stays: the reason picked, the note typed; the handoff and its packet version too.
    const chosen = working.blocks.find((b) => b.block_id === DECLINE_BLOCK_ID.reason)?.element;
    expect(chosen?.initial_option?.value).toBe('already_working');
    const typed = working.blocks.find((b) => b.block_id === DECLINE_BLOCK_ID.note)?.element;
    expect(typed?.initial_value).toBe(note);
    expect(working.private_metadata).toBe(opened.private_metadata);

    const neutral = await pick('neutral', h.slack.callsTo('views.update').length);
    const neutralWords = `*Northwind Logistics*: not taken forward for now. ${thanks}`;
    expect(previewOf(neutral)).toBe(`>${neutralWords}`);

    // No reason chosen, or an unknown code sent by a forged payload: asked again inline, nothing recorded.
    const none = await h.interact(declineSubmission({ handoffId: handoff.id, reason: null, user: aeUser }));
    expect(await none.json()).toEqual({
      response_action: 'errors',
      errors: { [DECLINE_BLOCK_ID.reason]: 'Choose a reason.' },
    });
    const forged = await h.interact(
      declineSubmission({ handoffId: handoff.id, reason: 'because', user: aeUser }),
    );
    expect((await ackBody(forged)).response_action).toBe('errors');
    expect(await h.database.db.select().from(h.tables.decisions)).toHaveLength(0);

    const submit = await h.interact(
      declineSubmission({ handoffId: handoff.id, reason: 'neutral', note, user: aeUser }),
    );
    expect(await submit.text()).toBe('');
    // The partner reads exactly what the modal showed, and nothing of the note.
    const reply = await waitFor(
      () => h.slack.messages(channels.partner.id).find((m) => m.text === neutralWords),
      8000,
      'the partner reply',
    );
    expect(JSON.stringify(reply)).not.toContain('another partner');
    const [decision] = await h.database.db.select().from(h.tables.decisions);
    expect(decision).toMatchObject({ decision: 'declined', reasonCode: 'neutral', note });
  });
});
