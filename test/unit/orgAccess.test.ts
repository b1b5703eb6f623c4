import { describe, expect, it } from 'vitest';
import { startupOf } from '../../src/startup.js';

/**
 * An org-wide install's workspaces as they change while the app runs (startup.ts `orgAccess`): the one live list of
 * workspaces whose people are ours. The installing org and INTERNAL_TEAM_IDS never leave it; `sync` (every process,
 * every five minutes: compose/jobs.ts) makes it what Slack lists, telling listeners only of a change.
 */
const orgWide = () =>
  startupOf(
    { teamId: undefined, enterpriseId: 'E0ORG', isEnterpriseInstall: true, botUserId: 'UBOT' },
    { internalTeamIds: ['T0EXTRA'] },
    undefined,
    ['T0WEST', 'T0SOUTH'],
  );

describe('an org-wide install’s workspaces', () => {
  it('grants and revokes workspaces, never the org or the configured ones; syncs to the list Slack gives, telling listeners of a change and of nothing else', () => {
    const startup = orgWide();
    expect([...startup.internalTeamIds]).toEqual(['E0ORG', 'T0EXTRA', 'T0WEST', 'T0SOUTH']);
    startup.orgAccess.revoke(['T0SOUTH', 'E0ORG', 'T0EXTRA']);
    expect([...startup.internalTeamIds]).toEqual(['E0ORG', 'T0EXTRA', 'T0WEST']);
    startup.orgAccess.grant(['T0NORTH', 'T0WEST']);
    expect([...startup.internalTeamIds]).toEqual(['E0ORG', 'T0EXTRA', 'T0WEST', 'T0NORTH']);
    const synced = orgWide();
    let told = 0;
    synced.orgAccess.onChange(() => {
      told += 1;
    });
    expect(synced.orgAccess.sync(['T0WEST', 'T0SOUTH'])).toEqual({ granted: [], revoked: [] });
    expect(told).toBe(0);

    // Taken out of South and added to North while another process heard it.
    expect(synced.orgAccess.sync(['T0NORTH', 'T0WEST', ''])).toEqual({
      granted: ['T0NORTH'],
      revoked: ['T0SOUTH'],
    });
    expect([...synced.internalTeamIds]).toEqual(['E0ORG', 'T0EXTRA', 'T0WEST', 'T0NORTH']);
    expect(told).toBeGreaterThan(0);

    // Out of every workspace: only the org and the configured ones stay.
    const before = told;
    expect(synced.orgAccess.sync([])).toEqual({ granted: [], revoked: ['T0WEST', 'T0NORTH'] });
    expect([...synced.internalTeamIds]).toEqual(['E0ORG', 'T0EXTRA']);
    expect(told).toBe(before + 1);
  });
});
