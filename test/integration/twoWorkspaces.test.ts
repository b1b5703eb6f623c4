import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, asc, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { commandReply } from '../../src/blocks/commandReplies.js';
import { ACTION_ID, CALLBACK_ID, crmCredentialBlockId } from '../../src/blocks/ids.js';
import { PARTNER_CHANNEL_HELD } from '../../src/blocks/notices.js';
import { ownedBy } from '../../src/db/owned.js';
import { acceptHandoff, acceptValues } from '../support/acceptFlow.js';
import { noteHeadings } from '../support/afterAcceptFlow.js';
import { account } from '../support/crmFlow.js';
import { submitCrmForm } from '../support/crmForm.js';
import { dbSnapshot } from '../support/dbSnapshot.js';
import { eventsFrom, stopsAfterEach } from '../support/edge-helpers.js';
import { FakeHubspot } from '../support/fakeHubspot.js';
import { FakeSalesforce } from '../support/fakeSalesforce.js';
import type { EventSender } from '../support/fakeSlack/events.js';
import { FakeSlack, type FakeWorkspace } from '../support/fakeSlack.js';
import { type ForeignRequest, requestsFrom } from '../support/foreignRequests.js';
import { type Harness, quiet, seedWorkspace, startHarness, waitFor } from '../support/harness.js';
import { openHome } from '../support/matrix.js';
import { doctorOn, installedTwice, OAUTH_ENV } from '../support/oauthFlow.js';
import type { OpenedModal } from '../support/ownerFlow.js';
import {
  blockAction,
  confirmationsOn,
  type PacketValues,
  packetSubmission,
  reviewSubmission,
  viewSubmission,
} from '../support/payloads.js';
import { channels, PARTNER_TEAM, people, TEAM } from '../support/people.js';
import type { Block } from '../support/programFlow.js';
import { csvObjects, headlineFigure } from '../support/revopsFlow.js';

/**
 * Issue 55: one deployment serves every workspace that installs it. Two workspaces install through the real status
 * server and receiver; a handoff runs in each at once, each on its own rows, its own bot token and its own people;
 * one uninstalls, and the other goes on untouched.
 */

const BETA = 'T0BETA';
/** The repository, whose dist/ test/globalSetup.ts builds (the export CLI runs from it). */
const ROOT = join(import.meta.dirname, '..', '..');
/** The second workspace's people and its own partner channel (with the same partner organization). */
const beta = {
  owner: { id: 'U0BOWNER', team_id: BETA, name: 'bo', real_name: 'Bo Owner', tz: 'Europe/Paris' },
  author: { id: 'U0BAUTHOR', team_id: BETA, name: 'bea', real_name: 'Bea Marketer', tz: 'Europe/Paris' },
  ae: { id: 'U0BAE', team_id: BETA, name: 'ben', real_name: 'Ben Seller', tz: 'Europe/Paris' },
  partner: {
    ...channels.partner,
    id: 'C0BPARTNER',
    name: 'ext-meridian-beta',
    shared_team_ids: [BETA, PARTNER_TEAM],
  },
};

/** A request as Slack sends it from the second workspace: the same payload, naming its team. */
const fromBeta = <T>(payload: T): T => JSON.parse(JSON.stringify(payload).replaceAll(TEAM, BETA)) as T;

/** The author of `team` submits a packet for its AE and sends it from the review. */
async function sendIn(h: Harness, team: 'acme' | 'beta', accountName: string, more: PacketValues = {}) {
  const who = team === 'acme' ? people : beta;
  const as = team === 'acme' ? <T>(p: T) => p : fromBeta;
  const values = {
    ...account(accountName),
    aeUserId: who.ae.id,
    ownerUserId: who.owner.id,
    ...(team === 'beta' ? { partnerChannelId: beta.partner.id } : {}),
    ...more,
  };
  const submitted = await h.interact(as(packetSubmission({ values, user: who.author })));
  expect(submitted.status).toBe(200);
  const pushed = (await submitted.json()) as { view: { private_metadata: string; blocks: unknown[] } };
  if (!pushed.view) throw new Error(`the packet was refused in ${team}: ${JSON.stringify(pushed)}`);
  const { draftId } = JSON.parse(pushed.view.private_metadata) as { draftId: number };
  const sent = await h.interact(
    as(reviewSubmission({ draftId, confirm: confirmationsOn(pushed.view), user: who.author })),
  );
  expect(await sent.json()).toEqual({ response_action: 'clear' });
}

/** Beta's AE accepts in Beta: the button in their DM, then the modal with its defaults. */
async function acceptInBeta(h: Harness, second: FakeWorkspace, handoffId: number) {
  const before = h.slack.callsTo('views.open').length;
  const click = await h.interact(
    fromBeta(
      blockAction({
        actionId: ACTION_ID.accept,
        value: String(handoffId),
        user: beta.ae,
        triggerId: second.issueTriggerId(),
        channelId: second.dmChannelFor(beta.ae.id),
      }),
    ),
  );
  expect(click.status).toBe(200);
  const opened = await waitFor(
    () => h.slack.callsTo('views.open').slice(before)[0],
    5000,
    'the accept modal in Beta',
  );
  const modal = opened.args.view as OpenedModal;
  const submitted = await h.interact(
    fromBeta(
      viewSubmission({
        user: beta.ae,
        callbackId: CALLBACK_ID.accept,
        privateMetadata: modal.private_metadata,
        values: acceptValues(modal),
      }),
    ),
  );
  expect(await submitted.text()).toBe('');
}

