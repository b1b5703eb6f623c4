import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { SHORTCUT_ID } from '../../src/blocks/ids.js';
import { deliveryId } from '../../src/outbox/kinds/earlierPost.js';
import { account } from '../support/crmFlow.js';
import { deliveryOf } from '../support/drill.js';
import { stopsAfterEach } from '../support/edge-helpers.js';
import { FakeSlack, type FakeWorkspace } from '../support/fakeSlack.js';
import { submitAndSend } from '../support/flow.js';
import { type Harness, seedWorkspace, waitFor } from '../support/harness.js';
import { BETA_AUTHOR, installAt, installedTwice, OAUTH_ENV, twoCompanies } from '../support/oauthFlow.js';
import { channels, PARTNER_TEAM, people, TEAM } from '../support/people.js';

/**
 * Each request goes to the installation of who acts and where (install/routing.ts), never to the first installation
 * that recognises an id in it: two workspaces of one Grid org installed one by one, a later org-wide install of that
 * org, and a channel two installed workspaces share.
 */

const ORG = 'E0ORG';
const WEST = 'T0WEST';
const SOUTH = 'T0SOUTH';
const BETA = 'T0BETA';
const westAuthor = {
  id: 'W0WESTPAT',
  team_id: WEST,
  name: 'wes',
  real_name: 'Wes West',
  tz: 'America/Denver',
};
const southAuthor = {
  id: 'W0SOUTHSOL',
  team_id: SOUTH,
  name: 'sol',
  real_name: 'Sol South',
  tz: 'Europe/Madrid',
};
const betaAuthor = BETA_AUTHOR;

/** `/handoff` typed by `user` in `workspace`: the packet opens there, with that workspace's installation's token. */
async function packetOpensIn(h: Harness, workspace: FakeWorkspace, user: { id: string }) {
  const trigger = workspace.issueTriggerId();
  const answer = await h.command({
    team_id: workspace.teamId,
    user_id: user.id,
    channel_id: `D${user.id}`,
    trigger_id: trigger,
  });
  expect(answer.status).toBe(200);
  const text = await answer.text();
  expect(text).not.toContain('is for the team that runs this app');
  return waitFor(
    () => h.slack.callsTo('views.open').find((c) => c.args.trigger_id === trigger),
    4000,
    `the packet in ${workspace.teamId}`,
  );
}

