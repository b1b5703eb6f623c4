import { describe, expect, it } from 'vitest';
import { account } from '../support/crmFlow.js';
import { healthOf, stopsAfterEach } from '../support/edge-helpers.js';
import { FakeSlack } from '../support/fakeSlack.js';
import { submitAndSend } from '../support/flow.js';
import {
  type Harness,
  type HarnessOptions,
  seedWorkspace,
  startHarness,
  waitFor,
} from '../support/harness.js';
import {
  doctorOn,
  getManual,
  installAt,
  OAUTH_CLIENT,
  OAUTH_ENV,
  waitingForInstall,
} from '../support/oauthFlow.js';
import { people, TEAM } from '../support/people.js';

/**
 * The OAuth install, through the real receiver and the status server, against the fake Slack's authorize page and
 * oauth.v2.access, for one workspace (test/integration/twoWorkspaces.test.ts: two).
 */

// The harness's handoff is sent Monday 2026-11-23 15:00 Berlin; its AE's halfway reminder is Wednesday 11:00.
const REMINDER_DUE = '2026-11-25T10:00:00Z';
describe('the OAuth install (a deployment’s first workspace)', () => {
  const stops = stopsAfterEach();

  /** Starts the app in OAuth mode; it waits for its install, told its port. */
  async function waiting(opts: { rotation?: boolean; harness?: HarnessOptions } = {}) {
    const slack = await FakeSlack.start();
    seedWorkspace(slack);
    stops.push(() => slack.stop());
    let port = 0;
    const started = startHarness({
      slack,
      env: OAUTH_ENV,
      ...opts.harness,
      onStatusPort: (p) => {
        port = p;
      },
    });
    started.then(
      (h) => stops.push(() => h.stop()),
      () => undefined,
    );
    const base = await waitingForInstall(() => port);
    slack.oauthApp = {
      ...OAUTH_CLIENT,
      redirectUri: `${base}/slack/oauth_redirect`,
      tokenRotation: opts.rotation ?? false,
    };
    return { slack, started, base };
  }

  it('waits for its install (refusing a forged redirect), then serves the workspace with the installation sealed in the database', async () => {
    const { slack, started, base } = await waiting();
    await waitFor(async () => (await healthOf(base)).body.reason !== undefined, 10_000, 'waiting');
    expect(await healthOf(base)).toEqual({
      status: 503,
      body: {
        ok: false,
        starting: true,
        reason: 'not installed: open /slack/install on this server in a browser to install the app in Slack',
      },
    });

    // A redirect whose state this browser was not given (no state cookie: another browser, or a forged link) is
    // refused, and stores nothing.
    const forged = slack.approveInstall(
      (await getManual(`${base}/slack/install`)).headers.get('location') ?? '',
    );
    const refused = await getManual(forged);
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('did not complete');
    expect((await healthOf(base)).status).toBe(503);

    const done = await installAt(slack, base);
    expect(done.status).toBe(200);
    expect(done.page).toContain('installed in Acme');
    const h: Harness = await started;

    const [row] = await h.database.db.select().from(h.tables.installations);
    expect(row).toMatchObject({ installKey: TEAM, teamId: TEAM, source: 'oauth', uninstalledAt: null });
    expect(row?.sealed).toMatch(/^v1\./);
    expect(row?.sealed).not.toContain(slack.token);
    expect(JSON.stringify(h.logs)).not.toContain(slack.token);
    expect((await healthOf(h.baseUrl)).status).toBe(200);

    const { answer } = await submitAndSend(h, account('Northwind Logistics'));
    expect(answer).toEqual({ response_action: 'clear' });
    await waitFor(() => h.slack.messages(h.slack.dmChannelFor(people.ae.id)).length > 0, 5000, 'the AE DM');

    // The doctor reads the installation's token from the database (opened read-only) and checks it with Slack.
    const report = await doctorOn(h, slack);
    const token = report.results.find((r) => r.title === 'Slack token and scopes');
    expect(token?.findings[0]).toMatchObject({ status: 'pass', text: expect.stringContaining(`(${TEAM})`) });
    expect(report.text).not.toContain(slack.token);
  });

  it('answers every request while it switches from waiting to serving: the port never stops taking them', async () => {
    const { slack, started, base } = await waiting();
    // Requests one after another on four connections, from before the install to after the app serves.
    let serving = false;
    const answers: number[] = [];
    const failures: string[] = [];
    const hammer = async () => {
      while (!serving)
        await fetch(`${base}/healthz`, { headers: { connection: 'close' } }).then(
          (answer) => answers.push(answer.status),
          (error: unknown) => failures.push(String((error as { cause?: unknown }).cause ?? error)),
        );
    };
    const loops = [hammer(), hammer(), hammer(), hammer()];
    expect((await installAt(slack, base)).status).toBe(200);
    const h = await started;
    await waitFor(() => answers.at(-1) === 200, 10_000, 'the app serving /healthz');
    serving = true;
    await Promise.all(loops);
    expect(failures).toEqual([]);
    expect(answers).toContain(503);
    expect((await healthOf(h.baseUrl)).status).toBe(200);
  });

  it('an uninstall deletes the tokens at once; a reinstall connects again without a restart', async () => {
    const { slack, started, base } = await waiting();
    await installAt(slack, base);
    const h = await started;
    const { answer } = await submitAndSend(h, account('Contoso Freight'));
    expect(answer).toEqual({ response_action: 'clear' });
    const aeDm = () => h.slack.messages(h.slack.dmChannelFor(people.ae.id));
    await waitFor(() => aeDm().length === 1, 5000, 'the AE DM');

    await slack.uninstallApp();
    await waitFor(async () => (await healthOf(h.baseUrl)).status === 503, 5000, 'disconnected');
    const [gone] = await h.database.db.select().from(h.tables.installations);
    expect(gone).toMatchObject({ sealed: null });
    expect(gone?.uninstalledAt).toBeInstanceOf(Date);

    // The halfway reminder falls due while the app is uninstalled: it waits, and the reinstall (at the running
    // app's own /slack/install) delivers it.
    h.clock.set(REMINDER_DUE);
    expect((await h.app.sweeper.sweep()).reminded).toBe(1);
    h.app.outbox.kick();
    await h.app.outbox.idle();
    expect(aeDm()).toHaveLength(1);
    const again = await installAt(slack, h.baseUrl);
    expect(again.status).toBe(200);
    const [back] = await h.database.db.select().from(h.tables.installations);
    expect(back).toMatchObject({ uninstalledAt: null, source: 'oauth' });
    await waitFor(async () => (await healthOf(h.baseUrl)).status === 200, 10_000, 'connected again');
    await waitFor(
      () => aeDm().some((m) => JSON.stringify(m.blocks).includes('*Reminder*')),
      10_000,
      'the reminder that waited',
    );
  });

  it('UNINSTALL_DELETE_AFTER_DAYS=0: an uninstall deletes the workspace’s data at once; a reinstall starts afresh', async () => {
    const { slack, started, base } = await waiting({
      harness: { env: { ...OAUTH_ENV, UNINSTALL_DELETE_AFTER_DAYS: '0' } },
    });
    await installAt(slack, base);
    const h = await started;
    const { answer } = await submitAndSend(h, account('Contoso Freight'));
    expect(answer).toEqual({ response_action: 'clear' });
    const t = h.tables;
    expect(await h.database.db.select().from(t.handoffEvents)).not.toEqual([]);

    await slack.uninstallApp();
    await waitFor(
      async () => (await h.database.db.select().from(t.installations))[0]?.dataDeletedAt instanceof Date,
      5000,
      'the data deleted',
    );
    for (const table of [t.handoffs, t.handoffEvents, t.metricFacts, t.outbox, t.programLog] as const)
      expect(await h.database.db.select().from(table as typeof t.handoffs)).toEqual([]);
    const [gone] = await h.database.db.select().from(t.installations);
    expect(gone).toMatchObject({ sealed: null, installerUserId: null, installKey: TEAM });

    const again = await installAt(slack, h.baseUrl);
    expect(again.status).toBe(200);
    const [back] = await h.database.db.select().from(t.installations);
    expect(back).toMatchObject({ uninstalledAt: null, dataDeletedAt: null, source: 'oauth' });
    await waitFor(async () => (await healthOf(h.baseUrl)).status === 200, 10_000, 'connected again');
  });

  it('with token rotation, refreshes the bot token before it expires, on the app clock, and uses the new one', async () => {
    // @slack/oauth stamps the first expiry on real time: the app's clock starts at real time here.
    const { slack, started, base } = await waiting({
      rotation: true,
      harness: { now: new Date().toISOString() },
    });
    await installAt(slack, base);
    const h = await started;
    const first = slack.token;
    expect(first).toMatch(/^xoxe\.xoxb-/);
    h.clock.set(new Date(h.clock.now().getTime() + 11 * 3600_000));
    const { answer } = await submitAndSend(h, account('Fabrikam Shipping'));
    expect(answer).toEqual({ response_action: 'clear' });
    await waitFor(() => slack.token !== first, 10_000, 'a refresh');
    const refreshes = slack.calls.filter(
      (c) => c.method === 'oauth.v2.access' && c.args.grant_type === 'refresh_token',
    );
    expect(refreshes).toHaveLength(1);
    await waitFor(
      () => slack.calls.some((c) => c.method === 'chat.postMessage' && c.token === slack.token),
      10_000,
      'a post with the new token',
    );
    const [row] = await h.database.db.select().from(h.tables.installations);
    expect(row?.botTokenExpiresAt?.getTime()).toBeGreaterThan(h.clock.now().getTime() + 11 * 3600_000);
  });
});
