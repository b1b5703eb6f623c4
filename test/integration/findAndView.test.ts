import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACTION_ID, CALLBACK_ID } from '../../src/blocks/ids.js';
import { acceptHandoff } from '../support/acceptFlow.js';
import { aeUser, sendHandoff } from '../support/flow.js';
import { type Harness, startHarness, waitFor } from '../support/harness.js';
import { blockAction } from '../support/payloads.js';
import { people } from '../support/people.js';

/** Partner marketing finds what it sent (`/handoff list`), and views one as the AE sees it, with its history. */
const author = { id: people.author.id, team_id: people.author.team_id };

describe('find and view what was sent', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(() => h.stop());

  /** Runs `/handoff <text>` as `user` and returns the ephemeral it answered with. */
  async function command(text: string, user: string = people.author.id) {
    const responseUrl = h.slack.responseUrl();
    const response = await h.command({ text, user_id: user, response_url: responseUrl });
    expect(response.status).toBe(200);
    return waitFor(
      () => h.slack.responses.find((r) => r.url === responseUrl),
      4000,
      `the reply to ${text}`,
    ).then(
      (r) =>
        r.body as {
          text: string;
          blocks?: { type: string; elements?: { action_id: string; value: string }[] }[];
        },
    );
  }

  const buttons = (body: {
    blocks?: { type: string; elements?: { action_id: string; value: string }[] }[];
  }) =>
    (body.blocks ?? [])
      .flatMap((b) => (b.type === 'actions' ? (b.elements ?? []) : []))
      .map((e) => `${e.action_id}:${e.value}`);

  it('lists open handoffs (all with `all`), newest first, as of now, with View only; View shows the packet as the AE sees it, Edit or a note, and its history', async () => {
    const first = await sendHandoff(h);
    const second = await sendHandoff(h, { accountName: 'Contoso Freight', accountDomain: 'contoso.com' });
    expect(await acceptHandoff(h, { handoffId: first.handoff.id, user: aeUser })).toEqual({});

    const open = await command('list');
    expect(open.text).toContain('open handoffs');
    // The accepted one is still open (its deal is in progress); both are listed, newest first.
    const json = JSON.stringify(open.blocks);
    expect(json.indexOf('Contoso Freight')).toBeLessThan(json.indexOf('Northwind Logistics'));
    // A reply that is never brought up to date says when it was true, and offers nothing that can go stale.
    expect(json).toContain(`as of <!date^${Math.floor(h.clock.now().getTime() / 1000)}^`);
    expect(buttons(open)).toEqual([
      `${ACTION_ID.view}:${second.handoff.id}`,
      `${ACTION_ID.view}:${first.handoff.id}`,
    ]);
    expect(json).toContain(`waiting for <@${people.ae.id}>`);
    expect(json).toContain(
      `accepted by <@${people.ae.id}>; next: Accept the introduction and bring the demo by Thu 26 Nov`,
    );

    // View, opened when clicked, offers Edit while undecided and a note to the AE after the answer.
    const viewed = async (id: number) => {
      const triggerId = h.slack.issueTriggerId();
      const click = await h.interact(
        blockAction({ actionId: ACTION_ID.view, value: String(id), user: author, triggerId }),
      );
      expect(click.status).toBe(200);
      const call = await waitFor(
        () => h.slack.callsTo('views.open').find((c) => c.args.trigger_id === triggerId),
        4000,
        'the view modal',
      );
      return call.args.view as { title: { text: string }; blocks: { type: string }[] };
    };
    expect(JSON.stringify(await viewed(second.handoff.id))).toContain(`"action_id":"${ACTION_ID.edit}"`);

    // The accepted one: the packet as the AE sees it, without the AE's buttons, and its history. Only what the
    // author may still do: a note to the AE (no Accept, Decline or outcome buttons; no Follow: the author hears of
    // it anyway).
    const view = await viewed(first.handoff.id);
    expect(view.title.text).toBe(`Handoff #${first.handoff.id}`);
    const actions = view.blocks.filter((b) => b.type === 'actions');
    expect(JSON.stringify(actions).match(/"action_id":"[^"]+"/g)).toEqual([
      `"action_id":"${ACTION_ID.note}"`,
    ]);
    const text = JSON.stringify(view.blocks);
    expect(text).toContain('Northwind Logistics · via Meridian Cloud Consulting');
    expect(text).toContain(`Sent to <@${people.ae.id}> by <@${people.author.id}>`);
    expect(text).toContain(
      `Accepted by <@${people.ae.id}>, first step: Accept the introduction and bring the demo by Thu 26 Nov`,
    );
    // The AE's copy says "by you" to the AE only: the author reads who accepted.
    expect(text).toContain(`*Accepted* by <@${people.ae.id}>`);
    expect(text).not.toContain('by you');

    // Note to the AE from inside View stacks its modal on View (Slack refuses views.open over an open modal).
    const {
      response_url: _url,
      channel: _channel,
      message: _message,
      ...rest
    } = blockAction({
      actionId: ACTION_ID.note,
      value: String(first.handoff.id),
      user: author,
      triggerId: h.slack.issueTriggerId(),
    });
    await h.interact({
      ...rest,
      container: { type: 'view', view_id: 'V0VIEW' },
      view: { id: 'V0VIEW', type: 'modal', blocks: [], private_metadata: '', callback_id: '' },
    });
    const pushed = await waitFor(
      () => h.slack.callsTo('views.push').find((c) => c.args.trigger_id === rest.trigger_id),
      4000,
      'the note modal pushed',
    );
    expect((pushed.args.view as { callback_id: string }).callback_id).toBe(CALLBACK_ID.note);

    // `/handoff status <#>` opens the same view as `view <#>` (who may: the authorization matrix).
    const before = h.slack.callsTo('views.open').length;
    await h.command({ text: `status ${first.handoff.id}`, user_id: people.author.id });
    await waitFor(() => h.slack.callsTo('views.open').length > before, 4000, 'status to open the view');

    const all = await command('list all');
    expect(all.text).toContain('Your handoffs: 2');
    expect(JSON.stringify(all.blocks)).not.toContain('list all');
  });

  it('answers an unknown or mistyped subcommand with the help, not a packet named after it', async () => {
    for (const text of ['lsit', 'eidt 5', 'statsu 1', 'hepl']) {
      const reply = await command(text);
      expect(reply.text).toContain('is not something I know');
      expect(reply.text).toContain('/handoff list');
    }
    expect(h.slack.callsTo('views.open')).toHaveLength(0);
    // Account names still open the packet, prefilled, also those close to a subcommand.
    const names = ['Northwind Logistics', 'Dell', 'Yelp', 'Expert', 'Office 365', 'Lisa'];
    for (const text of names) await h.command({ text });
    await waitFor(() => h.slack.callsTo('views.open').length === names.length, 6000, 'the packets');
  });
});
