import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACCEPT_BLOCK_ID, ACTION_ID } from '../../src/blocks/ids.js';
import { openAcceptModal, submitAccept } from '../support/acceptFlow.js';
import { aeUser, sendHandoff } from '../support/flow.js';
import { ackBody, type Harness, quiet, startHarness, waitFor } from '../support/harness.js';
import type { OpenedModal } from '../support/ownerFlow.js';
import { blockAction, declineSubmission } from '../support/payloads.js';
import { channels, PARTNER_TEAM, people, TEAM } from '../support/people.js';
import { editsByMessage } from '../support/surfaceEdits.js';

describe('only the named AE can decide, and only while the handoff is open', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(() => h.stop());

  async function click(actionId: string, handoffId: number | string, user: { id: string; team_id?: string }) {
    const responseUrl = h.slack.responseUrl();
    const response = await h.interact(
      blockAction({
        actionId,
        value: String(handoffId),
        user,
        responseUrl,
        triggerId: h.slack.issueTriggerId(),
      }),
    );
    expect(response.status).toBe(200);
    const reply = await waitFor(
      () => h.slack.responses.find((r) => r.url === responseUrl),
      4000,
      'ephemeral',
    );
    expect(reply.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    return String(reply.body.text);
  }

  async function nothingChanged(handoffId: number) {
    expect(await h.database.db.select().from(h.tables.decisions).orderBy(h.tables.decisions.id)).toHaveLength(
      0,
    );
    expect(
      (await h.database.db.select().from(h.tables.handoffs).orderBy(h.tables.handoffs.id)).find(
        (x) => x.id === handoffId,
      )?.status,
    ).toBe('sent');
  }

  // Each refusal changes nothing: checked once at the end, after all of them.
  it('refuses everyone but the AE, politely, changing nothing: another member, the author (no decline modal), the AE id from another workspace or none, a forged id, a decline submitted by another', async () => {
    const { handoff } = await sendHandoff(h);
    let text = await click(ACTION_ID.accept, handoff.id, { id: people.member.id, team_id: TEAM });
    expect(text).toContain(`Only <@${people.ae.id}>`);
    expect(text).toContain('Nothing was changed');
    // Does not open the decline modal for someone other than the AE.
    text = await click(ACTION_ID.decline, handoff.id, { id: people.author.id, team_id: TEAM });
    expect(text).toContain('Only');
    expect(h.slack.callsTo('views.open')).toHaveLength(0);
    // Refuses the AE id when it comes from another workspace (same user id, foreign team).
    text = await click(ACTION_ID.accept, handoff.id, { id: people.ae.id, team_id: PARTNER_TEAM });
    expect(text).toContain('another organization');
    // Refuses an external Slack Connect user and a payload without user.team_id.
    expect(
      await click(ACTION_ID.accept, handoff.id, { id: people.partner.id, team_id: PARTNER_TEAM }),
    ).toContain('another organization');
    expect(await click(ACTION_ID.accept, handoff.id, { id: people.ae.id })).toContain('another organization');
    await nothingChanged(handoff.id);
    // Answers a forged or unknown handoff id with a clear ephemeral.
    expect(await click(ACTION_ID.accept, '999', aeUser)).toContain('could not find that handoff');
    expect(await click(ACTION_ID.accept, '1; drop table handoffs', aeUser)).toContain('could not find');
    // Refuses a decline submitted by someone other than the AE, inline in the modal.
    const response = await h.interact(
      declineSubmission({ handoffId: handoff.id, user: { id: people.member.id, team_id: TEAM } }),
    );
    const body = await ackBody(response);
    expect(body.response_action).toBe('errors');
    expect(Object.values(body.errors ?? {})[0]).toMatch(/Only the account executive/);
    await nothingChanged(handoff.id);
  });

  it('refuses the AE id from another internal workspace of the same org (the AE is one user in one workspace)', async () => {
    await h.stop();
    h = await startHarness({ env: { INTERNAL_TEAM_IDS: 'T0SISTER' } });
    const { handoff } = await sendHandoff(h);
    const text = await click(ACTION_ID.accept, handoff.id, { id: people.ae.id, team_id: 'T0SISTER' });
    expect(text).toContain(`Only <@${people.ae.id}>`);
    await nothingChanged(handoff.id);
  });
});

