import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { sandboxChannels, sandboxOpportunities, sandboxUsers } from '../../../sandbox/cast.js';
import { ACTION_ID, CALLBACK_ID } from '../../../src/blocks/ids.js';
import { acceptValues } from '../../support/acceptFlow.js';
import { waitFor } from '../../support/harness.js';
import type { OpenedModal } from '../../support/ownerFlow.js';
import { formState } from '../../support/payloads.js';
import { postToSandbox, sandboxWorld } from '../../support/sandboxWorld.js';

/**
 * The sandbox's fake Salesforce, through the sandbox's own API as the page uses it: a packet linked to a seeded
 * opportunity (by its Lightning URL) shows the opportunity in the review, writes a Task once sent; Close won in the
 * Salesforce panel is read back at once: the handoff is won and the partner channel hears it, without amount or stage.
 */

const { author, ae } = sandboxUsers;
const world = sandboxWorld('salesforce');

type Json = Record<string, unknown>;

const api = (path: string, body: Json, headers: Record<string, string> = {}) =>
  postToSandbox(world.sandbox, path, body, headers);

interface PanelOpportunity {
  id: string;
  name: string;
  stage: string;
  amount: number | null;
  closed: boolean;
  lightningUrl: string;
  handoffs: { id: number; status: string; outcome: string | null }[];
  tasks: { subject: string; description: string; created: string }[];
}

async function state(userId: string) {
  const response = await fetch(`${world.sandbox.url}api/state?user=${userId}`);
  return (await response.json()) as {
    modal: { view: { id: string; callback_id: string; blocks: unknown[] } } | null;
    salesforce: { opportunities: PanelOpportunity[] };
  };
}

