import { afterEach, beforeEach, expect, it } from 'vitest';
import { ACTION_ID } from '../../src/blocks/ids.js';
import { sendHandoff } from '../support/flow.js';
import { type Harness, quiet, SIGNING_SECRET, startHarness, waitFor } from '../support/harness.js';
import { homeClick } from '../support/matrix.js';
import { appHomeOpened } from '../support/payloads.js';
import { channels, people, TEAM } from '../support/people.js';
import { declineInDm } from '../support/revopsFlow.js';
import { postEvent } from '../support/signing.js';

// App Home.
let h: Harness;
beforeEach(async () => {
  h = await startHarness({ env: { SWEEP_SCHEDULE: '0 0 1 1 *' } });
});
afterEach(() => h.stop());

it('shows the owner their handoffs with recovery buttons, and the AE what waits for them; a refused click is told by DM; a declined one is listed 14 days', async () => {
  const { handoff, dm: packet } = await sendHandoff(h);
  const opened = await postEvent(h.eventsUrl, SIGNING_SECRET, appHomeOpened(people.author.id, 'Ev1'));
  expect(opened.status).toBe(200);
  const publish = await waitFor(() => h.slack.callsTo('views.publish')[0], 4000, 'home publish');
  expect(publish.args.user_id).toBe(people.author.id);
  const home = JSON.stringify(publish.args.view);
  expect(home).toContain(`#${handoff.id} *Northwind Logistics*`);
  expect(home).toContain(ACTION_ID.reassign);
  expect(home).toContain(ACTION_ID.withdraw);

  await postEvent(h.eventsUrl, SIGNING_SECRET, appHomeOpened(people.ae.id, 'Ev2'));
  const aeHome = await waitFor(() => h.slack.callsTo('views.publish')[1], 4000, 'AE home');
  expect(JSON.stringify(aeHome.args.view)).toContain('Waiting for your answer');
  expect(JSON.stringify(aeHome.args.view)).toContain('Northwind Logistics');
  expect(JSON.stringify(aeHome.args.view)).not.toContain(ACTION_ID.withdraw);
  // A refused App Home click is answered with a DM, since Slack gives no response_url there.
  await homeClick(h, ACTION_ID.withdraw, String(handoff.id), { id: people.member.id, team_id: TEAM });
  const dm = h.slack.dmChannelFor(people.member.id);
  const [reply] = await waitFor(() => h.slack.messages(dm).length === 1 && h.slack.messages(dm), 4000, 'DM');
  expect(reply?.text).toContain('Only the owner');
  expect(
    (await h.database.db.select().from(h.tables.handoffs).orderBy(h.tables.handoffs.id))[0]?.status,
  ).toBe('sent');

  // Declined: listed for its owner, with Reassign, for 14 days after the decline.
  await declineInDm(h, handoff, packet, 'timing');
  await quiet(h);
  const open = async (event: string) => {
    const before = h.slack.callsTo('views.publish').length;
    await postEvent(h.eventsUrl, SIGNING_SECRET, appHomeOpened(people.author.id, event));
    const publish = await waitFor(() => h.slack.callsTo('views.publish')[before], 4000, 'home publish');
    return JSON.stringify(publish.args.view);
  };
  const declined = await open('Ev3');
  expect(declined).toContain('Handoffs you own that need you');
  expect(declined).toContain(`declined by <@${people.ae.id}>: you can give it to another AE (Reassign)`);
  expect(declined).toContain(ACTION_ID.reassign);

  h.clock.advance(15 * 86_400_000);
  const later = await open('Ev4');
  expect(later).not.toContain('Handoffs you own that need you');
  expect(later).not.toContain(ACTION_ID.reassign);
});

it('withdraws from the App Home and shows the new state there', async () => {
  const { handoff } = await sendHandoff(h);
  await homeClick(h, ACTION_ID.withdraw, String(handoff.id), { id: people.author.id, team_id: TEAM });
  await waitFor(() => h.slack.callsTo('views.publish').length > 0, 4000, 'home refresh');
  expect(
    (await h.database.db.select().from(h.tables.handoffs).orderBy(h.tables.handoffs.id))[0]?.status,
  ).toBe('withdrawn');
  // The click's own publish, then the republish the withdrawal's change queued once it was expanded (the Home was
  // opened by then): two, each showing the new state. Waiting for exactly one publish missed both when they landed
  // within one look of the test (a full suite on two cores).
  await quiet(h);
  const publishes = h.slack.callsTo('views.publish');
  expect(publishes.length).toBeGreaterThan(0);
  expect(publishes.length).toBeLessThanOrEqual(2);
  for (const publish of publishes) {
    const refreshed = JSON.stringify(publish.args.view);
    // Pat sent it and owns it: "by you", not the AE's name.
    expect(refreshed).toContain(
      `#${handoff.id} *Northwind Logistics* (via Meridian Cloud Consulting): withdrawn by you`,
    );
    expect(refreshed).not.toContain(`<@${people.ae.id}>`);
    expect(refreshed).not.toContain('Handoffs you own that need you');
    expect(refreshed).not.toContain(ACTION_ID.withdraw);
  }
  // The partner had heard nothing of it, so nothing is posted there now either.
  expect(h.slack.messages(channels.partner.id)).toHaveLength(0);
});
