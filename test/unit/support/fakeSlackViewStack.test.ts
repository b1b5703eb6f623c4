import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { slackAnswer, slackClient } from '../../support/fakeClients.js';
import { FakeSlack } from '../../support/fakeSlack.js';

/**
 * The fake Slack's modal stacks change as Slack's do (https://docs.slack.dev/surfaces/modals): at most 3 views; the
 * person closing the top view takes it off; an answer to a view_submission closes the view (empty answer), closes
 * them all (`clear`), replaces it (`update`), stacks one more (`push`) or keeps it (`errors`).
 */

let fake: FakeSlack;
const client = () => slackClient(fake);

const modal = (title: string, extra: Record<string, unknown> = {}) => ({
  type: 'modal' as const,
  title: { type: 'plain_text' as const, text: title },
  blocks: [{ type: 'section', text: { type: 'mrkdwn', text: title } }],
  ...extra,
});

async function open(title = 'Packet', extra: Record<string, unknown> = {}): Promise<string> {
  const { view } = await client().views.open({
    trigger_id: fake.issueTriggerId(),
    view: modal(title, extra),
  });
  return view?.id as string;
}

/** The app answers a submission of `viewId` with `response_action: 'push'`, as the packet modal does (the review). */
function pushReview(viewId: string, extra: Record<string, unknown> = {}): string {
  const outcome = fake.answerViewSubmission(viewId, {
    response_action: 'push',
    view: modal('Review', { close: { type: 'plain_text', text: 'Back to edit' }, ...extra }),
  });
  if (!outcome.ok) throw new Error(outcome.error);
  return outcome.view?.id as string;
}

beforeAll(async () => {
  fake = await FakeSlack.start();
});
afterAll(async () => {
  await fake.stop();
});
beforeEach(() => fake.reset());

describe('FakeSlack: modal stacks as Slack keeps them', () => {
  it('Back (closing the pushed view) takes it off the stack: back to edit three times, the review still opens', async () => {
    const packet = await open();
    for (let round = 1; round <= 3; round += 1) {
      const review = pushReview(packet);
      expect(fake.viewStack(packet)).toEqual([packet, review]);
      expect(fake.closeView(review)).toEqual({ ok: true, closed: [review], cleared: false });
      // The packet shows again, alone on its stack.
      expect(fake.viewStack(packet)).toEqual([packet]);
      expect(fake.viewStack(review)).toBeUndefined();
    }
    const review = pushReview(packet);
    expect(fake.viewStack(packet)).toEqual([packet, review]);
    // Send: the app answers clear, and every view of the modal is gone.
    expect(fake.answerViewSubmission(review, { response_action: 'clear' })).toMatchObject({
      ok: true,
      action: 'clear',
      closed: [review, packet],
    });
    expect(fake.viewStack(packet)).toBeUndefined();
  });

  it('still refuses a fourth view (push_limit_reached), through views.push and through a push answer alike', async () => {
    const root = await open();
    const second = pushReview(root);
    const third = (
      await client().views.push({ trigger_id: fake.issueTriggerId({ viewId: second }), view: modal('Third') })
    ).view?.id as string;
    expect(fake.viewStack(root)).toEqual([root, second, third]);
    expect(fake.answerViewSubmission(third, { response_action: 'push', view: modal('Fourth') })).toEqual({
      ok: false,
      error: 'push_limit_reached',
    });
    const viaApi = client().views.push({
      trigger_id: fake.issueTriggerId({ viewId: third }),
      view: modal('Fourth'),
    });
    expect(await slackAnswer(viaApi)).toBe('push_limit_reached');
    expect(fake.viewStack(root)).toEqual([root, second, third]);
    // Once the top view is closed, there is room again.
    fake.closeView(third);
    await expect(
      client().views.push({ trigger_id: fake.issueTriggerId({ viewId: second }), view: modal('Again') }),
    ).resolves.toMatchObject({ ok: true });
  });

  it('an empty answer closes only the submitted view; errors keep it; update replaces it in place', async () => {
    const root = await open();
    const review = pushReview(root);
    const before = fake.view(review);

    expect(
      fake.answerViewSubmission(review, { response_action: 'errors', errors: { note: 'Say why.' } }),
    ).toEqual({ ok: true, action: 'errors', closed: [] });
    expect(fake.viewStack(root)).toEqual([root, review]);

    const updated = fake.answerViewSubmission(review, { response_action: 'update', view: modal('Sent') });
    expect(updated).toMatchObject({ ok: true, action: 'update', view: { id: review }, closed: [] });
    expect(fake.view(review)?.title).toEqual({ type: 'plain_text', text: 'Sent' });
    expect(fake.view(review)?.hash).not.toBe(before?.hash);
    expect(fake.viewStack(root)).toEqual([root, review]);

    expect(fake.answerViewSubmission(review, {})).toEqual({ ok: true, action: 'close', closed: [review] });
    expect(fake.viewStack(root)).toEqual([root]);
    expect(fake.answerViewSubmission(root, {})).toEqual({ ok: true, action: 'close', closed: [root] });
    expect(fake.viewStack(root)).toBeUndefined();
  });

  it('closing a view with clear_on_close closes the whole stack (is_cleared)', async () => {
    const root = await open();
    const review = pushReview(root, { clear_on_close: true });
    expect(fake.closeView(review)).toEqual({ ok: true, closed: [review, root], cleared: true });
    expect(fake.viewStack(root)).toBeUndefined();
  });

  it('a closed view is gone for the API (views.update: not_found) and for further closes or answers', async () => {
    const root = await open('Packet', { external_id: 'packet-1' });
    const review = pushReview(root);
    fake.closeView(review);
    expect(await slackAnswer(client().views.update({ view_id: review, view: modal('Late') }))).toBe(
      'not_found',
    );
    expect(fake.closeView(review)).toEqual({ ok: false, error: 'not_found' });
    expect(fake.answerViewSubmission(review, {})).toEqual({ ok: false, error: 'not_found' });
    // The view under it is still open and can be updated, by id or external_id.
    await expect(
      client().views.update({ external_id: 'packet-1', view: modal('Packet, edited') }),
    ).resolves.toMatchObject({ ok: true });
    // Tests can still look at what a closed view showed.
    expect(fake.view(review)?.title).toEqual({ type: 'plain_text', text: 'Review' });
  });

  it('refuses an answer Slack does not know', async () => {
    const root = await open();
    expect(fake.answerViewSubmission(root, { response_action: 'dismiss' })).toEqual({
      ok: false,
      error: 'invalid_response_action',
    });
    expect(fake.viewStack(root)).toEqual([root]);
  });
});
