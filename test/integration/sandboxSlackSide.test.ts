import { describe, expect, it } from 'vitest';
import { sandboxChannels, sandboxUsers } from '../../sandbox/cast.js';
import { removedChannels } from '../../src/db/schema.js';
import { waitFor } from '../support/harness.js';
import { postToSandbox, sandboxWorld } from '../support/sandboxWorld.js';

/**
 * The sandbox page's controls for what people do in Slack that Slack tells the app (sandbox/slackSide.ts), through
 * the sandbox's own API as the page uses it: each changes the fake Slack as Slack would and delivers Slack's signed
 * event to the real app, which takes it (200) and acts on it. The page's view of them is in
 * test/e2e/sandboxSlackEvents.e2e.test.ts.
 */

const { author, ae, admin, partner } = sandboxUsers;
const world = sandboxWorld('slack-side');

type Json = Record<string, unknown>;
const post = (path: string, body: Json) => postToSandbox(world.sandbox, path, body);

/** The last event the fake Slack produced: its type, and the status the app answered (undefined: not delivered). */
const lastEvent = () => {
  const delivery = world.sandbox.slack.events.at(-1);
  return { type: delivery?.envelope.event.type, status: delivery?.status };
};

async function state(user: string, place = ''): Promise<Json> {
  const response = await fetch(`${world.sandbox.url}api/state?user=${user}${place ? `&place=${place}` : ''}`);
  return (await response.json()) as Json;
}

const appIn = async (user: string, channel: string) =>
  ((await state(user)).conversations as { id: string; appIn: boolean }[]).find((c) => c.id === channel)
    ?.appIn;

const removals = () => world.sandbox.database.db.select().from(removedChannels).all();

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

  it('Remove the app and Invite the app: the membership, the event, and what the app does of it', async () => {
    // #partner-marketing: the app posts escalations there, so it records the removal and tells the admins.
    const channel = sandboxChannels.internal.id;
    const removed = await post('app/remove', { user: author.id, channel });
    expect(removed).toMatchObject({ status: 200, body: { event: 'channel_left', appStatus: 200 } });
    expect(lastEvent()).toEqual({ type: 'channel_left', status: 200 });
    expect(world.sandbox.slack.channels().find((c) => c.id === channel)?.members).not.toContain(
      world.sandbox.slack.botUserId,
    );
    expect(await appIn(author.id, channel)).toBe(false);
    expect(removals()).toMatchObject([{ channelId: channel, how: 'event' }]);
    await waitFor(
      () =>
        world.sandbox.slack
          .messages(`D${admin.id}`)
          .some((m) => JSON.stringify(m).includes('/invite @Handoff')),
      10_000,
      'the admins told how to invite the app back',
    );

    // What Slack would not let happen is refused, with what to do, and changes nothing.
    const partnerChannel = sandboxChannels.partner.id;
    const refusals: [string, Json, RegExp][] = [
      ['remove', { user: author.id, channel }, /not in #partner-marketing/],
      ['remove', { user: partner.id, channel: partnerChannel }, /Only people of Acme Corp/],
      ['remove', { user: partner.id, channel: sandboxChannels.rival.id }, /You are not in #ext-tailspin/],
      ['remove', { user: author.id, channel: 'C0NOWHERE' }, /Pick a channel/],
      ['invite', { user: author.id, channel: partnerChannel }, /already in #ext-meridian/],
    ];
    for (const [verb, body, message] of refusals) {
      const answer = await post(`app/${verb}`, body);
      expect({ body, status: answer.status }).toEqual({ body, status: 400 });
      expect(String(answer.body.error)).toMatch(message);
    }
    expect(lastEvent().type).toBe('channel_left');

    // Typed as in Slack: /invite @Handoff in the channel; the app forgets the removal.
    const invited = await post('command', { user: author.id, channel, text: '/invite @Handoff' });
    expect(invited).toMatchObject({ status: 200, body: { event: 'member_joined_channel', appStatus: 200 } });
    expect(await appIn(author.id, channel)).toBe(true);
    expect(removals()).toEqual([]);
    // And /remove @Handoff in the partner channel, then the button's invite.
    const typed = await post('command', { user: ae.id, channel: partnerChannel, text: '/remove @handoff' });
    expect(typed.body.event).toBe('channel_left');
    expect(await appIn(ae.id, partnerChannel)).toBe(false);
    expect((await post('app/invite', { user: ae.id, channel: partnerChannel })).body.event).toBe(
      'member_joined_channel',
    );
    expect(await appIn(ae.id, partnerChannel)).toBe(true);
  });

  it('Manage apps: the admin revokes the token, then uninstalls the app; /healthz says so; then Slack sends the app nothing', async () => {
    const health = async () => ((await state(admin.id, 'apps')).app as Json).health as Json;
    expect((await state(author.id, 'apps')).app).toEqual({ install: 'installed', canManage: false });
    expect(await health()).toMatchObject({ status: 200, body: { ok: true, slack: 'ok' } });
    expect((await post('app/uninstall', { user: author.id })).body.error).toMatch(/Only a workspace admin/);

    const revoked = await post('app/revoke', { user: admin.id });
    expect(revoked).toMatchObject({ status: 200, body: { events: ['tokens_revoked'] } });
    expect(lastEvent()).toEqual({ type: 'tokens_revoked', status: 200 });
    expect(await health()).toMatchObject({
      status: 503,
      body: { slack: 'disconnected', revoked: 'tokens_revoked' },
    });
    // Slack took the deactivated bot out of every channel; it cannot be invited back.
    expect(await appIn(author.id, sandboxChannels.partner.id)).toBe(false);
    const invite = await post('app/invite', { user: author.id, channel: sandboxChannels.partner.id });
    expect(invite.body.error).toMatch(/bot token was revoked/);
    // Still installed: a command still reaches the app.
    expect(
      (await post('command', { user: author.id, channel: `D${author.id}`, text: '/handoff help' })).status,
    ).toBe(200);

    const uninstalled = await post('app/uninstall', { user: admin.id });
    expect(uninstalled).toMatchObject({ status: 200, body: { events: ['app_uninstalled'] } });
    expect(lastEvent()).toEqual({ type: 'app_uninstalled', status: 200 });
    expect((await state(admin.id)).app).toMatchObject({ install: 'app_uninstalled' });
    expect(await health()).toMatchObject({ status: 503, body: { slack: 'disconnected' } });
    // Slack sends an uninstalled app nothing: no command, click, submission, nor an event.
    for (const path of ['command', 'action', 'submit', 'home']) {
      const answer = await post(path, { user: author.id, channel: `D${author.id}`, text: '/handoff' });
      expect({ path, status: answer.status }).toEqual({ path, status: 409 });
      expect(String(answer.body.error)).toMatch(/uninstalled/);
    }
    expect(
      (await post('status', { user: ae.id, text: 'Out sick', emoji: ':face_with_thermometer:' })).status,
    ).toBe(200);
    expect(lastEvent()).toEqual({ type: 'user_status_changed', status: undefined });
    // Slack's own /invite is answered by Slack: there is no app to invite.
    const typed = await post('command', {
      user: author.id,
      channel: sandboxChannels.internal.id,
      text: '/invite @Handoff',
    });
    expect(typed.body.error).toMatch(/uninstalled: there is no app to invite/);
    expect((await post('app/uninstall', { user: admin.id })).body.error).toMatch(/already uninstalled/);
  });
});
