import { describe, expect, it } from 'vitest';
import { foreignRequest, type Installation } from '../../../src/handlers/installation.js';

/** Which signed requests are this installation's: the shapes Slack sends, one rule each. */

const workspace: Installation = {
  workspace: { teamId: 'T0OURS', enterpriseId: 'E0ORG', appId: 'A0APP' },
  internalTeamIds: ['T0OURS', 'E0ORG', 'T0SISTER'],
};
const orgWide: Installation = {
  workspace: { teamId: undefined, enterpriseId: 'E0ORG', appId: 'A0APP' },
  internalTeamIds: ['E0ORG'],
};

const envelope = (over: Record<string, unknown>) => ({
  type: 'event_callback',
  api_app_id: 'A0APP',
  team_id: 'T0OURS',
  event: { type: 'app_uninstalled' },
  authorizations: [{ team_id: 'T0OURS', user_id: 'U0BOT', is_bot: true, is_enterprise_install: false }],
  ...over,
});

describe('foreignRequest', () => {
  it('takes an event of this workspace, and refuses one of another workspace or another app', () => {
    expect(foreignRequest(envelope({}), workspace)).toBeUndefined();
    expect(
      foreignRequest(
        envelope({
          team_id: 'T0OTHER',
          authorizations: [{ team_id: 'T0OTHER', is_enterprise_install: false }],
        }),
        workspace,
      ),
    ).toBe('another workspace');
    expect(foreignRequest(envelope({ api_app_id: 'A0OTHER' }), workspace)).toBe('another app');
    // Another workspace of the same org is not this install's: its uninstall is its own.
    expect(
      foreignRequest(
        envelope({
          team_id: 'T0SISTER',
          enterprise_id: 'E0ORG',
          authorizations: [{ team_id: 'T0SISTER', enterprise_id: 'E0ORG', is_enterprise_install: false }],
        }),
        workspace,
      ),
    ).toBe('another workspace');
  });

  it('takes an event from a Slack Connect channel that names this installation among its authorizations', () => {
    const shared = envelope({
      team_id: 'T0PARTNER',
      authorizations: [{ team_id: 'T0OURS', is_enterprise_install: false }],
    });
    expect(foreignRequest(shared, workspace)).toBeUndefined();
  });

  it('takes an org-wide install’s events by its org', () => {
    const event = envelope({
      team_id: 'T0ANY',
      enterprise_id: 'E0ORG',
      authorizations: [{ team_id: null, enterprise_id: 'E0ORG', is_enterprise_install: true }],
    });
    expect(foreignRequest(event, orgWide)).toBeUndefined();
    expect(
      foreignRequest(
        {
          ...event,
          enterprise_id: 'E0ELSE',
          authorizations: [{ enterprise_id: 'E0ELSE', is_enterprise_install: true }],
        },
        orgWide,
      ),
    ).toBe('another workspace');
  });

  it('takes a click that names any of our workspaces: a partner’s click on our message in a shared channel', () => {
    const click = {
      type: 'block_actions',
      api_app_id: 'A0APP',
      team: { id: 'T0PARTNER' },
      user: { id: 'U0PARTNER', team_id: 'T0PARTNER' },
      message: { team: 'T0OURS' },
    };
    expect(foreignRequest(click, workspace)).toBeUndefined();
    expect(foreignRequest({ ...click, message: { team: 'T0PARTNER' } }, workspace)).toBe('another workspace');
    expect(foreignRequest({ ...click, api_app_id: 'A0OTHER', team: { id: 'T0OURS' } }, workspace)).toBe(
      'another app',
    );
  });

  it('takes a command typed in one of our workspaces, not in another', () => {
    const command = { command: '/handoff', team_id: 'T0SISTER', api_app_id: 'A0APP', user_id: 'U1' };
    expect(foreignRequest(command, workspace)).toBeUndefined();
    expect(foreignRequest({ ...command, team_id: 'T0OTHER' }, workspace)).toBe('another workspace');
  });

  it('knows no app id when auth.test gave none: the workspaces decide', () => {
    const noApp = { ...workspace, workspace: { teamId: 'T0OURS', enterpriseId: undefined } };
    expect(foreignRequest(envelope({ api_app_id: 'A0ANY' }), noApp)).toBeUndefined();
  });
});
