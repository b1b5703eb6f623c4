import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness, waitFor } from '../support/harness.js';
import { BETA_AUTHOR, installedTwice, OAUTH_ENV, twoCompanies } from '../support/oauthFlow.js';
import { TEAM } from '../support/people.js';

/**
 * A deployment serves as soon as one installation has started; the others start while it serves
 * (compose/tenants.ts `startEach`), and a request for one still starting waits for its start, then is answered.
 */

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

const help = (h: Harness, team: string, user: string) =>
  h.command({ team_id: team, user_id: user, text: 'help' });

/** The help text answered to the command's response URL, once it is. */
async function helpAnswered(h: Harness, before: number): Promise<string> {
  await waitFor(() => h.slack.responses.length > before, 8000, 'the help answered');
  return JSON.stringify(h.slack.responses.slice(before));
}

describe('a start with several installations', () => {
  it('serves the first at once; a request for one still starting waits for its start, then is answered', async () => {
    const { slack, beta } = await twoCompanies();
    stops.push(() => slack.stop());
    const installed = await installedTwice(slack, beta);
    const databasePath = installed.h.databaseKey;
    await installed.stop({ keepDatabase: true });

    // Beta's start waits on Slack: its auth.test is held until the test lets it go.
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    slack.fail('auth.test', { until: held, token: beta.token }, 1);
    const h = await startHarness({ slack, databasePath, env: OAUTH_ENV, everyInstallation: false });
    stops.push(async () => {
      release();
      await h.stop();
    });
    expect(h.app.tenants().map((t) => t.wired.startup.workspace.teamId)).toEqual([TEAM]);
    const acme = await help(h, TEAM, 'U0AUTHOR');
    expect(acme.status).toBe(200);
    expect(await helpAnswered(h, 0)).toContain('/handoff');
    const answeredBefore = h.slack.responses.length;

    // Beta's person asks while its start is held: answered once it has started, not ignored.
    const betaAnswer = help(h, BETA_AUTHOR.team_id, BETA_AUTHOR.id);
    await waitFor(
      () => slack.calls.some((c) => c.method === 'auth.test' && c.status === 0),
      8000,
      "Beta's start asking Slack",
    );
    release();
    const answered = await betaAnswer;
    expect(answered.status).toBe(200);
    expect(await helpAnswered(h, answeredBefore)).toContain('/handoff');
    await h.app.started;
    expect(h.app.tenants().map((t) => t.wired.startup.workspace.teamId)).toEqual([TEAM, BETA_AUTHOR.team_id]);
    expect(h.logs.filter((l) => l.msg === 'every installation started')).toMatchObject([
      { installations: 2, of: 2 },
    ]);
  });
});
