import { describe, expect, it } from 'vitest';
import { stopsAfterEach } from '../support/edge-helpers.js';
import { type Harness, SIGNING_SECRET, startHarness, waitFor } from '../support/harness.js';
import { harnessEngine } from '../support/harnessEngine.js';
import {
  BETA_AUTHOR,
  installAt,
  OAUTH_CLIENT,
  OAUTH_ENV,
  twoCompanies,
  waitingForInstall,
} from '../support/oauthFlow.js';

/**
 * Two replicas of an OAuth deployment on one Postgres database: a workspace installed through one is served by the
 * other at its first request.
 * SQLite has no such case: its file is locked to one process.
 */
const BETA = 'T0BETA';
const betaAuthor = BETA_AUTHOR;

describe.runIf(harnessEngine() === 'postgres')('an OAuth deployment on two replicas', () => {
  const stops = stopsAfterEach();

  it('serves at once, on the other replica, a workspace installed through one', async () => {
    const { slack, beta } = await twoCompanies();
    stops.push(() => slack.stop());
    // Replica A, installed in the fake's own workspace.
    let port = 0;
    const startedA = startHarness({
      slack,
      env: OAUTH_ENV,
      onStatusPort: (p) => {
        port = p;
      },
    });
    const base = await waitingForInstall(() => port);
    slack.oauthApp = { ...OAUTH_CLIENT, redirectUri: `${base}/slack/oauth_redirect`, tokenRotation: false };
    expect((await installAt(slack, base)).status).toBe(200);
    const a: Harness = await startedA;
    stops.push(() => a.stop({ keepDatabase: true }));
    // Replica B on the same database.
    const b = await startHarness({ slack, env: OAUTH_ENV, databasePath: a.databaseKey });
    stops.push(() => b.stop({ keepDatabase: true }));
    expect(b.app.tenants()).toHaveLength(1);

    // Beta installs through A.
    expect((await installAt(slack, a.baseUrl, { team: BETA, installer: betaAuthor.id })).status).toBe(200);
    await waitFor(() => a.app.tenants().length === 2, 10_000, 'A serving Beta');

    // `/handoff` typed in Beta, reaching B: the trigger id it carries.
    const typed = async () => {
      const trigger = beta.issueTriggerId();
      const answer = await b.command({
        team_id: BETA,
        user_id: betaAuthor.id,
        channel_id: `D${betaAuthor.id}`,
        trigger_id: trigger,
      });
      expect(answer.status).toBe(200);
      return trigger;
    };
    // Beta's first request reaches B: B reads the installation from the database and serves it.
    const trigger = await typed();
    const opened = await waitFor(
      () => slack.callsTo('views.open').find((c) => c.args.trigger_id === trigger),
      6000,
      "Beta's packet, opened by B",
    );
    expect(opened.token).toBe(beta.token);
    expect(b.app.tenants()).toHaveLength(2);
    expect(b.logs).toContainEqual(
      expect.objectContaining({
        installation: BETA,
        msg: 'serving an installation at its first request here',
      }),
    );

    // Beta uninstalls, and only A hears it (Slack sends each event to one replica): B reads it from the database at
    // Beta's next request, and calls nothing.
    slack.subscribeEvents(a.eventsUrl, SIGNING_SECRET);
    await beta.uninstallApp();
    await waitFor(() => a.app.tenants().length === 1, 10_000, 'A no longer serving Beta');
    const after = await typed();
    await waitFor(
      () => b.logs.some((l) => l.why === 'uninstalled or its token revoked'),
      6000,
      "B's refusal",
    );
    expect(slack.calls.filter((c) => c.args.trigger_id === after)).toEqual([]);

    // Beta installs again, through A: B serves it at its next request, with the new token, at once.
    expect((await installAt(slack, a.baseUrl, { team: BETA, installer: betaAuthor.id })).status).toBe(200);
    await waitFor(() => a.app.tenants().length === 2, 10_000, 'A serving Beta again');
    const again = await typed();
    const reopened = await waitFor(
      () => slack.callsTo('views.open').find((c) => c.args.trigger_id === again),
      6000,
      "Beta's packet, opened by B after the reinstall",
    );
    expect(reopened.token).toBe(beta.token);
  }, 30_000);
});