/** A person of Beta opens the App Home there: the event as Slack sends it for Beta's install; the publish answered. */
async function openHomeInBeta(h: Harness, second: FakeWorkspace, userId: string) {
  const publishes = () =>
    h.slack.calls.filter((c) => c.method === 'views.publish' && c.args.user_id === userId);
  const before = publishes().length;
  const events = eventsFrom(h, BETA, second.botUserId);
  const opened = {
    type: 'app_home_opened',
    user: userId,
    channel: `D${userId}`,
    tab: 'home',
    event_ts: '1795442400.000100',
  };
  expect((await events.deliver(opened as unknown as Parameters<EventSender['deliver']>[0])).status).toBe(200);
  const call = await waitFor(
    () =>
      publishes()
        .slice(before)
        .find((c) => c.status !== 0),
    8000,
    'the App Home in Beta',
  );
  expect(call.ok).toBe(true);
  return call;
}

describe('two workspaces on one deployment', () => {
  const stops = stopsAfterEach();

  /** Starts the app on OAuth; Acme installs it, then Beta at the running app's own /slack/install. */
  async function bothInstalled(opts: { authorizationsToken?: boolean; env?: Record<string, string> } = {}) {
    const slack = await FakeSlack.start();
    seedWorkspace(slack);
    stops.push(() => slack.stop());
    const second: FakeWorkspace = slack.addWorkspace({
      id: BETA,
      name: 'Beta Partners',
      installer: beta.owner.id,
    });
    for (const user of [beta.owner, beta.author, beta.ae]) second.addUser(user);
    second.addChannel({ ...beta.partner, members: [second.botUserId] });
    const { h, stop, pages } = await installedTwice(slack, second, {
      env: {
        ...opts.env,
        ...(opts.authorizationsToken ? { SLACK_AUTHORIZATIONS_TOKEN: slack.appLevelToken } : {}),
      },
    });
    stops.push(() => stop());
    expect(pages[0]).toContain('installed in Acme');
    expect(pages[1]).toContain('installed in Beta Partners');
    const installs = await h.database.db
      .select({ id: h.tables.installations.id, key: h.tables.installations.installKey })
      .from(h.tables.installations)
      .orderBy(asc(h.tables.installations.id));
    expect(installs.map((i) => i.key)).toEqual([TEAM, BETA]);
    const [acmeId, betaId] = installs.map((i) => i.id) as [number, number];
    const stopKeepingDatabase = () => stop({ keepDatabase: true });
    return { h, slack, second, acmeId, betaId, stopKeepingDatabase };
  }

  it('serves two installs at once, each on its own rows and token; one uninstalls and the other goes on', async () => {
    const { h, slack, second, acmeId, betaId } = await bothInstalled();
    // A handoff in each, at once: each AE is told in their own workspace, by their own workspace's bot.
    await Promise.all([sendIn(h, 'acme', 'Northwind Logistics'), sendIn(h, 'beta', 'Contoso Freight')]);
    const acmeDm = () => slack.messages(slack.dmChannelFor(people.ae.id));
    const betaDm = () => second.messages(second.dmChannelFor(beta.ae.id));
    await waitFor(() => acmeDm().length === 1 && betaDm().length === 1, 10_000, 'both AEs told');
    expect(JSON.stringify(acmeDm())).toContain('Northwind Logistics');
    expect(JSON.stringify(acmeDm())).not.toContain('Contoso Freight');
    expect(JSON.stringify(betaDm())).toContain('Contoso Freight');
    const { handoffs } = h.tables;
    const rows = await h.database.db
      .select({ account: handoffs.accountName, installationId: handoffs.installationId })
      .from(handoffs)
      .orderBy(asc(handoffs.accountName));
    expect(rows).toEqual([
      { account: 'Contoso Freight', installationId: betaId },
      { account: 'Northwind Logistics', installationId: acmeId },
    ]);

    // Each author's App Home lists their own workspace's handoff only.
    const acmeHome = JSON.stringify((await openHome(h, people.author.id)).args.view);
    const betaHome = JSON.stringify((await openHomeInBeta(h, second, beta.author.id)).args.view);
    expect(acmeHome).toContain('Northwind Logistics');
    expect(acmeHome).not.toContain('Contoso Freight');
    expect(betaHome).toContain('Contoso Freight');
    expect(betaHome).not.toContain('Northwind Logistics');

    // The doctor checks every installation's token, each named.
    const report = await doctorOn(h, slack);
    const tokens = report.results.find((r) => r.title === 'Slack token and scopes');
    const works = (tokens?.findings ?? []).filter((f) => f.text.includes('The token works'));
    expect(works.map((f) => [f.status, f.text.split(':')[0]])).toEqual([
      ['pass', `Installation ${TEAM}`],
      ['pass', `Installation ${BETA}`],
    ]);
    expect(report.text).not.toContain(second.token);

    // Beta uninstalls: its tokens go, its tenant stops; Acme's goes on, and the deployment stays healthy.
    await second.uninstallApp();
    await waitFor(() => h.app.tenants().length === 1, 10_000, 'the uninstalled tenant stopped');
    const [betaRow] = await h.database.db
      .select()
      .from(h.tables.installations)
      .where(eq(h.tables.installations.installKey, BETA));
    expect(betaRow).toMatchObject({ sealed: null });
    expect((await fetch(`${h.baseUrl}/healthz`)).status).toBe(200);
    await sendIn(h, 'acme', 'Fabrikam Robotics');
    await waitFor(() => acmeDm().length === 2, 10_000, 'the second Acme handoff told');
    // A request from the uninstalled workspace is ignored: nothing stored.
    const ignored = await h.interact(
      fromBeta(packetSubmission({ values: account('Litware'), user: beta.author })),
    );
    expect(ignored.status).toBe(200);
    expect(await h.database.db.select().from(handoffs).where(eq(handoffs.accountName, 'Litware'))).toEqual(
      [],
    );
    expect(JSON.stringify(h.logs)).toContain('no installation in force');
  });

  it('every route the app has and every job, run by the other installed workspace about this one’s handoff, change nothing here', async () => {
    const { h, slack, second, acmeId } = await bothInstalled();
    await sendIn(h, 'acme', 'Northwind Logistics');
    const acmeDm = () => slack.messages(slack.dmChannelFor(people.ae.id));
    await waitFor(() => acmeDm().length === 1, 10_000, 'the AE told');
    const [handoff] = await h.database.db.select().from(h.tables.handoffs);
    const dm = acmeDm()[0] as { ts: string };
    await quiet(h);
    // Acme's rows, read as Acme's tenant reads them, and what Acme's people and channels were shown.
    const acme = { database: { db: ownedBy(h.database.db, acmeId) } };
    const shown = () =>
      [people.author, people.ae, people.owner].map((p) => slack.messages(slack.dmChannelFor(p.id)).length);
    const before = {
      rows: await dbSnapshot(acme),
      shown: shown(),
      partner: slack.messages(channels.partner.id),
    };
    // Every action, view, shortcut, command and event, from Beta (installed), naming Acme's handoff and people.
    const events = eventsFrom(h, BETA, second.botUserId);
    const all = requestsFrom(BETA, handoff?.id as number, dm.ts);
    // Beta's own uninstall last: every other request reaches Beta's tenant, which still serves then.
    const named = (name: string) => all.find((r) => r.name === name) as ForeignRequest;
    const send = async (request: ForeignRequest) => {
      const response =
        request.kind === 'command'
          ? await h.command(request.fields)
          : request.kind === 'event'
            ? await events.deliver(request.event)
            : await h.interact(request.payload);
      expect(response.status, request.name).toBe(200);
    };
    const revoking = ['event app_uninstalled', 'event tokens_revoked'];
    const requests = all.filter((r) => !revoking.includes(r.name));
    expect(requests.length).toBeGreaterThan(80);
    for (const request of requests) await send(request);
    await quiet(h);
    expect(await dbSnapshot(acme)).toEqual(before.rows);
    expect(shown()).toEqual(before.shown);
    expect(slack.messages(channels.partner.id)).toEqual(before.partner);
    // Beta's tenant heard them (its own installation's requests), not the deployment's refusal of a stranger.
    expect(h.logs.filter((l) => l.why === 'no installation in force')).toEqual([]);

    // A week on, Acme's handoff is overdue: every job of Beta's installation, run now, leaves it alone.
    if (!handoff) throw new Error('no handoff stored');
    h.clock.set(new Date(handoff.dueAt.getTime() + 7 * 86_400_000));
    const [acmeTenant, betaTenant] = h.app.tenants();
    expect(betaTenant?.wired.startup.workspace.teamId).toBe(BETA);
    const jobs = betaTenant?.scheduler.jobNames ?? [];
    expect(jobs).toContain('response-window-sweep');
    for (const job of jobs) await betaTenant?.scheduler.runNow(job);
    await quiet(h);
    expect(await dbSnapshot(acme)).toEqual(before.rows);
    expect(shown()).toEqual(before.shown);
    // Acme's own sweep acts on it.
    await acmeTenant?.scheduler.runNow('response-window-sweep');
    expect((await h.database.db.select().from(h.tables.handoffs))[0]?.status).toBe('expired');
    await quiet(h);
    before.rows = await dbSnapshot(acme);
    // Beta's uninstall stops Beta's tenant only; what Slack says of Beta after that finds no installation in force.
    await send(named('event app_uninstalled'));
    await waitFor(() => h.app.tenants().length === 1, 10_000, "Beta's tenant stopped");
    expect(h.app.tenants().map((t) => t.wired.startup.workspace.teamId)).toEqual([TEAM]);
    await send(named('event tokens_revoked'));
    expect(h.logs.filter((l) => l.why === 'no installation in force').map((l) => l.event)).toEqual([
      'tokens_revoked',
    ]);
    expect(await dbSnapshot(acme)).toEqual(before.rows);
  });

  it.each([
    ['with SLACK_AUTHORIZATIONS_TOKEN: Slack lists who sees the event', true],
    ['without it: the installations whose partner channel it is', false],
  ])(
    'one Slack Connect channel between the two: each side posts only its own handoff there, bound on each side; a third organization joins: Slack tells the app once, and both sides hold it (%s)',
    async (_, authorizationsToken) => {
      const { h, slack, second, acmeId, betaId } = await bothInstalled({ authorizationsToken });
      // Beta is Acme's partner, and Acme is Beta's: one channel shared between the two, each side's bot invited.
      slack.addChannel({ id: 'C0BOTH', name: 'ext-acme-beta', members: [slack.botUserId] });
      await slack.shareChannel('C0BOTH', BETA);
      await second.inviteApp('C0BOTH', beta.owner.id);
      await quiet(h);
      await sendIn(h, 'acme', 'Northwind Logistics', {
        partnerChannelId: 'C0BOTH',
        partnerOrg: 'Beta Partners',
      });
      for (const account of ['Contoso Freight', 'Litware Freight'])
        await sendIn(h, 'beta', account, { partnerChannelId: 'C0BOTH', partnerOrg: 'Acme Corp' });
      // Each AE accepts in their own workspace: the decision is posted to the partner's channel, by their own bot.
      const { handoffs, partnerChannels } = h.tables;
      const idOf = async (name: string) =>
        (await h.database.db.select().from(handoffs).where(eq(handoffs.accountName, name)))[0]?.id as number;
      expect(await acceptHandoff(h, { handoffId: await idOf('Northwind Logistics') })).toEqual({});
      await acceptInBeta(h, second, await idOf('Contoso Freight'));
      const bots = [slack.botUserId, second.botUserId];
      const partnerPosts = () => slack.messages('C0BOTH').filter((m) => bots.includes(m.user));
      const by = (bot: string) =>
        partnerPosts()
          .filter((m) => m.user === bot)
          .map((m) => JSON.stringify(m))
          .join();
      // Each side's own posts, whichever comes first (each tenant's outbox delivers on its own).
      await waitFor(
        () =>
          by(slack.botUserId).includes('Northwind Logistics') &&
          by(second.botUserId).includes('Contoso Freight'),
        10_000,
        'both sides posted',
      );
      await quiet(h);
      expect(by(slack.botUserId)).not.toContain('Contoso Freight');
      expect(by(second.botUserId)).not.toContain('Northwind Logistics');
      const bindings = () =>
        h.database.db
          .select({ installationId: partnerChannels.installationId, status: partnerChannels.status })
          .from(partnerChannels)
          .where(eq(partnerChannels.channelId, 'C0BOTH'))
          .orderBy(asc(partnerChannels.installationId));
      expect((await bindings()).map((b) => b.installationId)).toEqual([acmeId, betaId]);
      expect((await bindings()).map((b) => b.status)).not.toContain('held');
      await quiet(h);

      // Gamma, a third organization, joins: Slack sends channel_shared once, naming Acme's installation alone.
      slack.addTeam({ id: 'T0GAMMA', name: 'Gamma Resellers', domain: 'gamma' });
      const shared = await slack.shareChannel('C0BOTH', 'T0GAMMA');
      expect(shared.status).toBe(200);
      expect(shared.envelope.authorizations.map((a) => a.team_id)).toEqual([TEAM]);
      expect(shared.envelope.is_ext_shared_channel).toBe(true);
      await waitFor(
        async () => (await bindings()).every((b) => b.status === 'held'),
        10_000,
        'the channel held on both sides',
      );
      const asked = slack.callsTo('apps.event.authorizations.list');
      if (authorizationsToken) {
        // Asked for this event (and for the earlier ones in the channel, the share with Beta and Beta's invite).
        expect(asked.map((c) => c.args.event_context)).toContain(shared.envelope.event_context);
        expect(new Set(asked.map((c) => c.token))).toEqual(new Set([slack.appLevelToken]));
      } else {
        expect(asked).toEqual([]);
        expect(
          h.logs.filter((l) => l.why === 'SLACK_AUTHORIZATIONS_TOKEN is not set').map((l) => l.event),
        ).toEqual(['channel_shared']);
      }

      // The doctor says whether events in shared channels reach every side: Slack accepts the token, or it is missing.
      const doctor = async (more: Record<string, string>) =>
        (await doctorOn(h, slack, more)).results
          .flatMap((r) => r.findings)
          .filter((f) => f.text.startsWith('SLACK_AUTHORIZATIONS_TOKEN'))
          .map((f) => f.status);
      if (authorizationsToken) {
        expect(await doctor({ SLACK_AUTHORIZATIONS_TOKEN: slack.appLevelToken })).toEqual(['pass']);
        expect(await doctor({ SLACK_AUTHORIZATIONS_TOKEN: 'xapp-1-AOTHER-1-wrong' })).toEqual(['fail']);
      } else expect(await doctor({})).toEqual(['warn']);

      // Beta's AE accepts: Beta's partner update waits for the channel; neither bot posts there while Gamma is in it.
      const before = partnerPosts().length;
      const { outbox } = h.tables;
      const betaPartnerRows = () =>
        h.database.db
          .select({ status: outbox.status, lastError: outbox.lastError })
          .from(outbox)
          .where(and(eq(outbox.channelKey, 'C0BOTH'), eq(outbox.installationId, betaId)));
      const delivered = async () => (await betaPartnerRows()).filter((r) => r.status === 'delivered');
      const deliveredBefore = (await delivered()).length;
      await acceptInBeta(h, second, await idOf('Litware Freight'));
      // Beta's outbox tried its partner update and held it for the channel.
      await waitFor(
        async () => (await betaPartnerRows()).some((r) => r.lastError === PARTNER_CHANNEL_HELD),
        10_000,
        "Beta's partner update held",
      );
      await quiet(h);
      expect(await delivered()).toHaveLength(deliveredBefore);
      const waiting = (await betaPartnerRows()).filter((r) => r.status !== 'delivered');
      expect(waiting.length).toBeGreaterThan(0);
      expect(waiting.every((r) => r.status === 'pending')).toBe(true);
      expect(partnerPosts().length).toBe(before);
    },
  );

  it('each workspace’s export and metrics hold its own handoffs only, for its own RevOps', async () => {
    const { h, slack, second } = await bothInstalled();
    // Each workspace's program names its own RevOps (each tenant's program, as its Admin tab edits it).
    const [acmeTenant, betaTenant] = h.app.tenants();
    for (const [tenant, userId] of [
      [acmeTenant, people.owner.id],
      [betaTenant, beta.owner.id],
    ] as const) {
      const body = { admin: { users: [userId] }, revops: { users: [userId] } };
      expect(await tenant?.wired.program.edit({ actor: userId, kind: 'roles', body })).toMatchObject({
        ok: true,
      });
    }
    await Promise.all([sendIn(h, 'acme', 'Northwind Logistics'), sendIn(h, 'beta', 'Contoso Freight')]);
    await sendIn(h, 'beta', 'Litware Freight');

    // An hour later (an export runs up to now: a handoff sent at this very instant would be the next one's).
    h.clock.advance(60 * 60_000);
    // The touch log CSV each RevOps asks for in their own workspace: its rows are that workspace's handoffs.
    const exported = async (who: { id: string; name: string; team_id: string }, files: FakeWorkspace) => {
      const done = h.slack.callsTo('files.completeUploadExternal').length;
      const asked = await h.command({
        user_id: who.id,
        user_name: who.name,
        team_id: who.team_id,
        text: 'export',
      });
      expect(asked.status).toBe(200);
      const completion = await waitFor(
        () =>
          h.slack
            .callsTo('files.completeUploadExternal')
            .slice(done)
            .find((c) => typeof c.args.channel_id === 'string'),
        10_000,
        `the export of ${who.name}`,
      );
      const [entry] = completion.args.files as { id: string }[];
      const file = files.file(entry?.id ?? '');
      if (!file) throw new Error(`the export of ${who.name} is not in their workspace`);
      return csvObjects(file.bytes.toString('utf8'))
        .rows.map((r) => r.account)
        .sort();
    };
    expect(await exported({ ...people.owner, team_id: TEAM }, slack.workspaceOf(TEAM))).toEqual([
      'Northwind Logistics',
    ]);
    expect(await exported(beta.owner, second)).toEqual(['Contoso Freight', 'Litware Freight']);

    // `npm run export` on the server: the installation it names; several and none named is refused, naming them.
    // Run beside the app without blocking its event loop (a blocked loop meets its own keep-alive timeouts after).
    const cli = (args: string[]) =>
      new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
        execFile(
          process.execPath,
          [join(ROOT, 'dist/export.js'), ...args],
          {
            cwd: tmpdir(),
            env: {
              PATH: process.env.PATH ?? '',
              ...(h.config.databaseUrl
                ? { DATABASE_URL: h.config.databaseUrl }
                : { DATABASE_PATH: h.config.databasePath }),
            },
            encoding: 'utf8',
          },
          (error, stdout, stderr) => resolve({ status: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
        );
      });
    const accounts = (out: string) =>
      csvObjects(out)
        .rows.map((r) => r.account)
        .sort();
    const ofBeta = await cli(['--installation', BETA]);
    expect(ofBeta.status, ofBeta.stderr).toBe(0);
    expect(accounts(ofBeta.stdout)).toEqual(['Contoso Freight', 'Litware Freight']);
    expect(accounts((await cli(['--installation', TEAM])).stdout)).toEqual(['Northwind Logistics']);
    const unnamed = await cli([]);
    expect([unnamed.status, unnamed.stdout]).toEqual([2, '']);
    expect(unnamed.stderr).toContain(
      `This database serves 2 installations (${TEAM}, ${BETA}): name one with --installation.`,
    );
    const unknown = await cli(['--installation', 'T0NOBODY']);
    expect([unknown.status, unknown.stdout]).toEqual([2, '']);
    expect(unknown.stderr).toContain(`No installation T0NOBODY in this database (it has ${TEAM}, ${BETA}).`);

    // The App Home's program metrics each RevOps reads: that workspace's handoffs counted, no other's.
    const acmeHome = (await openHome(h, people.owner.id)).args.view as { blocks: Block[] };
    const betaHome = (await openHomeInBeta(h, second, beta.owner.id)).args.view as { blocks: Block[] };
    expect(headlineFigure(acmeHome.blocks, 'Handoffs sent')).toBe('1');
    expect(headlineFigure(betaHome.blocks, 'Handoffs sent')).toBe('2');
  });

  it.each([
    ['first', 'the first installation only (the default): the other workspace’s handoffs never reach it'],
    ['all', 'every installation (one company’s workspaces)'],
  ])('CRM_INSTALLATIONS=%s: the CRM settings serve %s', async (rule) => {
    const hs = await FakeHubspot.start();
    stops.push(() => hs.stop());
    const crmEnv = { HUBSPOT_ACCESS_TOKEN: hs.accessToken, HUBSPOT_API_URL: hs.apiUrl };
    const { h, slack, second, betaId } = await bothInstalled({
      env: { ...crmEnv, ...(rule === 'all' ? { CRM_INSTALLATIONS: 'all' } : {}) },
    });
    const acmeDeal = hs.addDeal({ name: 'Northwind platform' });
    const betaDeal = hs.addDeal({ name: 'Contoso platform' });
    await sendIn(h, 'acme', 'Northwind Logistics', { crmOpportunity: acmeDeal });
    await sendIn(h, 'beta', 'Contoso Freight', { crmOpportunity: betaDeal });
    const { handoffs, outbox } = h.tables;
    const idOf = async (name: string) =>
      (await h.database.db.select().from(handoffs).where(eq(handoffs.accountName, name)))[0]?.id as number;
    expect(await acceptHandoff(h, { handoffId: await idOf('Northwind Logistics') })).toEqual({});
    await acceptInBeta(h, second, await idOf('Contoso Freight'));
    await waitFor(() => noteHeadings(hs, acmeDeal).length > 0, 10_000, "Acme's accept noted on its deal");
    if (rule === 'all') {
      await waitFor(() => noteHeadings(hs, betaDeal).length > 0, 10_000, "Beta's accept noted on its deal");
      return;
    }
    // Beta's own messages of the accept delivered: whatever Beta's installation would write has been tried.
    const betaPending = () =>
      h.database.db
        .select({ channelKey: outbox.channelKey })
        .from(outbox)
        .where(and(eq(outbox.installationId, betaId), eq(outbox.status, 'pending')));
    await waitFor(async () => (await betaPending()).length === 0, 10_000, "Beta's messages delivered");
    await quiet(h);
    expect(noteHeadings(hs, betaDeal)).toEqual([]);
    expect(hs.calls.filter((c) => JSON.stringify(c).includes('Contoso'))).toEqual([]);
    expect(
      h.logs
        .filter((l) => l.msg === 'the CRM settings do not serve this installation: no CRM here')
        .map((l) => l.installation),
    ).toEqual([BETA]);
    // The doctor says which installation the CRM serves, and which has none.
    const crm = (await doctorOn(h, slack, crmEnv)).results.find((r) => r.title === 'CRM');
    expect(crm?.findings.at(-1)).toMatchObject({
      status: 'warn',
      text: `The CRM settings serve ${TEAM} (CRM_INSTALLATIONS=first); ${BETA} has no CRM.`,
    });
  });

  it('a workspace connects its own CRM from Slack: its admins only, checked with the CRM, sealed, served at once', async () => {
    const hs = await FakeHubspot.start();
    stops.push(() => hs.stop());
    const sf = await FakeSalesforce.start({
      clientId: 'beta-consumer-key',
      clientSecret: 'beta-consumer-secret',
    });
    stops.push(() => sf.stop());
    // The deployment's CRM settings (HubSpot) serve the first installation, Acme; the operator names the fake
    // Salesforce, so that an admin's form may reach it (issue 77).
    const crmEnv = {
      HUBSPOT_ACCESS_TOKEN: hs.accessToken,
      HUBSPOT_API_URL: hs.apiUrl,
      SALESFORCE_ALLOWED_HOSTS: sf.loginUrl,
    };
    const { h, slack, second, betaId } = await bothInstalled({ env: crmEnv });
    const betaTenant = h.app.tenants()[1];
    const roles = { admin: { users: [beta.owner.id] }, revops: { users: [] } };
    expect(
      await betaTenant?.wired.program.edit({ actor: beta.owner.id, kind: 'roles', body: roles }),
    ).toMatchObject({ ok: true });
    // `/handoff crm` typed in Beta: the reply on its response URL.
    const crm = async (who: { id: string; name: string }, text: string) => {
      const url = slack.responseUrl();
      const asked = await h.command({
        user_id: who.id,
        user_name: who.name,
        team_id: BETA,
        text,
        response_url: url,
        trigger_id: second.issueTriggerId(),
      });
      expect(asked.status).toBe(200);
      return url;
    };
    const replyTo = (url: string) =>
      waitFor(
        () => slack.responses.find((r) => r.url === url)?.body.text as string | undefined,
        5000,
        'the reply',
      );
    // Beta's author is not its admin; Acme's admin is none of Beta's: both refused, nothing opened.
    expect(await replyTo(await crm(beta.author, 'crm salesforce'))).toBe(commandReply.forbidden('crm'));
    expect(await replyTo(await crm(beta.owner, 'crm'))).toContain(
      '*No CRM is connected for this workspace:*',
    );
    const opens = slack.callsTo('views.open').length;
    expect(await crm(beta.owner, 'crm salesforce')).toBeTruthy();
    const opened = await waitFor(() => slack.callsTo('views.open')[opens], 5000, 'the CRM form');
    const form = opened.args.view as {
      callback_id: string;
      private_metadata: string;
      blocks: { block_id?: string }[];
    };
    expect(form.callback_id).toBe(CALLBACK_ID.crmConnect);
    expect(form.blocks.map((b) => b.block_id).filter(Boolean)).toEqual(
      ['loginUrl', 'clientId', 'clientSecret'].map(crmCredentialBlockId),
    );
    const submit = (who: typeof beta.owner, given: Record<string, string>) =>
      submitCrmForm(h, who, 'salesforce', given, fromBeta);
    const stored = () =>
      h.database.db
        .select()
        .from(h.tables.crmConnections)
        .where(eq(h.tables.crmConnections.installationId, betaId));
    const credentials = { loginUrl: sf.loginUrl, clientId: sf.clientId, clientSecret: sf.clientSecret };
    // A plain http address of Salesforce's, and a secret Salesforce refuses: said under their fields.
    const refused = await submit(beta.owner, { ...credentials, loginUrl: 'http://acme.my.salesforce.com' });
    expect(refused.errors).toEqual({
      [crmCredentialBlockId('loginUrl')]: 'The address must start with https://.',
    });
    const wrong = await submit(beta.owner, { ...credentials, clientSecret: 'not-the-secret' });
    expect(wrong.errors?.[crmCredentialBlockId('clientSecret')]).toMatch(
      /^Salesforce refused these credentials/,
    );
    // A form submitted by someone who is not Beta's admin is refused too (the command is not the only door).
    expect(await submit(beta.author, credentials)).toEqual({});
    expect(await stored()).toEqual([]);

    const done = await submit(beta.owner, credentials);
    expect(done).toMatchObject({ response_action: 'update' });
    const [row] = await stored();
    expect(row).toMatchObject({ system: 'salesforce', connectedBy: beta.owner.id });
    // Sealed: neither the secret nor the key is in the row.
    expect(row?.sealed).not.toContain(sf.clientSecret);
    expect(row?.sealed).not.toContain(sf.clientId);
    await waitFor(() => h.app.tenants()[1] !== betaTenant, 10_000, "Beta's tenant built with its own CRM");
    expect(await replyTo(await crm(beta.owner, 'crm'))).toContain(
      `*Salesforce* is this workspace's CRM, connected by <@${beta.owner.id}>`,
    );

    // Each workspace's accepted handoff is written to its own company's CRM only.
    const acmeDeal = hs.addDeal({ name: 'Northwind platform' });
    const betaOpportunity = sf.addOpportunity({ name: 'Contoso platform' });
    await sendIn(h, 'acme', 'Northwind Logistics', { crmOpportunity: acmeDeal });
    await sendIn(h, 'beta', 'Contoso Freight', { crmOpportunity: betaOpportunity });
    const { handoffs } = h.tables;
    const idOf = async (name: string) =>
      (await h.database.db.select().from(handoffs).where(eq(handoffs.accountName, name)))[0]?.id as number;
    expect(await acceptHandoff(h, { handoffId: await idOf('Northwind Logistics') })).toEqual({});
    await acceptInBeta(h, second, await idOf('Contoso Freight'));
    await waitFor(
      () => noteHeadings(hs, acmeDeal).length > 0,
      10_000,
      "Acme's accept noted on its HubSpot deal",
    );
    await waitFor(
      () => sf.tasks().some((t) => t.WhatId === betaOpportunity),
      10_000,
      "Beta's Task in its Salesforce",
    );
    await quiet(h);
    expect(JSON.stringify(hs.calls)).not.toContain('Contoso');
    expect(JSON.stringify(sf.tasks())).not.toContain('Northwind');

    // The doctor checks Beta's own CRM with Salesforce, and says the settings serve Acme.
    const doctor = (await doctorOn(h, slack, crmEnv)).results.find((r) => r.title === 'CRM');
    expect(doctor?.findings.slice(-2)).toMatchObject([
      {
        status: 'pass',
        text: expect.stringMatching(
          new RegExp(`^${BETA} connected its own Salesforce .*accepts its credentials`),
        ),
      },
      { status: 'pass', text: `The CRM settings serve ${TEAM} (CRM_INSTALLATIONS=first).` },
    ]);

    // Disconnected: the row goes, and Beta's tenant is built again with no CRM.
    const connected = h.app.tenants()[1];
    expect(await replyTo(await crm(beta.owner, 'crm off salesforce'))).toBe(
      'Salesforce is disconnected: handoffs accepted from now on are not written to it. Its credentials are deleted.',
    );
    expect(await stored()).toEqual([]);
    await waitFor(() => h.app.tenants()[1] !== connected, 10_000, "Beta's tenant built again without it");
    expect(await replyTo(await crm(beta.owner, 'crm'))).toContain(
      '*No CRM is connected for this workspace:*',
    );

    // Connected again, then Beta uninstalls: its CRM credentials go with its Slack tokens.
    expect(await submit(beta.owner, credentials)).toMatchObject({ response_action: 'update' });
    expect(await stored()).toHaveLength(1);
    await second.uninstallApp();
    await waitFor(async () => (await stored()).length === 0, 10_000, "Beta's CRM credentials deleted");
  });

  it('messages another process queued for one workspace go out when they fall due: one look finds them for all; one workspace held by Slack’s rate limit does not slow the other', async () => {
    const { h, slack, second, betaId } = await bothInstalled();
    // The process's one look finds what is due where, whichever installation queued it.
    const at = h.clock.now();
    const queue = (to: string, key: string, due: Date) =>
      h.database.db.transaction((tx) =>
        tx.insert(h.tables.outbox).values({
          dedupeKey: key,
          channelKey: to,
          method: 'chat.postMessage',
          payload: { channel: to, text: `queued elsewhere: ${key}` },
          status: 'pending',
          attempts: 0,
          nextAttemptAt: due,
          createdAt: at,
          installationId: betaId,
        }),
      );
    const dmOf = (user: string) => second.messages(second.dmChannelFor(user));
    // As the command line would write them, past any bell: one due in a minute, one due now, to two people of Beta.
    await queue(beta.author.id, 'later', new Date(at.getTime() + 60_000));
    await queue(beta.ae.id, 'now', at);
    await waitFor(() => dmOf(beta.ae.id).length === 1, 10_000, 'the message due now, sent in Beta');
    expect(JSON.stringify(dmOf(beta.ae.id))).toContain('queued elsewhere: now');
    // The other is not due yet: it waits, then goes out once the clock passes it, by Beta's own token.
    await quiet(h);
    expect(dmOf(beta.author.id)).toEqual([]);
    h.clock.set(new Date(at.getTime() + 61_000));
    await waitFor(() => dmOf(beta.author.id).length === 1, 10_000, 'the later message, sent once due');
    expect(JSON.stringify(dmOf(beta.author.id))).toContain('queued elsewhere: later');
    // Each row is marked once Slack has answered its post.
    const statuses = async () =>
      (
        await h.database.db
          .select({ status: h.tables.outbox.status })
          .from(h.tables.outbox)
          .where(eq(h.tables.outbox.installationId, betaId))
      ).map((row) => row.status);
    let last: string[] = [];
    await waitFor(
      async () => {
        last = await statuses();
        return last.length === 2 && last.every((status) => status === 'delivered');
      },
      10_000,
      'both rows marked delivered',
    );
    expect(last).toEqual(['delivered', 'delivered']);

    // Every post to Beta's AE is now answered 429 with a long Retry-After: Beta's outbox holds the method, for its
    // token (the app posts a DM to the person's id). Acme's handoff, sent after, reaches its AE at once.
    slack.fail('chat.postMessage', { retryAfter: 120, channel: beta.ae.id });
    await sendIn(h, 'beta', 'Contoso Freight');
    const limited = () =>
      slack.calls.some(
        (c) => c.method === 'chat.postMessage' && c.args.channel === beta.ae.id && c.status === 429,
      );
    await waitFor(limited, 10_000, 'Beta rate limited');
    await sendIn(h, 'acme', 'Northwind Logistics');
    // Well within the 120 s Beta's token is held for.
    await waitFor(
      () => slack.messages(slack.dmChannelFor(people.ae.id)).length === 1,
      10_000,
      'Acme’s AE told',
    );
    expect(dmOf(beta.ae.id)).toHaveLength(1);
    // Beta's message waits for its own token's limit, not lost.
    expect((await statuses()).filter((status) => status === 'pending')).not.toEqual([]);
  });

  it('a restart serves the installations whose tokens work, and logs one revoked while the app was down', async () => {
    const { h, slack, second, stopKeepingDatabase } = await bothInstalled();
    await stopKeepingDatabase();
    // Slack's word of Beta's uninstall never reaches the app: it is down.
    slack.unsubscribeEvents();
    await second.uninstallApp();
    const again = await startHarness({ slack, databasePath: h.databaseKey, env: OAUTH_ENV });
    stops.push(() => again.stop());
    expect(again.app.tenants().map((t) => t.wired.startup.workspace.teamId)).toEqual([TEAM]);
    expect(
      again.logs.filter(
        (l) =>
          l.installation === BETA &&
          l.msg ===
            'an installation could not be served: the others are; installing the app there again serves it',
      ),
    ).toHaveLength(1);
    await sendIn(again, 'acme', 'Northwind Logistics');
    await waitFor(
      () => slack.messages(slack.dmChannelFor(people.ae.id)).length === 1,
      10_000,
      'Acme served after the restart',
    );
  });
});
