import { afterEach, describe, expect, it } from 'vitest';
import { decisions, handoffEvents, handoffs } from '../../src/db/schema.js';
import { deliveryId } from '../../src/outbox/kinds/earlierPost.js';
import { acceptHandoff } from '../support/acceptFlow.js';
import {
  auditExactlyOnce,
  deliveryOf,
  everyConversation,
  outboxRows,
  postGaps,
  realTimeClock,
  retryAfterViolations,
  type SlackUser,
  sendAs,
  sleep,
  thirdAe,
} from '../support/drill.js';
import { type Harness, settle, startHarness, waitFor } from '../support/harness.js';
import { declineSubmission, type PacketValues } from '../support/payloads.js';
import { channels, people, TEAM } from '../support/people.js';

/**
 * The outage drill: a batch of real work (handoffs sent, accepted, declined) while Slack fails in every way the
 * outbox must survive, at production pacing, then recovery. Afterwards every message is in Slack exactly once, in
 * order, no channel got more than about one post a second, no call ignored Retry-After, and the database holds
 * exactly the decisions that were made.
 */

const QUIET = { SWEEP_SCHEDULE: '0 0 1 1 *' };
const user = (p: { id: string }): SlackUser => ({ id: p.id, team_id: TEAM });
const author = user(people.author);
const member = user(people.member);
const aes = [user(people.ae), user(people.otherAe), user(thirdAe)];

interface Planned {
  values: PacketValues;
  author: SlackUser;
  decision: { decision: 'accepted' } | { decision: 'declined'; reason: string };
}

const ACCOUNTS = [
  'Alder Freight',
  'Birch Health',
  'Cedar Retail',
  'Dogwood Energy',
  'Elm Robotics',
  'Fir Media',
  'Ginkgo Labs',
  'Hazel Foods',
  'Ilex Mining',
  'Juniper Travel',
  'Kapok Textiles',
  'Larch Insurance',
];

/**
 * Twelve handoffs: two authors, three AEs, owners that are or are not the author, two partners each with its own
 * Slack Connect channel for the partner thread (one partner, one channel).
 */
const plan: Planned[] = Array.from({ length: 12 }, (_, i) => ({
  author: i % 2 === 0 ? author : member,
  values: {
    accountName: ACCOUNTS[i] as string,
    accountDomain: `${ACCOUNTS[i]?.split(' ')[0]?.toLowerCase()}.com`,
    aeUserId: (aes[i % 3] as SlackUser).id,
    ownerUserId: i % 3 === 0 ? people.owner.id : (i % 2 === 0 ? author : member).id,
    ...(i % 4 < 2
      ? { partnerChannelId: channels.partner.id }
      : { partnerOrg: 'Tailspin Integrators', partnerChannelId: channels.rival.id }),
  },
  decision:
    i % 4 === 3
      ? {
          decision: 'declined',
          reason: ['timing', 'partner_not_fit', 'no_clear_next_step'][(i - 3) / 4] ?? '',
        }
      : { decision: 'accepted' },
}));

