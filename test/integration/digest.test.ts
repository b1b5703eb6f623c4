import { describe, expect, it } from 'vitest';
import type { RecordedCall } from '../support/fakeSlack.js';
import { sendHandoff } from '../support/flow.js';
import { type Harness, harnessPerTest, quiet, waitFor } from '../support/harness.js';
import { handoffRow } from '../support/ownerFlow.js';
import { channels, people } from '../support/people.js';
import {
  acceptInDm,
  type Block,
  declineInDm,
  expectHeadline,
  headlineFigure,
  imageBlocks,
  PNG_SIGNATURE,
  QUIET,
  sectionTexts,
} from '../support/revopsFlow.js';

const MINUTE = 60_000;
const json = (value: unknown) => JSON.stringify(value);

const digestEnv = (channelId: string | undefined, extra: Record<string, string> = {}) => ({
  ...QUIET,
  STALL_BUSINESS_DAYS: '2',
  ...(channelId ? { DIGEST_CHANNEL_ID: channelId } : {}),
  ...extra,
});

/** chat.postMessage calls to one channel (also refused ones). */
const postsTo = (h: Harness, channel: string) =>
  h.slack.calls.filter((c) => c.method === 'chat.postMessage' && c.args.channel === channel);

const statusOf = async (h: Harness, id: number) => (await handoffRow(h, id)).status;

/**
 * The week of Monday 2026-11-23 (UTC): four handoffs sent; Alpha accepted after half an hour and gone quiet (nudged
 * Wednesday), Delta declined after an hour and a half, Bravo expired Thursday, Charlie sent Thursday with two days, due Monday 30th 14:00 UTC.
 */
async function seedWeek(h: Harness) {
  const alpha = await sendHandoff(h, { accountName: 'Alpha Freight', accountDomain: null });
  const bravo = await sendHandoff(h, { accountName: 'Bravo Freight', accountDomain: null });
  const delta = await sendHandoff(h, { accountName: 'Delta Freight', accountDomain: null });
  h.clock.advance(30 * MINUTE);
  // Its first step due today: the stall nudge keeps its quiet period (a later step would hold it until after it).
  await acceptInDm(h, alpha.handoff, alpha.dm, { due: '2026-11-23' });
  h.clock.advance(60 * MINUTE);
  await declineInDm(h, delta.handoff, delta.dm, 'timing');
  await waitFor(async () => (await statusOf(h, alpha.handoff.id)) === 'accepted', 4000, 'the accept');
  expect(await statusOf(h, delta.handoff.id)).toBe('declined');

  // Two business days without news: Alpha's AE is nudged.
  h.clock.set('2026-11-25T15:00:00Z');
  expect((await h.app.sweeper.sweep()).nudged).toBe(1);
  // Bravo's window ends unanswered.
  h.clock.set('2026-11-26T14:00:00Z');
  expect((await h.app.sweeper.sweep()).expired).toBe(1);
  expect(await statusOf(h, bravo.handoff.id)).toBe('expired');
  const charlie = await sendHandoff(h, {
    accountName: 'Charlie Freight',
    accountDomain: null,
    responseWindowDays: '2',
  });
  expect(charlie.handoff.dueAt.toISOString()).toBe('2026-11-30T14:00:00.000Z');
  return { alpha: alpha.handoff, bravo: bravo.handoff, charlie: charlie.handoff, delta: delta.handoff };
}

/** The app used (a handoff sent), then stopped with its database kept: what a later start reuses. */
async function inUseThenDown(h: Harness) {
  await sendHandoff(h, { accountName: 'Alpha Freight', accountDomain: null });
  await quiet(h);
  const slack = h.slack;
  const databasePath = h.databaseKey;
  await h.stop({ keepDatabase: true });
  return { slack, databasePath };
}

/** Waits for the n-th digest post in a channel to be answered by Slack, and returns the call. */
async function digestPost(h: Harness, channel: string, n = 1): Promise<RecordedCall> {
  return waitFor(
    () => {
      const call = postsTo(h, channel)[n - 1];
      return call && call.status !== 0 ? call : undefined;
    },
    8000,
    `digest post ${n} in ${channel}`,
  );
}

const blocksOfPost = (call: RecordedCall) => (call.args.blocks ?? []) as Block[];

const figure = headlineFigure;