/** The modal on top for a person, once its callback id is `callbackId` (the app opens views after its ack). */
async function modal(userId: string, callbackId: string) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const view = (await state(userId)).modal?.view;
    if (view?.callback_id === callbackId) return view;
    if (Date.now() > deadline) throw new Error(`no ${callbackId} modal for ${userId}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function delivered(): Promise<void> {
  const pending = () =>
    (
      world.sandbox.database.sqlite
        .prepare("SELECT count(*) AS n FROM outbox WHERE status = 'pending'")
        .get() as {
        n: number;
      }
    ).n;
  await waitFor(() => pending() === 0, 15_000, 'the outbox to drain');
}

const partnerText = () =>
  JSON.stringify(world.sandbox.slack.messages(sandboxChannels.partner.id).map((m) => [m.text, m.blocks]));

describe('the sandbox with a fake Salesforce', { timeout: 30_000 }, () => {
  it('lists the seeded opportunities with their id, Lightning URL, stage and amount, no Tasks yet, then any created since', async () => {
    const { opportunities } = (await state(author.id)).salesforce;
    expect(opportunities.map((o) => [o.name, o.stage, o.amount])).toEqual(
      sandboxOpportunities.map((o) => [o.name, o.stageName, o.amount]),
    );
    for (const o of opportunities) {
      expect(o.id).toMatch(/^006[A-Za-z0-9]{15}$/);
      expect(o.lightningUrl).toBe(`https://sandbox.lightning.force.com/lightning/r/Opportunity/${o.id}/view`);
      expect(o.tasks).toEqual([]);
      expect(o.closed).toBe(false);
    }
    // An opportunity created since the start (as the app creates one at an accept) comes after the seeded ones.
    const id = world.sandbox.salesforce.addOpportunity({ name: 'Created at an accept', amount: 1200 });
    const after = (await state(author.id)).salesforce.opportunities;
    expect(after.at(-1)).toMatchObject({ id, name: 'Created at an accept', amount: 1200 });
    expect(after.slice(0, -1).map((o) => [o.name, o.stage, o.amount])).toEqual(
      sandboxOpportunities.map((o) => [o.name, o.stageName, o.amount]),
    );
  });

  it('a packet linked by Lightning URL: the review names the opportunity, a Task is written, Close won is read back at once', async () => {
    const [northwind] = (await state(author.id)).salesforce.opportunities;
    if (!northwind) throw new Error('no seeded opportunity');

    // Pat types /handoff in #partner-marketing and submits the packet with the opportunity's Lightning URL.
    expect(
      (await api('command', { user: author.id, channel: sandboxChannels.internal.id, text: '/handoff' }))
        .status,
    ).toBe(200);
    const packet = await modal(author.id, 'handoff_packet');
    const values = formState({
      crmOpportunity: northwind.lightningUrl,
      partnerNextMoveDate: DateTime.now().plus({ days: 7 }).toISODate(),
      aeUserId: ae.id,
      ownerUserId: author.id,
      partnerChannelId: sandboxChannels.partner.id,
    });
    const submitted = await api('submit', { user: author.id, viewId: packet.id, values });
    expect(submitted.body).toEqual({ status: 200 });
    const review = await modal(author.id, 'handoff_review');
    expect(JSON.stringify(review.blocks)).toContain(
      '*Salesforce opportunity*: Northwind Logistics — expansion (Prospecting)',
    );
    expect((await api('submit', { user: author.id, viewId: review.id, values: {} })).body).toEqual({
      status: 200,
    });
    expect((await state(author.id)).modal).toBeNull();
    await delivered();

    // The Task for the send, in the panel.
    await waitFor(
      () => world.sandbox.salesforce.tasks().some((t) => t.WhatId === northwind.id),
      10_000,
      'the Task for the send',
    );
    const sent = (await state(author.id)).salesforce.opportunities.find((o) => o.id === northwind.id);
    expect(sent?.tasks).toHaveLength(1);
    expect(sent?.tasks[0]?.subject).toMatch(/^Co-sell handoff #\d+ sent to Jordan Seller \(ref cosell/);
    expect(sent?.tasks[0]?.description).toContain('Partner: Meridian Cloud Consulting');
    expect(sent?.tasks[0]?.created).toMatch(/^\w{3} \d{1,2} \w{3}, \d\d:\d\d$/);
    expect(sent?.handoffs).toEqual([expect.objectContaining({ status: 'sent', outcome: null })]);
    const handoffId = sent?.handoffs[0]?.id;

    // Jordan accepts in his DM, as a click on the page and the accept modal it opens do.
    const dm = world.sandbox.slack.dmChannelFor(ae.id);
    const packetMessage = world.sandbox.slack
      .messages(dm)
      .find((m) => JSON.stringify(m.blocks).includes(ACTION_ID.accept));
    const accept = (packetMessage?.blocks as Json[] | undefined)
      ?.flatMap((b) =>
        ((b.elements as Json[] | undefined) ?? []).map((e): Json => ({ ...e, block_id: b.block_id })),
      )
      .find((e) => e.action_id === ACTION_ID.accept);
    expect(accept).toBeDefined();
    const clicked = await api('action', {
      user: ae.id,
      where: { kind: 'message', channel: dm, ts: packetMessage?.ts },
      action: {
        type: 'button',
        action_id: ACTION_ID.accept,
        block_id: accept?.block_id,
        value: accept?.value,
      },
    });
    expect(clicked.body).toEqual({ status: 200 });
    // Accept opens the accept modal; Jordan submits it with its defaults, which records the accept.
    const acceptModal = await modal(ae.id, CALLBACK_ID.accept);
    const accepted = await api('submit', {
      user: ae.id,
      viewId: acceptModal.id,
      values: acceptValues(acceptModal as unknown as OpenedModal),
    });
    expect(accepted.body).toEqual({ status: 200 });
    expect((await state(ae.id)).modal).toBeNull();
    await delivered();
    await waitFor(
      () => world.sandbox.salesforce.tasks().filter((t) => t.WhatId === northwind.id).length === 2,
      10_000,
      'the Task for the acceptance',
    );

    // Close won in the panel: the app reads it back before the answer comes.
    const closed = await api('salesforce/close', { user: author.id, opportunity: northwind.id, won: true });
    expect(closed.status).toBe(200);
    expect(closed.body.message).toBe(
      `Closed Won in the fake Salesforce. The app read it back: handoff #${handoffId} is recorded as won.`,
    );
    const row = world.sandbox.database.sqlite
      .prepare('SELECT status, outcome FROM handoffs WHERE id = ?')
      .get(handoffId);
    expect(row).toEqual({ status: 'accepted', outcome: 'won' });
    await delivered();
    await waitFor(() => partnerText().includes('won!'), 10_000, 'the partner channel told of the win');
    for (const secret of [
      '125,000',
      '125000',
      'Closed Won',
      'Prospecting',
      'Salesforce',
      northwind.id.slice(0, 15),
    ]) {
      expect(partnerText()).not.toContain(secret);
    }
    // The won Task, and the panel without the close buttons' reason to be.
    await waitFor(
      () =>
        world.sandbox.salesforce
          .tasks()
          .some((t) => t.WhatId === northwind.id && /closed won/.test(String(t.Subject))),
      10_000,
      'the Task for the win',
    );
    const after = (await state(author.id)).salesforce.opportunities.find((o) => o.id === northwind.id);
    expect(after).toMatchObject({ stage: 'Closed Won', closed: true });
    expect(after?.handoffs).toEqual([expect.objectContaining({ status: 'accepted', outcome: 'won' })]);
  });

  it('says why nothing changed in Slack when no handoff is linked', async () => {
    const contoso = world.sandbox.opportunityIds[1];
    const closed = await api('salesforce/close', { user: author.id, opportunity: contoso, won: false });
    expect(closed.status).toBe(200);
    expect(closed.body.message).toBe(
      'Closed Lost in the fake Salesforce. No handoff is linked to this opportunity: nothing changes in Slack.',
    );
  });

  it('refuses an unknown or closed opportunity, a missing outcome, and requests from elsewhere', async () => {
    const open = world.sandbox.opportunityIds[2] ?? '';
    const unknown = await api('salesforce/close', {
      user: author.id,
      opportunity: '006ZZZZZZZZZZZZ',
      won: true,
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toBe('The fake Salesforce has no opportunity "006ZZZZZZZZZZZZ".');
    const notText = await api('salesforce/close', { user: author.id, opportunity: 42, won: true });
    expect(notText.status).toBe(400);
    const noOutcome = await api('salesforce/close', { user: author.id, opportunity: open, won: 'yes' });
    expect(noOutcome.status).toBe(400);
    expect(noOutcome.body.error).toMatch(/won must be true/);
    const again = await api('salesforce/close', {
      user: author.id,
      opportunity: world.sandbox.opportunityIds[0],
      won: false,
    });
    expect(again.status).toBe(400);
    expect(again.body.error).toBe('That opportunity is already closed (Closed Won).');
    expect((await api('salesforce/close', { opportunity: open, won: true })).status).toBe(400);
    const foreign = await api(
      'salesforce/close',
      { user: author.id, opportunity: open, won: true },
      { origin: 'http://evil.example' },
    );
    expect(foreign.status).toBe(403);
    expect(world.sandbox.salesforce.opportunity(open)?.IsClosed).toBe(false);
  });
});