describe('every request reaches the installation of who acts and where', () => {
  const stops = stopsAfterEach();

  it('serves two workspaces of one Grid org installed one by one, then the org-wide install serves the rest', async () => {
    const slack = await FakeSlack.start({
      botUserId: 'UBOT',
      enterprise: { id: ORG, name: 'Acme Group', orgWide: false, installer: people.owner.id },
    });
    stops.push(() => slack.stop());
    seedWorkspace(slack);
    const west = slack.addWorkspace({
      id: WEST,
      name: 'Acme West',
      enterpriseId: ORG,
      installer: westAuthor.id,
    });
    west.addUser(westAuthor);
    const south = slack.addWorkspace({ id: SOUTH, name: 'Acme South', enterpriseId: ORG });
    south.addUser(southAuthor);
    const { h, stop } = await installedTwice(slack, west);
    stops.push(() => stop());

    // West's own person, in West: its own installation opens the packet with West's token.
    const inWest = await packetOpensIn(h, west, westAuthor);
    expect(inWest?.token).toBe(west.token);
    // The first workspace goes on as before.
    const home = slack.workspaceOf(TEAM);
    expect((await packetOpensIn(h, home, people.author))?.token).toBe(home.token);

    // South never installed the app itself: nobody serves it until the org-wide install.
    const before = h.slack.callsTo('views.open').length;
    const unserved = await h.command({
      team_id: SOUTH,
      user_id: southAuthor.id,
      channel_id: `D${southAuthor.id}`,
      trigger_id: south.issueTriggerId(),
    });
    expect(unserved.status).toBe(200);
    expect(h.slack.callsTo('views.open').length).toBe(before);
    expect(JSON.stringify(h.logs)).toContain('a Slack request for another installation of the app: ignored');

    slack.oauthApp = { ...(slack.oauthApp as NonNullable<typeof slack.oauthApp>), orgDeploy: true };
    const org = await installAt(slack, h.baseUrl, { enterprise: ORG, installer: people.owner.id });
    expect(org.status).toBe(200);
    await waitForTenants(h, 3);
    // Slack now marks the org's requests as the org-wide install's: South is served through it.
    expect((await packetOpensIn(h, south, southAuthor))?.token).toBe(slack.enterprise(ORG).token);
    // Each request used its installation's own client: Bolt kept none of its own for any of the four workspaces.
    expect(Object.keys((h.app.app as unknown as { clients: Record<string, unknown> }).clients)).toEqual([]);
  });

  it("hands a shortcut on a message of a shared channel to the workspace of the person who used it; makes each installer their installation's first admin, the environment's settings the first company's", async () => {
    const { slack, beta } = await twoCompanies();
    stops.push(() => slack.stop());
    const { h, stop } = await installedTwice(slack, beta, {
      env: { ADMIN_USER_IDS: people.owner.id, STALL_BUSINESS_DAYS: '7' },
    });
    stops.push(() => stop());
    // Each installation runs its own program. The first company's: what ADMIN_USER_IDS and the program settings said,
    // read once. The second's: its installer administers it; nothing of the first company's settings.
    const [first, second] = h.app.tenants();
    expect(first?.wired.program.adminUserIds).toEqual([people.owner.id]);
    expect(first?.wired.program.state().settings.stallBusinessDays).toBe(7);
    expect(second?.wired.program.adminUserIds).toEqual([betaAuthor.id]);
    expect(second?.wired.program.state().settings.stallBusinessDays).not.toBe(7);
    const rows = await h.database.db.select().from(h.tables.programLog);
    const secondId = (await h.database.db.select().from(h.tables.installations)).find(
      (i) => i.installKey === BETA,
    )?.id;
    expect(rows.filter((r) => r.installationId === secondId).map((r) => [r.kind, r.actor])).toEqual([
      ['roles', 'install'],
    ]);

    // A channel of ours that Beta shares; one of our people wrote in it.
    slack.addChannel({
      ...channels.partner,
      id: 'C0SHARED',
      name: 'acme-beta',
      shared_team_ids: [TEAM, BETA, PARTNER_TEAM],
    });
    const trigger = beta.issueTriggerId();
    const shortcut = (user: { id: string; name: string; team_id: string }, trigger_id: string) => ({
      type: 'message_action',
      callback_id: SHORTCUT_ID.handOff,
      trigger_id,
      response_url: slack.responseUrl(),
      message_ts: '1795442400.000100',
      message: {
        type: 'message',
        user: people.author.id,
        team: TEAM,
        ts: '1795442400.000100',
        text: 'Deal at Contoso',
      },
      channel: { id: 'C0SHARED', name: 'acme-beta' },
      user,
      team: { id: BETA, domain: 'beta' },
      token: 'legacy-verification-token',
      action_ts: '1795442400.000300',
      api_app_id: 'A0APP',
      is_enterprise_install: false,
    });
    const response = await h.interact(shortcut({ id: betaAuthor.id, name: 'bea', team_id: BETA }, trigger));
    expect(response.status).toBe(200);
    expect(await response.text()).not.toContain('is for the team that runs this app');
    const opened = await waitFor(
      () => slack.callsTo('views.open').find((c) => c.args.trigger_id === trigger),
      4000,
      'the packet in Beta',
    );
    expect(opened.token).toBe(beta.token);
    // Beta's installation answered; the first one was never asked.
    expect(JSON.stringify(h.logs)).not.toContain('Add to handoff is for the team that runs this app');
    // A partner in the channel is refused there, and the listener's log line names the installation it served.
    const partner = { id: 'W0PARTNERPIA', name: 'pia', team_id: PARTNER_TEAM };
    expect((await h.interact(shortcut(partner, beta.issueTriggerId()))).status).toBe(200);
    const refused = await waitFor(
      () =>
        h.logs.find((l) =>
          String(l.msg).includes(`hand-off shortcut refused for external user ${partner.id}`),
        ),
      4000,
      'the refusal in the log',
    );
    expect(refused).toMatchObject({ installation: BETA });
  });
});

describe('an OAuth deployment of two installations', () => {
  it("keys each post's delivery id with SLACK_TOKEN_KEY, which no other app in a shared channel holds; /healthz stays 200 when one workspace's token is refused, and turns 503 only when none can be served", async () => {
    const { slack, beta } = await twoCompanies();
    const { h, stop } = await installedTwice(slack, beta);
    try {
      const { answer } = await submitAndSend(h, account('Northwind Logistics'));
      expect(answer).toEqual({ response_action: 'clear' });
      const dm = await waitFor(
        () => slack.messages(slack.dmChannelFor(people.ae.id))[0],
        8000,
        "the AE's packet",
      );
      const [row] = await h.database.db
        .select()
        .from(h.tables.outbox)
        .where(eq(h.tables.outbox.method, 'chat.postMessage'));
      if (!row) throw new Error('no post in the outbox');
      expect(deliveryOf(dm)).toBe(deliveryId(row, OAUTH_ENV.SLACK_TOKEN_KEY));

      const health = async () => (await fetch(`${h.baseUrl}/healthz`)).status;
      expect(await health()).toBe(200);
      // Beta's token is revoked and this process did not hear it (another replica did): Slack refuses it here.
      slack.unsubscribeEvents(h.eventsUrl);
      await beta.revokeBotToken();
      const [acme, betaTenant] = h.app.tenants();
      await betaTenant?.served.health.recheckSlack().catch(() => undefined);
      expect(betaTenant?.wired.clients.connection.rejected).toBeDefined();
      expect(await health()).toBe(200);
      // Acme's too: nobody can be served.
      await slack.revokeBotToken();
      await acme?.served.health.recheckSlack().catch(() => undefined);
      expect(await health()).toBe(503);
    } finally {
      await stop();
      await slack.stop();
    }
  });
});

async function waitForTenants(h: Harness, count: number) {
  await waitFor(() => h.app.tenants().length === count, 10_000, `${count} installations served`);
}
