import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settleOutbox } from '../../sandbox/clockJobs.js';
import { account } from '../support/crmFlow.js';
import { sendHandoff } from '../support/flow.js';
import { type Harness, quiet, startHarness } from '../support/harness.js';
import { dmOf, handoffRow, json, QUIET } from '../support/ownerFlow.js';
import { people } from '../support/people.js';

/**
 * Issue 50 item 21: two reminders due at one moment were posted at different times in the sandbox. Each moment a move
 * of the sandbox clock steps to, it waits for the outbox before moving on (sandbox/clockJobs.ts `settleOutbox`); it
 * waited for one look, which delivers one post per conversation (Slack's pace), and the second reminder in the AE's DM
 * went out when the clock had moved on. Here the real app (the harness's 20 ms pace between two posts to one
 * conversation) and what a step does: the sweep at the reminders' moment, then the wait; both reminders must be in the
 * DM when the wait ends. The wait is for the pace, as `quiet(h)`'s is, not a fixed one.
 */
describe('a step of the sandbox clock waits until nothing is due', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: QUIET });
  });
  afterAll(() => h.stop());

  it('two reminders due at one moment in one DM are both posted before the clock moves on', async () => {
    // Both sent at the same moment of the (still) test clock: the same reminder times.
    const first = await sendHandoff(h, account('Northwind Together'));
    const second = await sendHandoff(h, account('Contoso Together'));
    const at = (await handoffRow(h, first.handoff.id)).reminderSchedule?.[0] as number;
    expect((await handoffRow(h, second.handoff.id)).reminderSchedule?.[0]).toBe(at);
    await quiet(h);

    h.clock.set(new Date(at));
    await h.app.scheduler.runNow('response-window-sweep');
    await settleOutbox(h.app.outbox);

    const reminders = dmOf(h, people.ae.id).filter((m) => json(m.blocks).includes('*Reminder*'));
    expect(reminders.map((m) => json(m.blocks).match(/#\d+ \*([^*]+)\*/)?.[1]).sort()).toEqual([
      'Contoso Together',
      'Northwind Together',
    ]);
    expect(await h.app.outbox.dueNow()).toBe(0);
  });
});
