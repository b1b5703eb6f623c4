import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { open } from '../../src/install/seal.js';
import { stopsAfterEach } from '../support/edge-helpers.js';
import { startHarness, waitFor } from '../support/harness.js';
import { installedTwice, OAUTH_ENV, twoCompanies } from '../support/oauthFlow.js';

/**
 * SLACK_TOKEN_KEY changed on a deployment with installations: without the previous key the start stops at once,
 * saying what to do; with it, every token is sealed again under the new key and nothing is lost.
 */
describe('a changed SLACK_TOKEN_KEY', () => {
  const stops = stopsAfterEach();

  it('stops the start at once when no key opens the stored tokens, naming SLACK_TOKEN_KEY_PREVIOUS; with the previous key beside the new one, seals every token again and serves every installation', async () => {
    // Two workspaces installed under OAUTH_ENV's key, then the app stopped: the database to start again on.
    const { slack, beta } = await twoCompanies();
    stops.push(() => slack.stop());
    const installed = await installedTwice(slack, beta);
    const databasePath = installed.h.databaseKey;
    await installed.stop({ keepDatabase: true });
    const start = startHarness({
      slack,
      databasePath,
      env: { ...OAUTH_ENV, SLACK_TOKEN_KEY: randomBytes(32).toString('base64') },
    });
    await expect(start).rejects.toThrow(/SLACK_TOKEN_KEY_PREVIOUS/);

    const next = randomBytes(32);
    const rotating = {
      ...OAUTH_ENV,
      SLACK_TOKEN_KEY: next.toString('base64'),
      SLACK_TOKEN_KEY_PREVIOUS: OAUTH_ENV.SLACK_TOKEN_KEY,
    };
    const h = await startHarness({ slack, databasePath, env: rotating });
    await waitFor(() => h.app.tenants().length === 2, 10_000, 'both installations served');
    expect(h.logs).toContainEqual(expect.objectContaining({ resealed: 2 }));
    const rows = await h.database.db.select().from(h.tables.installations);
    for (const row of rows)
      expect(
        JSON.parse(open({ current: next, previous: undefined }, row.sealed as string)).bot.token,
      ).toMatch(/^xoxb-/);
    await h.stop({ keepDatabase: true });
    // The previous key dropped: the new one alone opens everything.
    const after = await startHarness({
      slack,
      databasePath,
      env: { ...OAUTH_ENV, SLACK_TOKEN_KEY: next.toString('base64') },
    });
    stops.push(() => after.stop());
    await waitFor(() => after.app.tenants().length === 2, 10_000, 'both installations served again');
  });
});
