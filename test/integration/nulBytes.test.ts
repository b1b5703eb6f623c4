import { afterEach, describe, expect, it } from 'vitest';
import { account } from '../support/crmFlow.js';
import { EventSender, slackEvent } from '../support/fakeSlack/events.js';
import { aeUser, sendHandoff } from '../support/flow.js';
import { type Harness, quiet, SIGNING_SECRET, startHarness, waitFor } from '../support/harness.js';
import { outboxDrained, QUIET, waitForDm } from '../support/ownerFlow.js';
import { declineSubmission } from '../support/payloads.js';
import { channels, people, TEAM } from '../support/people.js';

/**
 * Issue 50 item 26: a NUL character (U+0000) in what a person types or Slack sends. SQLite stored it and Postgres
 * refused it ("something went wrong on our side"); a SQLite file holding one could not be moved. It is removed at the
 * edge, on both engines: from a modal submission, a slash command's text and an event. What was typed around it stays.
 */

const NUL = '\u0000';
const holdsNul = (value: unknown) => JSON.stringify(value).includes('\\u0000');

describe('NUL characters in what Slack sends', () => {
  let h: Harness;
  afterEach(async () => {
    await h.stop();
  });

  it('a packet and a decline note typed with NUL are saved without it, and read as typed around it', async () => {
    h = await startHarness({ env: QUIET });
    const { handoff } = await sendHandoff(h, {
      ...account(`North${NUL}wind Freight`),
      whyPartner: `They ran the migration${NUL} last quarter.`,
    });
    expect(handoff.accountName).toBe('Northwind Freight');
    expect(handoff.whyPartner).toBe('They ran the migration last quarter.');
    expect(holdsNul(handoff)).toBe(false);
    await outboxDrained(h);
    const answer = await h.interact(
      declineSubmission({
        handoffId: handoff.id,
        reason: 'timing',
        note: `Not${NUL} this quarter`,
        user: aeUser,
      }),
    );
    expect(answer.status).toBe(200);
    await quiet(h);
    const [decision] = await h.database.db.select().from(h.tables.decisions);
    expect(decision).toMatchObject({ decision: 'declined', note: 'Not this quarter' });
    const rows = [
      ...(await h.database.db.select().from(h.tables.handoffs)),
      ...(await h.database.db.select().from(h.tables.handoffEvents)),
      ...(await h.database.db.select().from(h.tables.outbox)),
    ];
    expect(rows.filter(holdsNul)).toEqual([]);
  });

  it('a slash command’s text and an event’s text lose their NUL too', async () => {
    // Partner help on (`/handoff ask`): its channel is the internal one of the fake workspace.
    h = await startHarness({ env: { ...QUIET, PARTNER_HELP_CHANNEL_ID: channels.internal.id } });
    await sendHandoff(h, account('Status Nul'));
    await outboxDrained(h);
    // `/handoff ask` opens its modal with the account as typed around the NUL.
    const ask = await h.command({ user_id: people.ae.id, text: `ask North${NUL}wind` });
    expect(ask.status).toBe(200);
    const opened = await waitFor(
      () => h.slack.calls.find((c) => c.method === 'views.open'),
      4000,
      'views.open',
    );
    expect(JSON.stringify(opened.args.view)).toContain('"initial_value":"Northwind"');
    expect(holdsNul(opened.args)).toBe(false);
    const events = new EventSender({ teamId: TEAM, botUserId: h.slack.botUserId, appId: 'A0APP' });
    events.subscribe(h.eventsUrl, SIGNING_SECRET);
    const away = slackEvent.userStatusChanged(people.ae, { text: `Vaca${NUL}tion`, emoji: ':palm_tree:' });
    expect((await events.deliver(away)).status).toBe(200);
    await waitForDm(h, people.author.id, 'is away', 'the owner told');
    const escalated = (await h.database.db.select().from(h.tables.handoffEvents)).filter(
      (e) => e.type === 'escalated',
    );
    expect(escalated.map((e) => (e.detail as { away?: string }).away)).toEqual([':palm_tree: Vacation']);
  });
});
