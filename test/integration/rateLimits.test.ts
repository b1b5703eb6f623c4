import { afterEach, describe, expect, it } from 'vitest';
import { outboxRows } from '../support/drill.js';
import { FakeSlack } from '../support/fakeSlack.js';
import { submitAndSend } from '../support/flow.js';
import { type Harness, quiet, startHarness } from '../support/harness.js';
import { channels, people, teams } from '../support/people.js';

/**
 * With Slack's rate limits enforced by the fake Slack (small buckets, so a short test meets them), the outbox takes
 * the 429s, waits out Retry-After, and still delivers every message once and in order.
 */
describe('delivery under Slack’s rate limits', () => {
  let h: Harness | undefined;
  let slack: FakeSlack | undefined;
  afterEach(async () => {
    await h?.stop();
    h = undefined;
    // A fake Slack handed to the harness is the test's to stop.
    await slack?.stop();
    slack = undefined;
  });

  it('delivers every DM once, in order, after 429s from a per-channel limit', async () => {
    // The fake Slack's buckets refill on the app's clock, which the test steps.
    let clock: Harness['clock'] | undefined;
    const now = () => clock?.now().getTime() ?? 0;
    slack = await FakeSlack.start({ rateLimits: { postPerChannel: { burst: 1, perSecond: 1 }, now } });
    // The workspace the harness seeds when it starts its own fake Slack.
    for (const user of Object.values(people)) slack.addUser(user);
    for (const team of Object.values(teams)) slack.addTeam(team);
    slack.addChannel({ ...channels.partner, members: [slack.botUserId] });
    slack.addChannel({ ...channels.internal, members: [slack.botUserId] });
    // No pacing of our own: the limit Slack enforces is what holds the posts back here.
    h = await startHarness({ slack, env: { OUTBOX_CHANNEL_INTERVAL_MS: '0' } });
    clock = h.clock;
    const accounts = [
      { accountName: 'Fabrikam Ltd', accountDomain: 'fabrikam.com', crmOpportunity: 'OPP-30001' },
      { accountName: 'Contoso Freight', accountDomain: 'contoso.com', crmOpportunity: 'OPP-30002' },
      { accountName: 'Tailspin Toys', accountDomain: 'tailspintoys.com', crmOpportunity: 'OPP-30003' },
    ];
    for (const [i, values] of accounts.entries()) await submitAndSend(h, values, { viewId: `V0RATE${i}` });
    const dm = h.slack.dmChannelFor(people.ae.id);
    // The outbox waits on the app's clock (Retry-After from the 429), and the fake Slack's buckets refill on it.
    const pending = async () => (await outboxRows(h as Harness)).filter((r) => r.status === 'pending');
    // Until the DMs are in and nothing waits any more (other posts of theirs met 429s too): a quarter second at a
    // time, each step's deliveries done before the next.
    for (
      let step = 0;
      step < 60 && (h.slack.messages(dm).length < accounts.length || (await pending()).length > 0);
      step += 1
    ) {
      await quiet(h);
      h.clock.advance(250);
    }
    expect(h.slack.messages(dm)).toHaveLength(accounts.length);
    expect(h.slack.calls.some((c) => c.method === 'chat.postMessage' && c.status === 429)).toBe(true);
    const texts = h.slack.messages(dm).map((m) => m.text ?? '');
    for (const [i, { accountName }] of accounts.entries()) {
      expect(texts.filter((t) => t.includes(accountName))).toHaveLength(1);
      expect(texts[i]).toContain(accountName);
    }
    const rows = await h.database.db.select().from(h.tables.outbox).orderBy(h.tables.outbox.id);
    expect(rows.filter((r) => r.status === 'dead')).toEqual([]);
    // The refused posts were tried again: each post a 429 refused was taken by a later call, not dropped.
    const postCalls = h.slack.calls.filter((c) => c.method === 'chat.postMessage');
    const refused = postCalls.filter((c) => c.status === 429);
    for (const call of refused) {
      const later = postCalls.filter(
        (c) =>
          c.at >= call.at && c.ok && c.args.channel === call.args.channel && c.args.text === call.args.text,
      );
      expect(later).toHaveLength(1);
    }
    // A rate limit's wait is not a failed attempt (issue 50 item 22): every row went out on its one counted attempt.
    expect(rows.filter((r) => r.status === 'delivered').map((r) => r.attempts)).toEqual(
      rows.filter((r) => r.status === 'delivered').map(() => 1),
    );
    expect(await pending()).toEqual([]);
  }, 30_000);
});
