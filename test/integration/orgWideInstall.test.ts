import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { PACKET_BLOCK_ID } from '../../src/blocks/ids.js';
import { acceptHandoff } from '../support/acceptFlow.js';
import { account } from '../support/crmFlow.js';
import { stopsAfterEach } from '../support/edge-helpers.js';
import { FakeSlack, type FakeWorkspace } from '../support/fakeSlack.js';
import { submitAndSend } from '../support/flow.js';
import { type Harness, SIGNING_SECRET, seedWorkspace, startHarness, waitFor } from '../support/harness.js';
import { doctorOn, installAt, OAUTH_CLIENT, OAUTH_ENV, waitingForInstall } from '../support/oauthFlow.js';
import { packetSubmission } from '../support/payloads.js';
import { people, TEAM } from '../support/people.js';

/**
 * An org-wide install on Enterprise Grid, through the real receiver and the status server, against the fake Slack's
 * org. One install serves every workspace of the org it was added to: the author in one workspace, the AE in another. A
 * workspace of another org is refused.
 */

const ORG = 'E0ORG';
const WEST = 'T0WEST';
const SOUTH = 'T0SOUTH';
const southAe = { id: 'W0SOUTHAE', team_id: SOUTH, name: 'sol', real_name: 'Sol South', tz: 'Europe/Madrid' };
const westAe = {
  id: 'W0WESTAE',
  team_id: WEST,
  name: 'riley',
  real_name: 'Riley West',
  tz: 'America/Denver',
};
/** A packet naming South's AE is refused inline: the app does not see South's people. */
async function southAeRefused(h: Harness): Promise<void> {
  const answer = await h.interact(
    packetSubmission({ values: { ...account('Litware Robotics'), aeUserId: southAe.id } }),
  );
  expect(await answer.json()).toEqual({
    response_action: 'errors',
    errors: { [PACKET_BLOCK_ID.aeUserId]: 'I could not find this person in Slack.' },
  });
}

/** A packet naming South's AE is sent, and reaches them in South. */
async function sentToSouthAe(h: Harness, south: FakeWorkspace, name: string): Promise<void> {
  const before = south.messages(south.dmChannelFor(southAe.id)).length;
  const { answer } = await submitAndSend(h, { ...account(name), aeUserId: southAe.id });
  expect(answer).toEqual({ response_action: 'clear' });
  await waitFor(
    () => south.messages(south.dmChannelFor(southAe.id)).length > before,
    8000,
    "the AE's DM in South",
  );
}

