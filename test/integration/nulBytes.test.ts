import { afterEach, describe, expect, it } from 'vitest';
import { account } from '../support/crmFlow.js';
import { slackEvent } from '../support/fakeSlack/events.js';
import { aeUser, sendHandoff } from '../support/flow.js';
import { deliverEvent, type Harness, quiet, startHarness, waitFor } from '../support/harness.js';
import { outboxDrained, QUIET, waitForDm } from '../support/ownerFlow.js';
import { declineSubmission } from '../support/payloads.js';
import { channels, people } from '../support/people.js';

/**
 * A NUL character (U+0000), or a lone UTF-16 surrogate (half of a character, as a cut emoji leaves), in what a person
 * types or Slack sends: Postgres refuses them, so they are removed at the edge, on both engines (a modal submission, a
 * slash command's text, an event). What was typed around them stays; a whole emoji (a surrogate pair) is kept.
 */

const NUL = '\u0000';
/** Halves of 😀 (U+1F600, \ud83d\ude00) on their own. */
const HIGH = '\ud83d';
const LOW = '\ude00';
/** A NUL, a lone surrogate (JSON.stringify escapes one), or the U+FFFD a text column put in its place. */
const holdsNul = (value: unknown) => /\\u0000|\\ud[89a-f]|\ufffd/i.test(JSON.stringify(value));

describe('NUL characters in what Slack sends', () => {
  let h: Harness;
  afterEach(() => h.stop());

  it('a packet, a decline note, a slash command and an event typed with NUL or a lone surrogate are saved without it, and read as typed around it', async () => {
    // Partner help on (`/handoff ask`): its channel is the internal one of the fake workspace.
    h = await startHarness({ env: { ...QUIET, PARTNER_HELP_CHANNEL_ID: channels.internal.id } });
    const { handoff } = await sendHandoff(h, {
      ...account(`North${NUL}wind Freight${HIGH}`),
      whyPartner: `They ran the migration${NUL} last quarter${LOW}. 😀`,
    });
    expect(handoff.accountName).toBe('Northwind Freight');
    expect(handoff.whyPartner).toBe('They ran the migration last quarter. 😀');
    expect(holdsNul(handoff)).toBe(false);
    await outboxDrained(h);
    const answer = await h.interact(
      declineSubmission({
        handoffId: handoff.id,
        reason: 'timing',
        note: `Not${NUL} this${HIGH} quarter${LOW}`,
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

    // A slash command's text and an event's text lose their NUL (the event its lone surrogate) too.
    await sendHandoff(h, account('Status Nul'));
    await outboxDrained(h);
    // `/handoff ask` opens its modal with the account as typed around the NUL. (A form-encoded command cannot carry a
    // lone surrogate: UTF-8 has none, the sender's encoder makes it U+FFFD. JSON can, as an escape: the event below.)
    const ask = await h.command({ user_id: people.ae.id, text: `ask North${NUL}wind` });
    expect(ask.status).toBe(200);
    const opened = await waitFor(
      () => h.slack.calls.find((c) => c.method === 'views.open'),
      4000,
      'views.open',
    );
    expect(JSON.stringify(opened.args.view)).toContain('"initial_value":"Northwind"');
    expect(holdsNul(opened.args)).toBe(false);
    const away = slackEvent.userStatusChanged(people.ae, {
      text: `Vaca${NUL}tion${HIGH}`,
      emoji: ':palm_tree:',
    });
    await deliverEvent(h, away);
    await waitForDm(h, people.author.id, 'is away', 'the owner told');
    const escalated = (await h.database.db.select().from(h.tables.handoffEvents)).filter(
      (e) => e.type === 'escalated',
    );
    expect(escalated.map((e) => (e.detail as { away?: string }).away)).toEqual([':palm_tree: Vacation']);
  });
});
