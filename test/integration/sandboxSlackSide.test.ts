import { describe, expect, it } from 'vitest';
import { sandboxUsers } from '../../sandbox/cast.js';
import { postToSandbox, sandboxWorld } from '../support/sandboxWorld.js';

/**
 * The sandbox page's controls for what people do in Slack that Slack tells the app, through the sandbox's own API as
 * the page uses it: each changes the fake Slack as Slack would and delivers Slack's signed event to the real app,
 * which takes it (200) and acts on it.
 */

const { ae } = sandboxUsers;
const world = sandboxWorld('slack-side');

type Json = Record<string, unknown>;
const post = (path: string, body: Json) => postToSandbox(world.sandbox, path, body);

/** The last event the fake Slack produced: its type, and the status the app answered (undefined: not delivered). */
const lastEvent = () => {
  const delivery = world.sandbox.slack.events.at(-1);
  return { type: delivery?.envelope.event.type, status: delivery?.status };
};

describe('the sandbox tells the app what people do in Slack', { timeout: 30_000 }, () => {
  it('the status control: the fake Slack sends user_status_changed, signed, and the app takes it', async () => {
    const before = world.sandbox.slack.events.length;
    expect((await post('status', { user: ae.id, text: 'Vacation', emoji: ':palm_tree:' })).status).toBe(200);
    expect(world.sandbox.slack.events).toHaveLength(before + 1);
    expect(lastEvent()).toEqual({ type: 'user_status_changed', status: 200 });
    expect(world.sandbox.slack.events.at(-1)?.envelope.event).toMatchObject({
      user: { id: ae.id, profile: { status_text: 'Vacation', status_emoji: ':palm_tree:' } },
    });
    // Clearing it is a change too.
    await post('status', { user: ae.id, text: '', emoji: '' });
    expect(lastEvent()).toEqual({ type: 'user_status_changed', status: 200 });
  });
});