describe('the weekly digest', () => {
  const start = harnessPerTest();

  it("posts last week's numbers, the trend chart and what is at risk, once per week", async () => {
    const h = await start({ env: digestEnv(channels.internal.id) });
    const seeded = await seedWeek(h);
    h.clock.set('2026-11-30T09:00:00Z');
    const before = h.slack.messages(channels.internal.id).length;

    expect(await h.app.digest.post()).toBe('posted');
    const call = await digestPost(h, channels.internal.id);
    // Block Kit as Slack checks it (at most 50 blocks, a processed slack_file its readers can see, …): taken.
    expect(call.ok, json(call.response)).toBe(true);
    const blocks = blocksOfPost(call);
    expect(blocks.length).toBeLessThanOrEqual(50);
    // Two messages: the chart, shared into the channel by its upload, then the digest that shows it.
    expect(h.slack.messages(channels.internal.id)).toHaveLength(before + 2);

    expect(blocks[0]).toMatchObject({
      type: 'header',
      text: { text: 'Co-sell handoffs: week of 2026-11-23' },
    });
    // The week: handoffs sent Alpha Bravo Delta Charlie = 4; AE requests 4 (no reassignment); AE windows closed
    // W = 1 accepted (Alpha) + 1 declined (Delta) + 1 expired (Bravo) = 3 (Charlie's is still open); answers 1 + 1 =
    // 2 (an expiry is not an answer): acceptance 1 of 2 = 50%; silence 1 of 3 windows = 33%. Decisions 0.5 h and
    // 1.5 h: median 1.0, p90 0.5 + 0.9 × 1 = 1.4.
    expectHeadline(blocks);
    expect(figure(blocks, 'Handoffs sent')).toBe('4');
    expect(figure(blocks, 'AE requests')).toBe('4');
    expect(figure(blocks, 'AE windows closed')).toBe('3 = 1 accepted + 1 declined + 1 expired');
    expect(figure(blocks, 'Acceptance rate')).toBe('1 of 2 (50%) answers');
    expect(figure(blocks, 'Silence rate')).toBe('1 of 3 (33%) windows');
    expect(figure(blocks, 'Time to decision')).toBe('median 1.0 h · p90 1.4 h');
    // At risk: Charlie due soon, Bravo unanswered, Alpha stalled = 3.
    expect(call.args.text).toBe(
      'Co-sell handoffs, week of 2026-11-23: 4 handoffs sent; 1 of 2 answers accepted (50%); 1 of 3 AE windows expired (33%); 3 at risk.',
    );
    // The week before had nothing: no answers and no windows, so no rates.
    expect(json(blocks)).toContain(
      'The week before: 0 handoffs sent; 0 accepted, 0 declined, 0 expired of 0 AE windows closed; acceptance – of answers, silence – of windows.',
    );

    const [image, ...more] = imageBlocks(blocks);
    expect(more).toHaveLength(0);
    const fileId = image?.slack_file?.id ?? '';
    const file = h.slack.file(fileId);
    expect(file).toMatchObject({ completed: true, processed: true, name: 'handoff-trend-2026-11-23.png' });
    expect(file?.bytes.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect(json(blocks)).not.toContain('could not be prepared');
    // The chart is shared into the digest's channel (a file uploaded without one is private to the app, and Slack
    // refuses an image block naming it): completed with the channel's id, before the post that names it.
    expect(file?.channels).toEqual([channels.internal.id]);
    const [complete, ...otherCompletions] = h.slack.callsTo('files.completeUploadExternal');
    expect(otherCompletions).toHaveLength(0);
    expect(complete?.args.channel_id).toBe(channels.internal.id);
    expect(complete?.at ?? Infinity).toBeLessThanOrEqual(call.at);
    const [share, posted] = h.slack.messages(channels.internal.id).slice(before);
    expect(share?.files).toEqual([
      { id: fileId, name: 'handoff-trend-2026-11-23.png', title: 'Co-sell handoffs per week' },
    ]);
    expect(share?.text).toBe(
      ':chart_with_upwards_trend: The trend chart of the weekly co-sell handoff digest (the last 12 weeks).',
    );
    expect(posted?.blocks).toEqual(blocks);

    const texts = sectionTexts(blocks);
    const list = (title: string) => texts.find((t) => t.startsWith(`*${title}*`)) ?? '';
    const dueSoon = list('Due within a day, no answer yet');
    expect(dueSoon).toContain(`#${seeded.charlie.id} *Charlie Freight*`);
    expect(dueSoon).not.toContain('Alpha');
    const expired = list('Expired without an answer, not yet recovered');
    expect(expired).toContain(`#${seeded.bravo.id} *Bravo Freight*`);
    expect(expired).toContain(`owner <@${people.author.id}>`);
    const stalled = list('Accepted deals gone quiet');
    expect(stalled).toContain(`#${seeded.alpha.id} *Alpha Freight*`);
    for (const l of [dueSoon, expired, stalled]) expect(l).not.toContain('Delta');

    // The same week again (a rerun, a restart): nothing more.
    h.clock.advance(2 * 60 * MINUTE);
    expect(await h.app.digest.post()).toBe('already_posted');
    await quiet(h);
    expect(postsTo(h, channels.internal.id)).toHaveLength(1);

    // The next Monday: the week of the 30th.
    h.clock.set('2026-12-07T09:00:00Z');
    expect(await h.app.digest.post()).toBe('posted');
    const next = await digestPost(h, channels.internal.id, 2);
    expect(next.ok, json(next.response)).toBe(true);
    expect(blocksOfPost(next)[0]).toMatchObject({ text: { text: 'Co-sell handoffs: week of 2026-11-30' } });
    expect(figure(blocksOfPost(next), 'Handoffs sent')).toBe('0');
    // The week of the 23rd as above: 1 of 2 answers accepted (50%), 1 of 3 windows expired (33%).
    expect(json(blocksOfPost(next))).toContain(
      'The week before: 4 handoffs sent; 1 accepted, 1 declined, 1 expired of 3 AE windows closed; acceptance 50% of answers, silence 33% of windows.',
    );
    // The new week's chart (other weeks, other numbers) is another picture: shared too, before its digest.
    expect(h.slack.messages(channels.internal.id)).toHaveLength(before + 4);
    const nextFile = imageBlocks(blocksOfPost(next))[0]?.slack_file?.id ?? '';
    expect(nextFile).not.toBe(fileId);
    expect(h.slack.file(nextFile)?.channels).toEqual([channels.internal.id]);
    // Internal numbers never reach the partner channel.
    expect(json(h.slack.messages(channels.partner.id))).not.toContain('Co-sell handoffs: week of');
  });

  it('counts the week in the reporting timezone', async () => {
    const h = await start({
      env: digestEnv(channels.internal.id, { DIGEST_TIMEZONE: 'America/Los_Angeles' }),
    });
    // Monday 05:00 UTC is still Sunday in Los Angeles: the last complete week there began Monday the 16th.
    h.clock.set('2026-11-30T05:00:00Z');
    expect(await h.app.digest.post()).toBe('posted');
    const call = await digestPost(h, channels.internal.id);
    expect(call.ok, json(call.response)).toBe(true);
    expect(blocksOfPost(call)[0]).toMatchObject({ text: { text: 'Co-sell handoffs: week of 2026-11-16' } });
  });

  it('posts at start when its slot passed while the app was down, once across restarts; not before the slot, nor on a fresh install', async () => {
    const env = digestEnv(channels.internal.id, { DIGEST_SCHEDULE: '0 9 * * 1', DIGEST_TIMEZONE: 'UTC' });
    // A fresh install on Monday 23rd after 09:00: no digest of a week before the app existed.
    let h = await start({ env, now: '2026-11-23T10:00:00Z' });
    await quiet(h);
    expect(postsTo(h, channels.internal.id)).toHaveLength(0);
    expect(
      h.logs.some((l) => l.msg === 'weekly digest not caught up: the app was not in use yet at its slot'),
    ).toBe(true);
    // In use, then down over Monday 30th 09:00, the digest's slot.
    const { slack, databasePath } = await inUseThenDown(h);
    expect(postsTo({ slack } as Harness, channels.internal.id)).toHaveLength(0);

    h = await start({ env, now: '2026-11-30T15:00:00Z', slack, databasePath });
    const call = await digestPost(h, channels.internal.id);
    expect(call.ok, json(call.response)).toBe(true);
    expect(blocksOfPost(call)[0]).toMatchObject({ text: { text: 'Co-sell handoffs: week of 2026-11-23' } });
    expect(figure(blocksOfPost(call), 'Handoffs sent')).toBe('1');
    expect(
      h.logs.some((l) => l.msg === 'catching up on the latest scheduled run' && l.job === 'weekly-digest'),
    ).toBe(true);
    // A restart the same day finds the week posted: nothing more.
    await h.stop({ keepDatabase: true });
    h = await start({ env, now: '2026-11-30T16:00:00Z', slack, databasePath });
    expect(await h.app.digest.post()).toBe('already_posted');
    await quiet(h);
    expect(postsTo(h, channels.internal.id)).toHaveLength(1);
    await h.stop({ keepDatabase: true });
    // The next Monday at 09:00 sharp: the slot is now, and the app was in use before it.
    h = await start({ env, now: '2026-12-07T09:00:00Z', slack, databasePath });
    await digestPost(h, channels.internal.id, 2);
    await h.stop({ keepDatabase: true });
    // The Monday after, a minute before 09:00: the latest slot is last week's, posted on time. Nothing more.
    h = await start({ env, now: '2026-12-14T08:59:00Z', slack, databasePath });
    await quiet(h);
    expect(postsTo(h, channels.internal.id)).toHaveLength(2);
    await slack.stop();
  });

  it('holds a digest whose slot falls on a company closure day until the company opens again', async () => {
    const env = digestEnv(channels.internal.id, {
      DIGEST_SCHEDULE: '0 9 * * 1',
      DIGEST_TIMEZONE: 'UTC',
      DEFAULT_TIMEZONE: 'UTC',
      CLOSURE_DATES: '2026-11-30',
      SEND_OUTSIDE_WORKING_HOURS: 'false',
    });
    let h = await start({ env, now: '2026-11-25T10:00:00Z' });
    const { slack, databasePath } = await inUseThenDown(h);
    // Monday 30th, the slot, is a closure day: the start's catch-up holds it, and so does the minutely check.
    h = await start({ env, now: '2026-11-30T09:00:00Z', slack, databasePath });
    await quiet(h);
    expect(await h.app.digest.post()).toBe('held');
    await h.app.scheduler.runNow('weekly-digest-held');
    await quiet(h);
    expect(postsTo(h, channels.internal.id)).toHaveLength(0);
    // Tuesday before the company's hours: still held. At its opening, the minutely check posts last week's.
    h.clock.set('2026-12-01T08:30:00Z');
    await h.app.scheduler.runNow('weekly-digest-held');
    await quiet(h);
    expect(postsTo(h, channels.internal.id)).toHaveLength(0);
    h.clock.set('2026-12-01T09:00:00Z');
    await h.app.scheduler.runNow('weekly-digest-held');
    const call = await digestPost(h, channels.internal.id);
    expect(blocksOfPost(call)[0]).toMatchObject({ text: { text: 'Co-sell handoffs: week of 2026-11-23' } });
    // Once: the next check finds it posted.
    await h.app.scheduler.runNow('weekly-digest-held');
    await quiet(h);
    expect(postsTo(h, channels.internal.id)).toHaveLength(1);
    await slack.stop();
  });

  it.each([
    { what: 'without DIGEST_CHANNEL_ID', channel: undefined },
    { what: 'with a Slack Connect channel (refused at start, logged)', channel: channels.partner.id },
  ])('is not configured $what: nothing posted anywhere', async ({ channel }) => {
    const h = await start({ env: digestEnv(channel) });
    const refusal = h.logs.find(
      (l) => l.msg === 'DIGEST_CHANNEL_ID is not confirmed internal; nothing will be posted there',
    );
    if (channel) {
      expect(refusal).toMatchObject({ level: 50, channelId: channel, reason: 'shared externally' });
    } else expect(refusal).toBeUndefined();
    await sendHandoff(h);
    h.clock.set('2026-11-30T09:00:00Z');
    expect(await h.app.digest.post()).toBe('not_configured');
    await quiet(h);
    expect(h.slack.calls.filter((c) => c.method.startsWith('files.'))).toHaveLength(0);
    expect(h.slack.messages(channels.internal.id)).toHaveLength(0);
    expect(postsTo(h, channels.partner.id).filter((c) => json(c.args).includes('week of'))).toHaveLength(0);
    expect(json(h.slack.messages(channels.partner.id))).not.toContain('Co-sell handoffs');
  });

  it('still posts the numbers, with a note, when the chart cannot be uploaded; two runs of a week at once post one digest', async () => {
    const h = await start({ env: digestEnv(channels.internal.id) });
    await sendHandoff(h);
    h.clock.set('2026-11-30T09:00:00Z');
    h.slack.fail('files.completeUploadExternal', { error: 'internal_error' }, 1);

    expect(await h.app.digest.post()).toBe('posted');
    const call = await digestPost(h, channels.internal.id);
    expect(call.ok, json(call.response)).toBe(true);
    const blocks = blocksOfPost(call);
    expect(figure(blocks, 'Handoffs sent')).toBe('1');
    expect(imageBlocks(blocks)).toHaveLength(0);
    expect(json(blocks)).toContain('could not be prepared');
    expect(h.logs.some((l) => l.msg === 'weekly digest queued' && l.chart === false)).toBe(true);

    // The next Monday, two runs for the week overlap: one digest, and the picture drawn twice at once is shared once
    // (one chart message, one digest).
    h.clock.set('2026-12-07T09:00:00Z');
    const uploads = h.slack.callsTo('files.completeUploadExternal').length;
    const messages = h.slack.messages(channels.internal.id).length;
    const digest = h.app.digest;
    expect(await Promise.all([digest.post(), digest.post()])).toContain('posted');
    await digestPost(h, channels.internal.id, 2);
    await quiet(h);
    expect(postsTo(h, channels.internal.id)).toHaveLength(2);
    expect(h.slack.callsTo('files.completeUploadExternal')).toHaveLength(uploads + 1);
    expect(h.slack.messages(channels.internal.id)).toHaveLength(messages + 2);
    expect(await digest.post()).toBe('already_posted');
  });
});
