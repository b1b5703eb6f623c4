import { afterEach, expect, it } from 'vitest';
import type { Tenant } from '../../src/compose/tenant.js';
import { type EventDelivery, EventSender } from '../support/fakeSlack/events.js';
import { type Harness, quiet, SIGNING_SECRET, startHarness, waitFor } from '../support/harness.js';
import { accept, partnerCalls, shown } from '../support/partnerFlow.js';
import { channels, people, RIVAL_TEAM, TEAM } from '../support/people.js';
import { sendPacket } from '../support/reviewFlow.js';

/**
 * Slack does not promise to deliver events in order: an organization that joins a partner channel and leaves it again
 * may reach the app as the leave, then the join. Each event carries the time it happened (`event_ts`); Slack's newest
 * word on each organization stands, and an older event that arrives after it changes nothing.
 */

const ADMIN = people.member.id;
const PARTNER = channels.partner.id;
let h: Harness;

afterEach(() => h?.stop());

const start = () => startHarness({ env: { ADMIN_USER_IDS: ADMIN, SWEEP_SCHEDULE: '0 0 1 1 *' } });

const status = async () =>
  (await h.database.db.select().from(h.tables.partnerChannels)).find((c) => c.channelId === PARTNER)?.status;

/** What Slack does, its events kept back: returned to be delivered in another order. */
async function heldBack(...changes: (() => Promise<EventDelivery>)[]): Promise<EventDelivery[]> {
  h.slack.unsubscribeEvents();
  const deliveries: EventDelivery[] = [];
  for (const change of changes) deliveries.push(await change());
  return deliveries;
}

/** Delivers the events, signed as Slack sends them, in the order given. */
async function deliver(deliveries: EventDelivery[]): Promise<void> {
  const sender = new EventSender({ teamId: TEAM, botUserId: h.slack.botUserId, appId: 'A0APP' });
  sender.subscribe(h.eventsUrl, SIGNING_SECRET);
  for (const { envelope } of deliveries) expect((await sender.deliver(envelope.event)).status).toBe(200);
}

const join = () => h.slack.shareChannel(PARTNER, RIVAL_TEAM);
const leave = () => h.slack.unshareChannel(PARTNER, RIVAL_TEAM);
const heldNotices = () =>
  h.slack.messages(h.slack.dmChannelFor(ADMIN)).filter((m) => shown(m).includes('/handoff partners confirm'));

it('a leave heard before its join: the channel is not held, and the partner reads the next update', async () => {
  h = await start();
  const handoff = await sendPacket(h);
  const [joined, left] = await heldBack(join, leave);
  await deliver([left as EventDelivery, joined as EventDelivery]);
  await h.app.scheduler.runNow('channel-sharing-recheck');
  await quiet(h);
  expect(await status()).toBe('active');
  expect(heldNotices()).toEqual([]);
  await accept(h, handoff.id);
  await waitFor(() => h.slack.messages(PARTNER).length > 0, 8000, 'the partner post');
  expect(shown(h.slack.messages(PARTNER)[0])).toContain('Accepted');
});

it('a leave heard after a later join: the channel stays held while the organization is in it', async () => {
  h = await start();
  // The minute's re-check asks only when a channel is held (issue 56): nothing is, so its ticks claim nothing.
  const toRecheck = () => (h.app.tenants()[0] as Tenant).wired.services.handlers.partners.sharingToRecheck();
  expect(await toRecheck()).toBe(false);
  const handoff = await sendPacket(h);
  // Tailspin joins, leaves and joins again; the app hears the second join, then the first, then the leave.
  const [first, left, again] = await heldBack(join, leave, join);
  h.slack.fail('conversations.info', { status: 500 });
  await deliver([again, first, left] as EventDelivery[]);
  await h.app.scheduler.runNow('channel-sharing-recheck');
  await quiet(h);
  expect(await status()).toBe('held');
  expect(await toRecheck()).toBe(true);
  // Slack answers again: Tailspin is in the channel, so it stays held, and nothing reached the partner.
  h.slack.clearFailures();
  await accept(h, handoff.id);
  await h.app.scheduler.runNow('channel-sharing-recheck');
  await quiet(h);
  expect(await status()).toBe('held');
  expect(partnerCalls(h)).toEqual([]);
  expect(heldNotices()).toHaveLength(1);
});