describe('an org-wide install on Enterprise Grid (one org per deployment)', () => {
  const stops = stopsAfterEach();

  /** The org (the harness's workspace and a second one, West), the app waiting for its install, then installed. */
  async function installedOrgWide() {
    const slack = await FakeSlack.start({
      botUserId: 'UBOT',
      enterprise: { id: ORG, name: 'Acme Group', orgWide: false, installer: people.owner.id },
    });
    stops.push(() => slack.stop());
    seedWorkspace(slack);
    const west = slack.addWorkspace({ id: WEST, name: 'Acme West', enterpriseId: ORG });
    west.addUser(westAe);
    const south = slack.addWorkspace({ id: SOUTH, name: 'Acme South', enterpriseId: ORG });
    south.addUser(southAe);
    let port = 0;
    const started = startHarness({
      slack,
      env: OAUTH_ENV,
      onStatusPort: (p) => {
        port = p;
      },
    });
    started.then(
      (h) => stops.push(() => h.stop()),
      () => undefined,
    );
    const base = await waitingForInstall(() => port);
    slack.oauthApp = { ...OAUTH_CLIENT, redirectUri: `${base}/slack/oauth_redirect`, orgDeploy: true };
    const { status, page } = await installAt(slack, base, { enterprise: ORG, installer: people.owner.id });
    const h: Harness = await started;
    return { slack, west, south, h, status, page };
  }

  it("stores the org, says to add it to workspaces, serves an author and an AE in two workspaces, and refuses another org's uninstall", async () => {
    const { slack, west, h, status, page } = await installedOrgWide();
    expect(status).toBe(200);
    expect(page).toContain('installed for Acme Group');
    expect(page).toContain(`https://app.slack.com/manage/${ORG}/integrations/profile/`);
    const [row] = await h.database.db.select().from(h.tables.installations);
    expect(row).toMatchObject({
      installKey: ORG,
      enterpriseId: ORG,
      teamId: null,
      isEnterpriseInstall: true,
    });
    expect(row?.sealed).not.toContain(slack.enterprise(ORG).token);
    // At start the app read the workspaces the install covers.
    expect(slack.callsTo('auth.teams.list').length).toBeGreaterThan(0);

    // The author (the harness's workspace) hands off to an AE of West: one of ours, not a partner.
    const { answer } = await submitAndSend(h, { ...account('Northwind Logistics'), aeUserId: westAe.id });
    expect(answer).toEqual({ response_action: 'clear' });
    const aeDm = () => west.messages(west.dmChannelFor(westAe.id));
    await waitFor(() => aeDm().length > 0, 8000, "the AE's DM in West");
    const [handoff] = await h.database.db.select().from(h.tables.handoffs);
    expect(handoff).toMatchObject({ aeUserId: westAe.id, status: 'sent' });

    // The AE accepts in West: the click and the modal's submission name West and the org.
    const ae = { id: westAe.id, team_id: WEST };
    const click = {
      handoffId: handoff?.id ?? 0,
      user: ae,
      channelId: west.dmChannelFor(westAe.id),
      teamId: WEST,
    };
    expect(await acceptHandoff(h, click)).toEqual({});
    const { handoffs } = h.tables;
    const [accepted] = await h.database.db.select().from(handoffs).where(eq(handoffs.id, click.handoffId));
    expect(accepted?.status).toBe('accepted');
    // The author hears of it in the harness's workspace, through the same org token.
    await waitFor(
      () =>
        slack
          .messages(slack.dmChannelFor(people.author.id))
          .some((m) => JSON.stringify(m).includes('accepted')),
      8000,
      "the author's notice",
    );

    // The doctor reads the org's token from the database and says what it serves.
    const report = await doctorOn(h, slack);
    const token = report.results.find((r) => r.title === 'Slack token and scopes');
    expect(token?.findings[0]).toMatchObject({
      status: 'pass',
      text: expect.stringContaining(`installed org-wide on Acme Group (${ORG}), in 3 workspaces of the org`),
    });

    // An uninstall from a workspace of another org is refused, keeping the org's tokens; a partner stays outside.
    slack.addEnterprise({ id: 'E0OTHER', name: 'Other Group', installer: 'W0OTHER' });
    const other = slack.addWorkspace({ id: 'T0OTHER', name: 'Other', enterpriseId: 'E0OTHER' });
    other.addUser({ id: 'W0OTHER', team_id: 'T0OTHER', name: 'kim', real_name: 'Kim Other' });
    const delivery = await other.deliver({ type: 'app_uninstalled' });
    expect(delivery.status).toBe(200);
    await waitFor(
      () => JSON.stringify(h.logs).includes('a Slack request for another installation of the app: ignored'),
      4000,
      'the refusal',
    );
    const [kept] = await h.database.db.select().from(h.tables.installations);
    expect(kept).toMatchObject({ installKey: ORG, uninstalledAt: null });
    expect(kept?.sealed).toMatch(/^v1\./);
    expect((await fetch(`${h.baseUrl}/healthz`)).status).toBe(200);

    // A Slack Connect partner is no AE of ours, org-wide install or not: the packet says so inline.
    const refused = await h.interact(
      packetSubmission({ values: { ...account('Contoso Freight'), aeUserId: people.partner.id } }),
    );
    const inline = (await refused.json()) as { response_action?: string; errors?: Record<string, string> };
    expect(inline.response_action).toBe('errors');
    expect(JSON.stringify(inline.errors)).toContain('your own company');
    expect(slack.teamId).toBe(TEAM);
  });

  it('hears when an org admin takes the app out of a workspace and adds it again (or asks Slack, having not heard it): its people are ours, or not', async () => {
    const { slack, south, h } = await installedOrgWide();
    const logged = (text: string) => waitFor(() => JSON.stringify(h.logs).includes(text), 4000, text);

    await slack.enterprise(ORG).revoke(SOUTH);
    await logged('the org-wide install was removed from workspaces of the org (T0SOUTH)');
    // Out of the workspace, the app no longer sees its people: the AE field says so, inline.
    await southAeRefused(h);

    // A pool managed by a user group of South: its members are read again once the app is back in South.
    south.addUserGroup('S0SOUTHLEADS', [southAe.id], { name: 'South leads', handle: 'south-leads' });
    expect(
      await h.app.program.edit({
        actor: people.owner.id,
        kind: 'pool',
        key: 'south',
        body: { users: [southAe.id], managersGroup: 'S0SOUTHLEADS' },
      }),
    ).toMatchObject({ ok: true });
    const reads = slack.callsTo('usergroups.users.list').length;
    await slack.enterprise(ORG).grant(SOUTH);
    await logged('the org-wide install was added to workspaces of the org (T0SOUTH)');
    await waitFor(
      () => slack.callsTo('usergroups.users.list').length > reads,
      4000,
      "the user groups' members read again",
    );
    await sentToSouthAe(h, south, 'Litware Robotics');

    // A process that did not hear the access events learns the workspaces from Slack within five minutes.
    expect(h.app.scheduler.jobNames).toContain('org-workspaces-recheck');
    // Slack tells one replica; this process is not it.
    const unheard = async (change: () => Promise<unknown>) => {
      slack.unsubscribeEvents(h.eventsUrl);
      await change();
      slack.subscribeEvents(h.eventsUrl, SIGNING_SECRET);
    };
    await unheard(() => slack.enterprise(ORG).revoke(SOUTH));
    expect(h.app.startup.internalTeamIds).toContain(SOUTH);

    await h.app.scheduler.runNow('org-workspaces-recheck');
    expect(h.app.startup.internalTeamIds).not.toContain(SOUTH);
    expect(h.app.startup.internalTeamIds).toContain(WEST);
    expect(h.logs).toContainEqual(
      expect.objectContaining({
        granted: [],
        revoked: [SOUTH],
        msg: "the org's workspaces changed without this process hearing it: now as Slack lists them",
      }),
    );
    await southAeRefused(h);

    await unheard(() => slack.enterprise(ORG).grant(SOUTH));
    await h.app.scheduler.runNow('org-workspaces-recheck');
    expect(h.app.startup.internalTeamIds).toContain(SOUTH);
    await sentToSouthAe(h, south, 'Tailspin Robotics');
  });

  it('a workspace install ignores access events: they grow no list of ours', async () => {
    const h = await startHarness({ env: { SWEEP_SCHEDULE: '0 0 1 1 *' } });
    stops.push(() => h.stop());
    const before = [...h.app.startup.internalTeamIds];
    const delivery = await h.slack.deliver({ type: 'team_access_granted', team_ids: ['T0PARTNER'] });
    expect(delivery.status).toBe(200);
    await waitFor(
      () =>
        JSON.stringify(h.logs).includes(
          'team_access_granted for an install that is not this org-wide one: ignored',
        ),
      4000,
      'the refusal',
    );
    expect(h.app.startup.internalTeamIds).toEqual(before);
    expect(h.app.startup.internalTeamIds).not.toContain('T0PARTNER');
    // Nor does it ask Slack for an org's workspaces.
    expect(h.app.scheduler.jobNames).not.toContain('org-workspaces-recheck');
  });
});
