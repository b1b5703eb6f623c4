import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { account } from '../support/crmFlow.js';
import { dbSnapshot } from '../support/dbSnapshot.js';
import { slackEvent } from '../support/fakeSlack/events.js';
import { sendHandoff } from '../support/flow.js';
import { deliverEvent, type Harness, quiet, startHarness } from '../support/harness.js';
import { dmOf, json, outboxDrained, QUIET, waitForDm } from '../support/ownerFlow.js';
import { people } from '../support/people.js';

/**
 * `user_status_changed`: Slack sends every status change in the workspace. An AE with a handoff waiting for them who
 * goes away is seen at once, from the status the event carries (no users.profile.get); anyone else costs nothing.
 */
const BACK = new Date('2026-11-27T08:00:00Z');

const awayNotices = (h: Harness) =>
  dmOf(h, people.author.id).filter((m) => json(m.blocks).includes('is away'));

describe('user_status_changed', () => {
  let h: Harness;
  afterEach(() => h.stop());

  it("an AE's away status tells the owner at once, and the away check sees it too, without asking Slack; anyone else's costs nothing", async () => {
    h = await startHarness({ env: QUIET });
    const { handoff } = await sendHandoff(h, account('Status Event'));
    await outboxDrained(h);
    await quiet(h);
    const reads = () => h.slack.callsTo('users.profile.get').length;
    const before = reads();

    // Someone the app does not follow (not an AE with a handoff waiting for them: a RevOps member, the handoff's
    // owner): nothing written, nothing called.
    const snapshot = await dbSnapshot(h);
    const calls = h.slack.calls.length;
    for (const person of [people.member, people.author]) {
      const away = { text: 'Out of office', emoji: ':airplane:', expiration: BACK };
      await deliverEvent(h, slackEvent.userStatusChanged(person, away));
    }
    await quiet(h);
    expect(h.slack.calls).toHaveLength(calls);
    expect(await dbSnapshot(h)).toEqual(snapshot);

    // Only the event says so: the fake's users.profile.get still shows no status.
    const vacation = slackEvent.userStatusChanged(people.ae, {
      text: 'Vacation',
      emoji: ':palm_tree:',
      expiration: BACK,
    });
    await deliverEvent(h, vacation);
    const notice = await waitForDm(h, people.author.id, 'is away', 'the owner told');
    expect(json(notice.blocks)).toContain(`*<@${people.ae.id}> is away*`);
    const escalated = (
      await h.database.db
        .select()
        .from(h.tables.handoffEvents)
        .where(eq(h.tables.handoffEvents.handoffId, handoff.id))
        .orderBy(h.tables.handoffEvents.id)
    ).filter((e) => e.type === 'escalated');
    expect(escalated.map((e) => e.detail)).toEqual([
      { away: ':palm_tree: Vacation', until: BACK.toISOString() },
    ]);

    // The away check (after each sweep) reads the status the event carried: no call, nobody told again.
    await h.app.scheduler.runNow('response-window-sweep');
    // A retried delivery of a status event finds the owner already told.
    await deliverEvent(h, vacation);
    await quiet(h);
    expect(reads()).toBe(before);
    expect(awayNotices(h)).toHaveLength(1);

    // The fallback: once what the app knows is 6 hours old, the check reads Slack again, once.
    h.clock.advance(7 * 60 * 60_000);
    await h.app.scheduler.runNow('response-window-sweep');
    h.clock.advance(2 * 60 * 60_000);
    await h.app.scheduler.runNow('response-window-sweep');
    await quiet(h);
    expect(reads()).toBe(before + 1);
  });
});
