import { describe, expect, it } from 'vitest';
import { healthOf } from '../support/edge-helpers.js';
import { FakeSlack } from '../support/fakeSlack.js';
import { harnessPerTest, seedWorkspace, waitFor } from '../support/harness.js';
import { appHomeOpened, slashCommand } from '../support/payloads.js';
import { people } from '../support/people.js';

/**
 * A token deployment in Socket Mode (SLACK_APP_TOKEN) starts through the same path as every other (compose/tenants.ts):
 * its installation seeded from the token, its requests over the link Slack's apps.connections.open gives (on
 * SLACK_API_URL's Slack), /healthz on HOST:PORT; a stop closes the link.
 */

const harness = harnessPerTest();

describe('Socket Mode', () => {
  it('serves the token installation over the link: a command opens the form, an event publishes the Home, /healthz answers on PORT, a stop closes it', async () => {
    const slack = await FakeSlack.start();
    seedWorkspace(slack);
    const h = await harness({ slack, env: { SLACK_APP_TOKEN: slack.appLevelToken } });
    await slack.socketMode.whenConnected();
    // The link was asked of the fake Slack (SLACK_API_URL), with the app-level token.
    expect(slack.callsTo('apps.connections.open')).toHaveLength(1);
    expect(slack.socketMode.connections).toBe(1);
    expect(await healthOf(h)).toEqual({ status: 200, body: { ok: true, database: 'ok', slack: 'ok' } });

    const command = await slack.socketMode.deliver(
      'slash_commands',
      slashCommand({ trigger_id: slack.issueTriggerId(), response_url: slack.responseUrl() }),
    );
    expect(command.envelope_id).toEqual(expect.any(String));
    await waitFor(() => slack.callsTo('views.open').length === 1, 8000, 'the form opened');

    const published = slack.callsTo('views.publish').length;
    const event = await slack.socketMode.deliver('events_api', appHomeOpened(people.ae.id, 'EvSocket1'));
    expect(event.envelope_id).toEqual(expect.any(String));
    await waitFor(
      () => slack.callsTo('views.publish').length > published,
      8000,
      'the App Home published for the AE',
    );
    expect(h.logs.filter((l) => l.msg === 'handoff app listening').map((l) => l.mode)).toEqual(['socket']);

    // A stop closes the link (its close frame, answered).
    await h.stop();
    await waitFor(() => !slack.socketMode.isOpen, 8000, 'the link closed');
    await slack.stop();
  });
});