describe('outage drill at production pacing', () => {
  let h: Harness | undefined;
  let clock: ReturnType<typeof realTimeClock> | undefined;
  afterEach(async () => {
    clock?.stop();
    clock = undefined;
    await h?.stop();
    h = undefined;
  });

  it('500s, then timeouts Slack still acted on, then 429s: every message lands once, in order, paced, and every decision is kept', async () => {
    h = await startHarness({
      env: {
        ...QUIET,
        OUTBOX_CHANNEL_INTERVAL_MS: '1100',
        OUTBOX_POLL_INTERVAL_MS: '1000',
        // Slack answers some posts after 6 s (the client gives up at 5 s): look for them only after that.
        OUTBOX_UNCERTAIN_WAIT_MS: '10000',
      },
    });
    const app = h;
    expect(app.config.outbox.channelIntervalMs).toBe(1100);
    app.slack.addUser(thirdAe);
    clock = realTimeClock(app);
    const postCalls = () => app.slack.calls.filter((c) => c.method === 'chat.postMessage');

    // Phase 1: Slack answers every post with a 500, while the whole batch is sent and half of it decided.
    app.slack.fail('chat.postMessage', { status: 500 });
    const phase1 = performance.now();
    for (const [i, p] of plan.entries()) await sendAs(app, p.author, p.values, `V0DRILL${i}`);
    const stored = app.database.db.select().from(handoffs).all();
    expect(stored).toHaveLength(12);
    const idOf = (i: number) =>
      stored.find((s) => s.accountName === plan[i]?.values.accountName)?.id as number;

    async function decide(i: number) {
      const p = plan[i] as Planned;
      const ae = aes[i % 3] as SlackUser;
      // Accept as the AE does: the click opens the accept modal, its submit (the defaults) records the accept.
      if (p.decision.decision === 'accepted') {
        expect(
          await acceptHandoff(app, { handoffId: idOf(i), user: ae, responseUrl: app.slack.responseUrl() }),
        ).toEqual({});
        return;
      }
      const response = await app.interact(
        declineSubmission({ handoffId: idOf(i), reason: p.decision.reason, user: ae }),
      );
      expect(response.status).toBe(200);
    }
    for (let i = 0; i < 6; i += 1) await decide(i);
    await sleep(Math.max(0, 5000 - (performance.now() - phase1)));
    expect(postCalls().filter((c) => c.status === 500).length).toBeGreaterThanOrEqual(6);
    expect(app.slack.messages(app.slack.dmChannelFor(people.ae.id))).toHaveLength(0);

    // Phase 2: three posts time out on our side (5 s) while Slack takes them anyway at 6 s; everything else 503s.
    app.slack.clearFailures();
    const phase2From = app.slack.calls.length;
    app.slack.fail('chat.postMessage', { delayMs: 6000 }, 3);
    app.slack.fail('chat.postMessage', { status: 503 });
    await waitFor(
      () => app.slack.calls.slice(phase2From).filter((c) => c.method === 'chat.postMessage').length >= 3,
      15_000,
      'three posts in flight',
    );
    // Rows decided now are new: none of them can be one of the three slow posts.
    for (let i = 6; i < 12; i += 1) await decide(i);
    const slow = app.slack.calls
      .slice(phase2From)
      .filter((c) => c.method === 'chat.postMessage')
      .slice(0, 3);
    await waitFor(() => slow.every((c) => c.status === 200), 15_000, 'Slack to take the slow posts');
    expect(slow.every((c) => c.ok)).toBe(true);
    expect(postCalls().filter((c) => c.status === 503).length).toBeGreaterThan(0);

    // Phase 3: rate limited (Retry-After: 2) for a while; a couple of updates fail too. Every backoff so far is
    // let run out at once, so every conversation's next post meets the limit.
    app.slack.clearFailures();
    app.slack.fail('chat.postMessage', { retryAfter: 2 });
    app.slack.fail('chat.update', { status: 500 }, 2);
    clock.jump(5 * 60_000);
    await sleep(4500);
    // Nothing but the three slow posts reached Slack during the whole outage.
    expect(everyConversation(app).flatMap((c) => app.slack.messages(c))).toHaveLength(3);
    app.slack.clearFailures();
    // Rate limited more than once: the wait was over, the posts were tried again and limited again.
    const limited = postCalls()
      .filter((c) => c.status === 429)
      .map((c) => c.at);
    expect(
      limited.filter((at, i) => i === 0 || at - (limited[i - 1] as number) > 1000).length,
    ).toBeGreaterThan(1);

    // Recovery: the last Retry-After runs out, then every backoff is allowed to elapse, and the outbox drains.
    await sleep(2100);
    // About 15–20 s of outage in all.
    expect(performance.now() - phase1).toBeGreaterThan(12_000);
    clock.jump(5 * 60_000);
    await waitFor(
      async () => (await outboxRows(app)).every((r) => r.status === 'delivered' || r.status === 'cancelled'),
      60_000,
      'the outbox to drain',
    );
    await settle(1500);
    clock.stop();

    // Exactly once, in order, and what the app remembers is that one copy.
    const rows = await outboxRows(app);
    expect(rows.filter((r) => r.status !== 'delivered')).toEqual([]);
    const { delivered } = await auditExactlyOnce(app);
    // Sent: 12 × (AE DM, author confirmation) + 4 owners told; decided: 12 × (owner notice, the partner thread's
    // parent and the decision's reply) + 4 authors.
    expect(delivered).toHaveLength(12 * 2 + 4 + 12 * 3 + 4);
    // The three slow posts were found by their delivery id, not posted again.
    expect(
      app.logs.filter((l) => l.msg === 'outbox message was already posted; not posting it twice'),
    ).toHaveLength(3);
    const retried = rows.filter((r) => r.attempts > 1);
    // Only the head of each conversation is tried while Slack fails (the rest wait behind it, in order): all 8 were.
    expect(new Set(retried.map((r) => r.channelKey)).size).toBe(8);

    // Every AE DM shows its decision, in its one copy: edited in place, or (the decision came first, while Slack was
    // down) posted already showing it, since a message is rendered from the handoff when it is delivered.
    for (const [i] of plan.entries()) {
      const dmRow = rows.find(
        (r) => r.dedupeKey === `handoff:${idOf(i)}:sent:ae_dm`,
      ) as (typeof rows)[number];
      const dm = app.slack
        .messages(app.slack.dmChannelFor(dmRow.channelKey))
        .filter((m) => deliveryOf(m) === deliveryId(dmRow, app.slack.token));
      expect(dm).toHaveLength(1);
      expect(JSON.stringify(dm[0]?.blocks)).toContain(
        plan[i]?.decision.decision === 'accepted' ? '*Accepted* by' : '*Declined* by',
      );
    }

    // Pacing: successful posts to any one conversation at least about a second apart.
    const gaps = postGaps(app.slack.calls);
    expect(gaps.get(people.author.id)?.length).toBe(11);
    for (const [channel, list] of gaps) {
      expect(Math.min(...list, Number.POSITIVE_INFINITY), `gap in ${channel}`).toBeGreaterThanOrEqual(1000);
    }
    // Retry-After: no post reached Slack before the wait it was told to observe was over.
    // (Posts of the batch that got the 429 were already on their way; one that first looked for an earlier copy can
    // post a little later, which the last test of this file shows: 250 ms are allowed for that here.)
    expect(retryAfterViolations(app.slack.calls, 'chat.postMessage', 2000, { inFlightMs: 250 })).toEqual([]);

    // Exactly the decisions that were made, one each, and one touch-log event each.
    const recorded = app.database.db.select().from(decisions).all();
    expect(
      recorded
        .map((d) => [d.handoffId, d.decision, d.reasonCode])
        .sort((a, b) => Number(a[0]) - Number(b[0])),
    ).toEqual(
      plan
        .map((p, i) => [
          idOf(i),
          p.decision.decision,
          p.decision.decision === 'declined' ? p.decision.reason : null,
        ])
        .sort((a, b) => Number(a[0]) - Number(b[0])),
    );
    const events = app.database.db
      .select()
      .from(handoffEvents)
      .all()
      .filter((e) => e.type === 'accepted' || e.type === 'declined');
    expect(events).toHaveLength(12);
    expect(new Set(events.map((e) => e.handoffId)).size).toBe(12);
  }, 120_000);
});
