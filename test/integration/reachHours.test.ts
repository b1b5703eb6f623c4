import { describe, expect, it } from 'vitest';
import { openAcceptOn, submitAccept } from '../support/acceptFlow.js';
import { outboxRows } from '../support/drill.js';
import { sendHandoff } from '../support/flow.js';
import { type Harness, quiet, waitFor } from '../support/harness.js';
import { dmOf, handoffRow, json, outboxDrained, QUIET, waitForDm } from '../support/ownerFlow.js';
import { partnerHarnesses } from '../support/partnerFlow.js';
import { channels, people } from '../support/people.js';

/**
 * Issue 77 item 11: what the app sends a person on its own reaches them in their working hours, on their working
 * days, in their own calendar. Jordan (the AE) is in Berlin; Pat (the author, who owns the handoff) in New York. The
 * company is closed on Monday 30 November.
 */

const startHarness = partnerHarnesses();
/** Production's default: what the app sends on its own waits for its reader's working hours. */
const start = (env: Record<string, string>) => startHarness({ ...env, SEND_OUTSIDE_WORKING_HOURS: 'false' });
const CLOSED_MONDAY = '2026-11-30';

const sweepAt = async (h: Harness, at: string | Date) => {
  h.clock.set(at);
  await h.app.scheduler.runNow('response-window-sweep');
  await quiet(h);
};

const reminders = (h: Harness) =>
  dmOf(h, people.ae.id).filter((m) => json(m.blocks).includes('your first step, *'));

/** The posts still waiting for a person, with when they are due. */
const waiting = async (h: Harness) =>
  (await outboxRows(h))
    .filter((r) => r.status === 'pending' && r.method === 'chat.postMessage')
    .map((r) => ({ channelKey: r.channelKey, nextAttemptAt: r.nextAttemptAt }));

describe('nothing the app sends on its own reaches a person outside their working hours', () => {
  it('a reminder due at midnight, when the AE’s status clears, waits for their next working morning, past a closure day', async () => {
    const h = await start({ ...QUIET, FIRST_STEP_BUSINESS_DAYS: '2', CLOSURE_DATES: CLOSED_MONDAY });
    const { handoff, dm } = await sendHandoff(h);
    // Thursday 26 November, 10:00 Berlin: Jordan accepts with the step offered, two business days on (Monday closed).
    h.clock.set('2026-11-26T09:00:00Z');
    const modal = await openAcceptOn(h, handoff, dm);
    expect(await submitAccept(h, modal)).toEqual({});
    await outboxDrained(h);
    expect(await handoffRow(h, handoff.id)).toMatchObject({
      firstStepDue: '2026-12-01',
      stepCheck: 'reminder',
      nextStepCheckAt: new Date('2026-11-27T08:00:00Z'),
    });

    // Away on Friday, back at midnight (their status clears at 00:00 Saturday, Berlin): the reminder waits for them.
    h.slack.setStatus(people.ae.id, {
      text: 'Vacation',
      emoji: ':palm_tree:',
      expiration: new Date('2026-11-27T23:00:00Z'),
    });
    await sweepAt(h, '2026-11-27T08:00:00Z');
    expect(reminders(h)).toHaveLength(0);
    await sweepAt(h, '2026-11-27T23:00:00Z');
    expect((await handoffRow(h, handoff.id)).stepCheck).toBe('check_in');
    // Due now, but not at midnight, not at the weekend, and not on Monday, the company's closure day.
    expect(reminders(h)).toHaveLength(0);
    expect(await waiting(h)).toEqual([
      { channelKey: `reach:${people.ae.id}`, nextAttemptAt: new Date('2026-12-01T08:00:00Z') },
    ]);
    for (const at of ['2026-11-28T10:00:00Z', '2026-11-30T08:00:00Z', '2026-11-30T13:00:00Z']) {
      h.clock.set(at);
      await quiet(h);
      expect(reminders(h)).toHaveLength(0);
    }

    // Tuesday 09:00 Berlin, their next working morning: the reminder reaches them.
    h.clock.set('2026-12-01T08:00:00Z');
    await quiet(h);
    const reminder = await waitFor(() => reminders(h)[0], 4000, 'the reminder');
    expect(json(reminder.blocks)).toContain('by Tue 1 Dec');
  });

  it('an owner in New York reads the expiry of a Berlin AE’s handoff in New York’s working hours; the escalation channel in the company’s', async () => {
    // The company's zone is the default, UTC; its hours 09:00 to 17:00 there.
    const h = await start({ ...QUIET, ESCALATION_CHANNEL_ID: channels.internal.id });
    // Monday 23 November, 09:30 Berlin (03:30 in New York): due Thursday 09:30 Berlin, 03:30 in New York.
    h.clock.set('2026-11-23T08:30:00Z');
    const { handoff } = await sendHandoff(h);
    expect(handoff.dueAt).toEqual(new Date('2026-11-26T08:30:00Z'));
    expect(handoff.ownerUserId).toBe(people.author.id);

    h.clock.set(handoff.dueAt);
    expect((await h.app.sweeper.sweep()).expired).toBe(1);
    await quiet(h);
    const expiredFor = () =>
      dmOf(h, people.author.id).filter((m) => json(m.blocks).includes('It has *expired*'));
    expect(expiredFor()).toHaveLength(0);
    // 08:30 in the company's zone: the escalation channel reads it at the company's 09:00.
    expect(h.slack.messages(channels.internal.id)).toHaveLength(0);
    h.clock.set('2026-11-26T09:00:00Z');
    await waitFor(() => h.slack.messages(channels.internal.id)[0], 4000, 'the escalation channel at 09:00');
    // Thursday 09:00 in New York is Thanksgiving, a public holiday there (not in Berlin): not then either.
    h.clock.set('2026-11-26T14:00:00Z');
    await quiet(h);
    expect(expiredFor()).toHaveLength(0);
    h.clock.set('2026-11-27T13:59:00Z');
    await quiet(h);
    expect(expiredFor()).toHaveLength(0);

    // Friday 09:00 in New York, Pat's next working morning.
    h.clock.set('2026-11-27T14:00:00Z');
    await quiet(h);
    await waitForDm(h, people.author.id, 'It has *expired*', 'the owner expiry notice');
  });
});