describe('a decision happens exactly once', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(() => h.stop());

  // The accept is recorded when the accept modal is submitted (issue 51): a double click opens it twice, and both
  // are submitted at once.
  it('records one decision and posts once for a double click, and explains the state to the second click', async () => {
    const { handoff } = await sendHandoff(h);
    const modals: OpenedModal[] = [];
    for (const responseUrl of [h.slack.responseUrl(), h.slack.responseUrl()])
      modals.push(await openAcceptModal(h, { handoffId: handoff.id, user: aeUser, responseUrl }));
    const answers = await Promise.all(modals.map((modal) => submitAccept(h, modal, { user: aeUser })));
    // One recorded (its modal closes); the other told the state inline, in its own modal.
    const [second, ...others] = answers.filter((a) => JSON.stringify(a) !== '{}');
    expect(others).toEqual([]);
    expect(answers.filter((a) => JSON.stringify(a) === '{}')).toHaveLength(1);
    expect(second?.response_action).toBe('errors');
    expect(second?.errors?.[ACCEPT_BLOCK_ID.step]).toContain('already accepted');
    // The partner thread's parent and the acceptance's reply, once.
    await waitFor(() => h.slack.messages(channels.partner.id).length === 2, 8000, 'partner post');
    await quiet(h);
    expect(await h.database.db.select().from(h.tables.decisions).orderBy(h.tables.decisions.id)).toHaveLength(
      1,
    );
    expect(h.slack.messages(channels.partner.id)).toHaveLength(2);
    // The decision changed the handoff once: every message showing it was edited at most once, the AE's packet once.
    expect([...editsByMessage(h.slack).values()].every((n) => n === 1)).toBe(true);
    expect(editsByMessage(h.slack).size).toBeGreaterThanOrEqual(1);
    // Told once, inline: no ephemeral besides.
    expect(h.slack.responses).toHaveLength(0);
  });

  it('lets accept and decline race: exactly one wins', async () => {
    const { handoff } = await sendHandoff(h);
    // The accept races as its modal's submission (issue 51: the click only opens it).
    const modal = await openAcceptModal(h, { handoffId: handoff.id, user: aeUser });
    const [accept, decline] = await Promise.all([
      submitAccept(h, modal, { user: aeUser }),
      h.interact(declineSubmission({ handoffId: handoff.id, user: aeUser })),
    ]);
    // (submitAccept checked its answer was 200.)
    expect(decline.status).toBe(200);
    const declined = await decline.text();
    await quiet(h);
    const recorded = await h.database.db.select().from(h.tables.decisions).orderBy(h.tables.decisions.id);
    expect(recorded).toHaveLength(1);
    // The loser is told inline; the winner's modal closes.
    if (recorded[0]?.decision === 'accepted') {
      expect(accept).toEqual({});
      expect(JSON.parse(declined)).toMatchObject({ response_action: 'errors' });
    } else {
      expect(declined).toBe('');
      expect(accept.errors?.[ACCEPT_BLOCK_ID.step]).toContain('already declined');
    }
    // One thread: its parent and the winning decision's reply.
    expect(h.slack.messages(channels.partner.id)).toHaveLength(2);
  });

  it('stores one handoff for a double Send of the same review and for a Slack retry', async () => {
    const { packetSubmission, reviewSubmission } = await import('../support/payloads.js');
    // The packet modal submitted twice keeps one draft; the review's Send twice plus a retry stores one handoff.
    const first = await h.interact(packetSubmission({ viewId: 'V0DOUBLE' }));
    const again = await h.interact(packetSubmission({ viewId: 'V0DOUBLE' }));
    const [a, b] = [await ackBody(first), await ackBody(again)] as { view?: { private_metadata: string } }[];
    const draftId = JSON.parse(a?.view?.private_metadata ?? '{}').draftId as number;
    expect(JSON.parse(b?.view?.private_metadata ?? '{}').draftId).toBe(draftId);
    const send = reviewSubmission({ draftId });
    const responses = await Promise.all([h.interact(send), h.interact(send)]);
    expect(responses.map((r) => r.status)).toEqual([200, 200]);
    const retry = await h.interact(send, {
      headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' },
    });
    expect(retry.status).toBe(200);
    await waitFor(() => h.slack.callsTo('chat.postMessage').length >= 2, 8000, 'DMs');
    await quiet(h);
    expect(await h.database.db.select().from(h.tables.handoffs).orderBy(h.tables.handoffs.id)).toHaveLength(
      1,
    );
    expect(h.slack.messages(h.slack.dmChannelFor(people.ae.id))).toHaveLength(1);
    expect(h.slack.messages(h.slack.dmChannelFor(people.author.id))).toHaveLength(1);
  });

  it('explains the current state when the AE clicks Accept on an already declined handoff', async () => {
    const { handoff } = await sendHandoff(h);
    await h.interact(declineSubmission({ handoffId: handoff.id, user: aeUser }));
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
    expect(
      (await h.database.db.select().from(h.tables.decisions).orderBy(h.tables.decisions.id))[0]?.decision,
    ).toBe('declined');
  });
});
